package chefs.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;

class PacketCountChefTest {

    /*
     * Cross-checked once against tshark 4.x on many-protocols.pcap (4709 packets), with
     * display filters meaning the same as our layers (the count is `| wc -l` of each):
     *   Ethernet 4709  tshark -r many-protocols.pcap -Y eth
     *   802.1Q     44  tshark -r many-protocols.pcap -Y vlan -T fields -e vlan.id
     *                  (summing the comma-separated ids: 24 packets carry 44 tags, and we
     *                  count every tag as a layer, as scapy does)
     *   IP       4683  tshark -r many-protocols.pcap -Y ip
     *   ICMP      109  tshark -r many-protocols.pcap -Y icmp
     *   TCP      4321  tshark -r many-protocols.pcap -Y "tcp && !icmp"   (and -Y tcp: same)
     *   UDP       269  tshark -r many-protocols.pcap -Y "udp && !icmp"   (and -Y udp: same)
     *   IPv6       16  tshark -r many-protocols.pcap -Y ipv6
     *   ARP         4  tshark -r many-protocols.pcap -Y arp
     *   DNS       252  tshark -r many-protocols.pcap -Y "udp.port==53 || tcp.port==53"
     * "!icmp" excludes headers quoted inside ICMP errors, which tshark dissects and we do
     * not (none of those here quote TCP or UDP, so both filters agree). The file has no IP
     * fragments (-Y "ip.flags.mf==1 || ip.frag_offset>0" is empty) and no ICMPv6; its
     * 802.3/LLC frames (CDP) count as Ethernet only.
     */
    private static final Map<String, Object> MANY_PROTOCOLS_COUNTS = Map.of(
            "Ethernet", 4709, "802.1Q", 44, "IP", 4683, "ICMP", 109, "TCP", 4321,
            "UDP", 269, "IPv6", 16, "ARP", 4, "DNS", 252);

    @Test
    void countsEveryLayerOfManyProtocols() throws Exception {
        List<Dumpling> dumplings = ChefRun.run("many-protocols.pcap", new PacketCountChef());
        // Only interval dumplings: one at start (nothing counted yet), one at end of file.
        assertEquals(2, dumplings.size());
        for (Dumpling d : dumplings) {
            assertEquals(DumplingDriver.INTERVAL, d.driver());
            assertEquals("PacketCountChef", d.chef());
            assertEquals("test_kitchen", d.kitchen());
        }
        assertEquals(Map.of("packet_counts", Map.of()), dumplings.get(0).payload());
        assertEquals(Map.of("packet_counts", MANY_PROTOCOLS_COUNTS), dumplings.get(1).payload());
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
