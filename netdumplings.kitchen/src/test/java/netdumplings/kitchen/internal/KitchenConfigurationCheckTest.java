package netdumplings.kitchen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import netdumplings.testing.SampleCaptures;

class KitchenConfigurationCheckTest {

    private static TestKitchenConfiguration dnsFile() {
        TestKitchenConfiguration c = new TestKitchenConfiguration();
        c.pcap = SampleCaptures.path("dns.pcap").toString();
        return c;
    }

    private static String problem(TestKitchenConfiguration c) {
        Optional<String> p = KitchenConfigurationCheck.problem(c);
        assertTrue(p.isPresent(), "expected a problem");
        return p.get();
    }

    @Test
    void validFileConfigurationPasses() {
        assertEquals(Optional.empty(), KitchenConfigurationCheck.problem(dnsFile()));
    }

    @Test
    void missingCaptureFileNamesPcap() {
        TestKitchenConfiguration c = dnsFile();
        c.pcap = "/nonexistent/x.pcap";
        assertTrue(problem(c).startsWith("pcap: capture file /nonexistent/x.pcap does not exist"), problem(c));
    }

    @Test
    void badFilterNamesFilter() {
        TestKitchenConfiguration c = dnsFile();
        c.filter = "tcp and and";
        assertTrue(problem(c).startsWith("filter: bad filter"), problem(c));
    }

    @Test
    void unknownInterfaceNamesInterface() {
        TestKitchenConfiguration c = new TestKitchenConfiguration();
        c.iface = "nosuchif0";
        assertTrue(problem(c).startsWith("interface: "), problem(c));
    }

    @Test
    void hubPortOutOfRangeNamesHub() {
        TestKitchenConfiguration c = dnsFile();
        c.hub = "localhost:70000";
        assertTrue(problem(c).startsWith("hub: "), problem(c));
    }

    @Test
    void nonPositivePokeIntervalNamesPokeInterval() {
        TestKitchenConfiguration c = dnsFile();
        c.poke = 0;
        assertTrue(problem(c).startsWith("poke_interval: "), problem(c));
    }
}
