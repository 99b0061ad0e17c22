package netdumplings.kitchen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import netdumplings.testing.SampleCaptures;

/** Layers of the first packets of captures of each link type, as tshark shows them. */
class PacketDissectorTest {

    private static List<RecordingChef> run(String file) throws Exception {
        RecordingChef chef = new RecordingChef("rec");
        try (Kitchen kitchen = Kitchen.builder().pcapFile(SampleCaptures.path(file)).speed(0).filter("")
                .chef(chef).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(Duration.ofSeconds(30)));
        }
        return List.of(chef);
    }

    private static List<String> layers(String file, int index) throws Exception {
        return run(file).get(0).packets.get(index).layers();
    }

    @Test
    void ethernetIpUdpDns() throws Exception {
        assertEquals(List.of("Ethernet", "IP", "UDP", "DNS"), layers("dns.pcap", 0));
    }

    @Test
    void linuxCookedCapture() throws Exception {
        // tshark: sll:ethertype:ip:udp:rip, then sll:ethertype:ip:udp:dns
        assertEquals(List.of("cooked linux", "IP", "UDP"), layers("linux-cooked-sll.pcap", 0));
        assertEquals(List.of("cooked linux", "IP", "UDP", "DNS"), layers("linux-cooked-sll.pcap", 1));
    }

    @Test
    void rawIpv6() throws Exception {
        assertEquals(List.of("IPv6", "TCP"), layers("raw-ip.pcap", 0));
    }

    @Test
    void bsdNullLoopback() throws Exception {
        RecordingChef chef = run("null-loopback.pcapng").get(0);
        assertEquals(List.of("Loopback", "IPv6", "TCP"), chef.packets.get(0).layers());
        assertEquals(List.of("Loopback", "IP", "UDP"), chef.packets.get(1).layers());
    }

    @Test
    void doubleVlanTag() throws Exception {
        assertEquals(List.of("Ethernet", "802.1Q", "802.1Q", "IP", "ICMP"), layers("vlan.pcap", 0));
    }

    @Test
    void icmpStopsAtTheQuotedHeader() throws Exception {
        // tshark: eth:ethertype:ip:icmp:ip:icmp (an ICMP error quoting a datagram): we do
        // not count quoted headers.
        assertEquals(List.of("Ethernet", "IP", "ICMP"), layers("icmp.pcapng", 1));
    }

    @Test
    void arp() throws Exception {
        assertEquals(List.of("Ethernet", "ARP"), layers("arp-request.pcap", 0));
    }

    @Test
    void summaryNamesLayersAndEndpoints() throws Exception {
        String summary = run("dns.pcap").get(0).packets.get(0).summary();
        assertTrue(summary.matches("Ethernet / IP / UDP / DNS [0-9.]+:\\d+ > [0-9.]+:53 \\(\\d+ bytes\\)"),
                summary);
    }

    @Test
    void truncatedHeadersStopTheDissection() {
        byte[] frame = new byte[14 + 10]; // Ethernet + half an IPv4 header
        frame[12] = 0x08;
        assertEquals(List.of("Ethernet"), PacketDissector.dissect(frame, 1).layers());
        assertEquals(List.of(), PacketDissector.dissect(new byte[3], 1).layers());
        assertEquals(List.of(), PacketDissector.dissect(new byte[0], 113).layers());
    }
}
