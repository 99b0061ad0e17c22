package netdumplings.kitchen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import netdumplings.testing.SampleCaptures;

class KitchenConfigurationCheckTest {

    /** @return a valid configuration replaying dns.pcap, then changed by {@code change} */
    private static TestKitchenConfiguration dnsFile(Consumer<TestKitchenConfiguration> change) {
        TestKitchenConfiguration c = new TestKitchenConfiguration();
        c.pcap = SampleCaptures.path("dns.pcap").toString();
        change.accept(c);
        return c;
    }

    private static void assertProblem(String start, TestKitchenConfiguration c) {
        Optional<String> p = KitchenConfigurationCheck.problem(c);
        assertTrue(p.isPresent(), "expected a problem starting with " + start);
        assertTrue(p.get().startsWith(start), p.get());
    }

    @Test
    void validFileConfigurationPasses() {
        assertEquals(Optional.empty(), KitchenConfigurationCheck.problem(dnsFile(c -> { })));
    }

    @Test
    void missingCaptureFileNamesPcap() {
        assertProblem("pcap: capture file /nonexistent/x.pcap does not exist",
                dnsFile(c -> c.pcap = "/nonexistent/x.pcap"));
    }

    @Test
    void badFilterNamesFilter() {
        assertProblem("filter: bad filter", dnsFile(c -> c.filter = "tcp and and"));
    }

    @Test
    void unknownInterfaceNamesInterface() {
        TestKitchenConfiguration c = new TestKitchenConfiguration();
        c.iface = "nosuchif0";
        assertProblem("interface: ", c);
    }

    @Test
    void hubPortOutOfRangeNamesHub() {
        assertProblem("hub: ", dnsFile(c -> c.hub = "localhost:70000"));
    }

    @Test
    void nonPositivePokeIntervalNamesPokeInterval() {
        assertProblem("poke_interval: ", dnsFile(c -> c.poke = 0));
    }
}
