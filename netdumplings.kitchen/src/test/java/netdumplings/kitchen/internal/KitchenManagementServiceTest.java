package netdumplings.kitchen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.KitchenInfo;
import netdumplings.testing.SampleCaptures;

class KitchenManagementServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static KitchenManagementService service(Kitchen kitchen, KitchenConfiguration config) {
        return new KitchenManagementService(new KitchenManagementService.Owner() {
            @Override public Kitchen kitchen() { return kitchen; }
            @Override public KitchenConfiguration config() { return config; }
            @Override public Map<String, Bundle> chefBundles() { return Map.of(); }
        });
    }

    private static ChefInfo chef(KitchenInfo info, String name) {
        return info.chefs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void disabledChefIsNotFedWhileTheOthersAre() throws Exception {
        RecordingChef fed = new RecordingChef("fed");
        RecordingChef off = new RecordingChef("off");
        TestKitchenConfiguration config = new TestKitchenConfiguration();
        config.pcap = SampleCaptures.path("dns.pcap").toString();
        config.filter = "";
        try (Kitchen kitchen = Kitchen.builder().pcapFile(SampleCaptures.path("dns.pcap")).speed(0).filter("")
                .chef(fed).chef(off).build()) {
            KitchenManagementService management = service(kitchen, config);
            assertTrue(management.disableChef("off"));
            assertFalse(management.disableChef("nobody"));
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            KitchenInfo info = management.info();
            assertEquals(464, info.packetsCaptured());
            assertEquals(464, chef(info, "fed").packetsHandled());
            assertTrue(chef(info, "fed").enabled());
            assertEquals(0, chef(info, "off").packetsHandled());
            assertFalse(chef(info, "off").enabled());
            assertEquals(0, chef(info, "off").packetsDropped(), "disabled is not dropped");
            assertEquals(0, off.packets.size());
            assertEquals(config.pcap, info.source());
            assertFalse(info.live());
        }
    }

    @Test
    void enablingResumesFeedingByClassName() throws Exception {
        RecordingChef chef = new RecordingChef("rec");
        TestKitchenConfiguration config = new TestKitchenConfiguration();
        try (Kitchen kitchen = Kitchen.builder().pcapFile(SampleCaptures.path("dns.pcap")).speed(0).filter("")
                .loop(2).chef(chef).build()) {
            KitchenManagementService management = service(kitchen, config);
            management.disableChef("rec");
            assertTrue(management.enableChef(RecordingChef.class.getName()));
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertEquals(928, chef.packets.size());
            assertTrue(chef(management.info(), "rec").enabled());
        }
    }

    @Test
    void disabledChefsStayDisabledInANewKitchen() throws Exception {
        RecordingChef chef = new RecordingChef("rec");
        TestKitchenConfiguration config = new TestKitchenConfiguration();
        Kitchen[] current = { Kitchen.builder().pcapFile(SampleCaptures.path("dns.pcap")).chef(chef).build() };
        KitchenManagementService management = new KitchenManagementService(new KitchenManagementService.Owner() {
            @Override public Kitchen kitchen() { return current[0]; }
            @Override public KitchenConfiguration config() { return config; }
            @Override public Map<String, Bundle> chefBundles() { return Map.of(); }
        });
        management.disableChef("rec");
        current[0].close();
        try (Kitchen next = Kitchen.builder().pcapFile(SampleCaptures.path("dns.pcap")).speed(0).filter("")
                .chef(chef).build()) {
            current[0] = next;
            management.applyDisabled(next);
            next.start();
            assertTrue(next.awaitCaptureEnd(WAIT));
            assertEquals(0, chef.packets.size());
            assertFalse(chef(management.info(), "rec").enabled());
        }
    }

    /** A restarted runtime: a new service (and kitchen) reading the file the first one kept. */
    @Test
    void disabledChefsStayDisabledAfterARestart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("disabled-chefs.properties");
        TestKitchenConfiguration config = new TestKitchenConfiguration();
        RecordingChef first = new RecordingChef("rec");
        try (Kitchen kitchen = Kitchen.builder().pcapFile(SampleCaptures.path("dns.pcap")).chef(first).build()) {
            KitchenManagementService management = new KitchenManagementService(new KitchenManagementService.Owner() {
                @Override public Kitchen kitchen() { return kitchen; }
                @Override public KitchenConfiguration config() { return config; }
                @Override public Map<String, Bundle> chefBundles() { return Map.of(); }
            }, new DisabledChefs(file));
            assertTrue(management.disableChef("rec"));
        }
        RecordingChef again = new RecordingChef("rec");
        try (Kitchen next = Kitchen.builder().pcapFile(SampleCaptures.path("dns.pcap")).speed(0).filter("")
                .chef(again).build()) {
            KitchenManagementService management = new KitchenManagementService(new KitchenManagementService.Owner() {
                @Override public Kitchen kitchen() { return next; }
                @Override public KitchenConfiguration config() { return config; }
                @Override public Map<String, Bundle> chefBundles() { return Map.of(); }
            }, new DisabledChefs(file));
            management.applyDisabled(next);
            next.start();
            assertTrue(next.awaitCaptureEnd(WAIT));
            assertEquals(0, again.packets.size());
            assertFalse(chef(management.info(), "rec").enabled());
            // Enabled again: forgotten, so a third start feeds it.
            assertTrue(management.enableChef("rec"));
        }
        assertEquals(java.util.Set.of(), new DisabledChefs(file).load(config.kitchen__name()));
    }
}
