package netdumplings.chefkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.api.ChefContext;
import netdumplings.api.DumplingChef;
import netdumplings.api.Protocol;
import netdumplings.api.SniffedPacket;
import netdumplings.api.Tcp;
import netdumplings.testing.SampleCaptures;

class ChefKitTest {

    /** Counts connections opened per server, as a chef author would write it. */
    static final class SynChef implements DumplingChef {
        private final Map<String, Long> perServer = new HashMap<>();

        @Override
        public Object packetHandler(SniffedPacket packet) {
            Tcp tcp = packet.tcp();
            if (tcp == null || !tcp.isSyn()) {
                return null;
            }
            String server = packet.ip().dstText() + ":" + tcp.dstPort();
            perServer.merge(server, 1L, Long::sum);
            return server;
        }

        @Override
        public Object intervalHandler(ChefContext context) {
            return Map.copyOf(perServer);
        }
    }

    // tshark -r many-protocols.pcap -Y "tcp.flags.syn==1 && tcp.flags.ack==0 && !icmp" | wc -l: 124;
    // ... -T fields -e ip.dst -e tcp.dstport | sort | uniq -c: 11 to 212.199.202.69 80, 9 to 212.199.202.53 80
    @Test
    void replaysACaptureThroughAChef() throws Exception {
        ChefReplay.Result result = ChefReplay.replay(SampleCaptures.path("many-protocols.pcap"), new SynChef());
        assertEquals(4709, result.packets());
        assertEquals(124, result.packetPayloads("SynChef").size());
        Map<?, ?> last = (Map<?, ?>) result.lastInterval("SynChef");
        assertEquals(11L, ((Number) last.get("212.199.202.69:80")).longValue());
        assertEquals(9L, ((Number) last.get("212.199.202.53:80")).longValue());
    }

    @Test
    void buildsTcpPackets() {
        SniffedPacket p = TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(50000, 80, Tcp.SYN).build();
        assertEquals(List.of("Ethernet", "IP", "TCP"), p.layers());
        assertEquals("10.0.0.2", p.ip().dstText());
        assertEquals(0x0a000001, p.ip().srcIpv4());
        assertEquals(50000, p.tcp().srcPort());
        assertEquals(80, p.tcp().dstPort());
        assertEquals(true, p.tcp().isSyn());
        assertEquals("HELLO".length(), TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2, Tcp.ACK)
                .payload("HELLO").build().payloadLength());
    }

    @Test
    void buildsDnsOverUdpAndTcpBehindVlanTagsAndIpv6() {
        SniffedPacket q = TestPackets.ethernet().vlan(10).ipv6("2001:db8::1", "2001:db8::53").udp(5000, 53)
                .dns(0x1234, false, "www.example.com").build();
        assertEquals(List.of("Ethernet", "802.1Q", "IPv6", "UDP", "DNS"), q.layers());
        assertEquals("www.example.com", q.dns().questionName());
        assertEquals(0x1234, q.dns().id());
        assertEquals("2001:db8::53", q.ip().dstText());
        SniffedPacket t = TestPackets.ethernet().ipv4("10.0.0.53", "10.0.0.1").tcp(53, 40000, Tcp.ACK | Tcp.PSH)
                .dns(7, true, "example.org").build();
        assertEquals(List.of("Ethernet", "IP", "TCP", "DNS"), t.layers());
        assertEquals(true, t.dns().isResponse());
        assertEquals("example.org", t.dns().questionName());
        assertEquals(1, t.dns().questionType());
    }

    @Test
    void buildsArpAndIcmp() {
        SniffedPacket arp = TestPackets.ethernet().arp(2, "30:46:9a:23:fb:fa", "10.0.0.138", "6c:f0:49:b2:de:6e", "10.0.0.1")
                .build();
        assertEquals(List.of("Ethernet", "ARP"), arp.layers());
        assertEquals("30:46:9a:23:fb:fa", arp.arp().senderMacText());
        assertEquals("10.0.0.1", arp.arp().targetIpText());
        SniffedPacket ping = TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").icmp(8, 0).payload(new byte[8]).build();
        assertEquals(List.of("Ethernet", "IP", "ICMP", "Raw"), ping.layers());
        assertEquals(8, ping.icmp().type());
        assertNull(ping.tcp());
        assertEquals(true, ping.has(Protocol.RAW));
    }

    @Test
    void refusesWhatIsNoPacket() {
        assertThrows(IllegalStateException.class, () -> TestPackets.ethernet().tcp(1, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> TestPackets.ethernet().ipv4("example.com", "10.0.0.1"));
    }
}
