package netdumplings.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.HubInfo;
import netdumplings.api.management.HubManagement;
import netdumplings.api.management.KitchenInfo;
import netdumplings.api.management.KitchenManagement;

/**
 * The management services and the Gogo command functions (scope {@code dumplings})
 * report the figures of a replayed dns.pcap (464 packets), disabling a chef stops feeding
 * it across a reconfiguration and enabling it resumes, and an invalid configuration is
 * refused while the kitchen keeps its last good one.
 */
@ExtendWith({ BundleContextExtension.class, ServiceExtension.class })
class ManagementIT {

    /** Free at the time of asking: never a fixed port (another runtime may hold it). */
    private final int kitchenPort = freePort();
    private final int eaterPort = freePort();
    private static final String KITCHEN = "mgmt_kitchen";
    private static final long DNS_PACKETS = 464;

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    private final TestConfigurations configurations = new TestConfigurations();

    @AfterEach
    void tearDown() throws Exception {
        configurations.deleteAll();
    }

    @Test
    void commandsAndServicesReportAReplayAndSwitchChefs() throws Exception {
        Path pcap = Path.of(context.getProperty("netdumplings.pcaps"), "dns.pcap").toAbsolutePath();
        Configuration hub = configAdmin.getConfiguration("netdumplings.hub", "?");
        configurations.update(hub, Map.of("address", "localhost", "in_port", kitchenPort, "out_port", eaterPort));
        Configuration kitchen = configAdmin.getFactoryConfiguration("netdumplings.kitchen", "mgmt", "?");
        Map<String, Object> good = Map.of("kitchen_name", KITCHEN, "pcap", pcap.toString(), "speed", 0.0,
                "loop", 1, "filter", "", "hub", "localhost:" + kitchenPort, "poke_interval", 1.0);
        configurations.update(kitchen, good);

        KitchenManagement management = awaitKitchen();
        KitchenInfo info = await(management, k -> k.packetsCaptured() == DNS_PACKETS
                && k.chefs().size() >= 3 && k.chefs().stream().allMatch(c -> c.packetsHandled() == DNS_PACKETS));
        ChefInfo counter = chef(info, "PacketCountChef");
        assertEquals("chefs.examples", counter.bundle());
        assertTrue(counter.enabled());
        assertEquals(pcap.toString(), info.source());
        assertFalse(info.live());

        Object commands = commands();
        String chefs = call(commands, "chefs");
        assertTrue(chefs.contains(KITCHEN), chefs);
        assertTrue(chefs.lines().anyMatch(l -> l.contains("PacketCountChef") && l.contains(" " + DNS_PACKETS + " ")),
                chefs);
        String kitchens = call(commands, "kitchens");
        assertTrue(kitchens.lines().anyMatch(l -> l.startsWith(KITCHEN) && l.contains(" " + DNS_PACKETS + " ")),
                kitchens);
        HubInfo hubInfo = awaitHub(h -> h.kitchens().stream().anyMatch(k -> k.name().equals(KITCHEN)));
        assertTrue(hubInfo.running());
        String hubText = call(commands, "hub");
        assertTrue(hubText.lines().anyMatch(l -> l.matches(" +kitchen +" + KITCHEN + " .*")), hubText);

        // Disable through the command, then replay again (a changed configuration replaces the kitchen).
        assertEquals("chef PacketCountChef disabled in 1 kitchen", call(commands, "disable", KITCHEN, "PacketCountChef"));
        assertFalse(chef(management.info(), "PacketCountChef").enabled());
        configurations.update(kitchen, with(good, "loop", 2));
        info = await(management, k -> k.packetsCaptured() == 2 * DNS_PACKETS
                && chef(k, "ARPChef").packetsHandled() == 2 * DNS_PACKETS);
        assertEquals(0, chef(info, "PacketCountChef").packetsHandled(), "a disabled chef is not fed");
        assertFalse(chef(info, "PacketCountChef").enabled());

        // An invalid configuration is refused: the kitchen keeps its figures and source.
        configurations.update(kitchen, with(good, "pcap", "/nonexistent/missing.pcap"));
        Thread.sleep(1000);
        assertEquals(pcap.toString(), management.info().source());
        assertEquals(2 * DNS_PACKETS, management.info().packetsCaptured());

        assertEquals("chef PacketCountChef enabled in 1 kitchen", call(commands, "enable", "PacketCountChef"));
        configurations.update(kitchen, with(good, "loop", 1));
        info = await(management, k -> k.packetsCaptured() == DNS_PACKETS
                && chef(k, "PacketCountChef").packetsHandled() == DNS_PACKETS);
        assertTrue(chef(info, "PacketCountChef").enabled());
        assertEquals("no kitchen has a chef NoSuchChef", call(commands, "disable", "NoSuchChef"));
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> result = new java.util.HashMap<>(base);
        result.put(key, value);
        return result;
    }

    private static ChefInfo chef(KitchenInfo info, String name) {
        return info.chefs().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no chef " + name + " in " + info));
    }

    private KitchenManagement awaitKitchen() throws Exception {
        return Kitchens.awaitKitchen(context, KITCHEN);
    }

    private static KitchenInfo await(KitchenManagement management, Predicate<KitchenInfo> wanted) throws Exception {
        return Kitchens.await(management, wanted);
    }

    private HubInfo awaitHub(Predicate<HubInfo> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HubInfo last = null;
        while (System.nanoTime() < deadline) {
            ServiceReference<HubManagement> ref = context.getServiceReference(HubManagement.class);
            HubManagement hub = ref == null ? null : context.getService(ref);
            last = hub == null ? null : hub.info();
            if (hub != null) {
                context.ungetService(ref);
            }
            if (last != null && wanted.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("hub not as wanted within 30 s; last: " + last);
    }

    /** The Gogo command service of scope dumplings (its class is private to its bundle: reflection, as Gogo). */
    private Object commands() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(osgi.command.scope=dumplings)");
        assertNotNull(refs, "no Gogo commands of scope dumplings");
        return context.getService(refs[0]);
    }

    private static String call(Object commands, String function, String... args) throws Exception {
        Class<?>[] types = new Class<?>[args.length];
        java.util.Arrays.fill(types, String.class);
        return (String) commands.getClass().getMethod(function, types).invoke(commands, (Object[]) args);
    }
}
