package chefs.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.testing.OriginalReference;

class PacketCountChefTest {

    /*
     * The original's counts for many-protocols.pcap (../shared/reference/original-chefs, see
     * its README), but for its application layers (RIP, DHCPv6) that we do not name:
     * Ethernet 4707 and 802.3 2 (two 802.3 frames with LLC/SNAP), Raw 2586 (payload no
     * dissector claimed), Padding 328 (Ethernet trailers).
     */
    private static final String MANY_PROTOCOLS_COUNTS = OriginalReference.of("many-protocols.pcap")
            .packetCountsWithoutApplicationLayers().toString();

    @Test
    void countsEveryLayerOfManyProtocols() throws Exception {
        List<Dumpling> dumplings = ChefRun.run("many-protocols.pcap", new PacketCountChef());
        // Only interval dumplings: one at start (nothing counted yet), one at end of file.
        assertEquals(2, dumplings.size());
        for (Dumpling d : dumplings) {
            assertEquals(DumplingDriver.INTERVAL, d.driver());
            assertEquals("PacketCountChef", d.chef());
            assertEquals("chefkit", d.kitchen());
        }
        assertEquals(Map.of("packet_counts", Map.of()), dumplings.get(0).payload());
        assertEquals(MANY_PROTOCOLS_COUNTS, ((Map<?, ?>) dumplings.get(1).payload()).get("packet_counts").toString());
        assertEquals(4707L, ((Number) ((Map<?, ?>) ((Map<?, ?>) dumplings.get(1).payload()).get("packet_counts")).get("Ethernet")).longValue());
    }

    @Test
    void countsLinuxCookedLayers() throws Exception {
        // tshark -r linux-cooked-sll.pcap -Y sll | wc -l: 518
        List<Dumpling> dumplings = ChefRun.run("linux-cooked-sll.pcap", new PacketCountChef());
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) ((Map<String, Object>) dumplings.get(1).payload())
                .get("packet_counts");
        assertEquals(518, counts.get("cooked linux"));
    }
}
