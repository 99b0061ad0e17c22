package chefs.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.chefkit.ChefReplay;
import netdumplings.testing.OriginalReference;

/**
 * The three example chefs make what the original's make, capture by capture: every capture
 * of ../shared/pcaps with an output of the original in ../shared/reference/original-chefs
 * (netdumplings 0.5.1 with scapy 2.5; its README says how it was obtained). Times are left
 * out (the original stamps its own clock); PacketCountChef's counts leave out the
 * application layers the original names and we do not
 * ({@link OriginalReference#APPLICATION_LAYERS_NOT_NAMED}).
 */
class OriginalChefsTest {

    static List<String> captures() {
        return OriginalReference.captures();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void sameAsTheOriginal(String capture) throws Exception {
        OriginalReference reference = OriginalReference.of(capture);
        ChefReplay.Result run = ChefRun.replay(capture, new PacketCountChef(), new DNSLookupChef(), new ARPChef());
        if (reference.error() != null) {
            return; // the original could not read it; ours read it without a chef error
        }
        assertEquals(reference.packets(), run.packets(), "packets read");

        List<Dumpling> counts = run.of("PacketCountChef");
        assertEquals(2, counts.size());
        assertEquals(reference.packetCountsWithoutApplicationLayers().toString(),
                ((Map<?, ?>) counts.get(1).payload()).get("packet_counts").toString());

        List<String> hostnames = new ArrayList<>();
        Map<String, Long> lookupCounts = new LinkedHashMap<>();
        for (Dumpling d : run.of("DNSLookupChef")) {
            if (d.driver() == DumplingDriver.PACKET) {
                hostnames.add((String) ((Map<?, ?>) ((Map<?, ?>) d.payload()).get("lookup")).get("hostname"));
            } else {
                lookupCounts.clear();
                ((Map<?, ?>) ((Map<?, ?>) d.payload()).get("lookups_seen")).forEach((host, seen) -> lookupCounts
                        .put((String) host, ((Number) ((Map<?, ?>) seen).get("count")).longValue()));
            }
        }
        assertEquals(reference.hostnames(), hostnames);
        assertEquals(reference.lookupCounts(), lookupCounts);

        List<Map<String, Object>> arp = new ArrayList<>();
        for (Dumpling d : run.of("ARPChef")) {
            Map<String, Object> payload = new LinkedHashMap<>((Map<String, Object>) d.payload());
            payload.remove("time");
            arp.add(payload);
        }
        assertEquals(reference.arpPayloads(), arp);
    }
}
