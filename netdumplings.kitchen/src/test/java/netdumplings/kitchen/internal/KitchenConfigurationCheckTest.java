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

    /** Issue 11: a 1 MB kitchen_name went into every dumpling and log line. */
    @Test
    void overlongKitchenNameIsRefused() {
        assertProblem("kitchen_name: must be at most 256 characters, not 1048576",
                dnsFile(c -> c.name = "k".repeat(1 << 20)));
        assertEquals(Optional.empty(), KitchenConfigurationCheck.problem(dnsFile(c -> c.name = "k".repeat(256))));
    }

    /**
     * Issue 11: {@code poke_interval=abc} in a .cfg: SCR's configuration proxy throws when
     * the field is read (as a proxy here does); one line naming the field, no stack trace.
     */
    @Test
    void valueOfTheWrongTypeNamesItsField() {
        TestKitchenConfiguration c = new TestKitchenConfiguration() {
            @Override
            public double poke__interval() {
                throw new IllegalArgumentException("cannot coerce \"abc\" to double");
            }
        };
        c.pcap = SampleCaptures.path("dns.pcap").toString();
        assertEquals(Optional.of("poke_interval: not a value of its type (cannot coerce \"abc\" to double)"),
                KitchenConfigurationCheck.problem(c));
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
    void negativePokeIntervalNamesPokeInterval() {
        assertProblem("poke_interval: ", dnsFile(c -> c.poke = -1));
        assertProblem("poke_interval: ", dnsFile(c -> c.poke = Double.NaN));
    }

    /** Issue 12: the original's -p 0 is accepted (the kitchen then pokes every 0.01 s). */
    @Test
    void zeroPokeIntervalIsAccepted() {
        assertEquals(Optional.empty(), KitchenConfigurationCheck.problem(dnsFile(c -> c.poke = 0)));
    }

    /** A replay's longest gap: 0 (every gap as recorded) or positive seconds. */
    @Test
    void negativeMaxGapNamesMaxGap() {
        assertProblem("max_gap: ", dnsFile(c -> c.maxGap = -1));
        assertProblem("max_gap: ", dnsFile(c -> c.maxGap = Double.POSITIVE_INFINITY));
        assertEquals(Optional.empty(), KitchenConfigurationCheck.problem(dnsFile(c -> c.maxGap = 0)));
    }
}
