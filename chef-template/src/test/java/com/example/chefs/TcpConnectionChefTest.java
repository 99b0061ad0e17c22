package com.example.chefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.api.SniffedPacket;
import netdumplings.api.Tcp;
import netdumplings.chefkit.ChefReplay;
import netdumplings.chefkit.Configurations;
import netdumplings.chefkit.TestPackets;

/** The chef on packets built from layers, and on a real capture replayed by the test kit. */
class TcpConnectionChefTest {

    private static SniffedPacket tcp(String src, int srcPort, String dst, int dstPort, int flags) {
        return TestPackets.ethernet().ipv4(src, dst).tcp(srcPort, dstPort, flags).build();
    }

    @Test
    void aSynIsANewConnectionToItsServer() {
        TcpConnectionChef chef = chef();
        Object payload = chef.packetHandler(tcp("10.0.0.1", 50000, "10.0.0.2", 80, Tcp.SYN));
        assertEquals(Map.of("client", "10.0.0.1:50000", "server", "10.0.0.2:80"), payload);
    }

    @Test
    void otherSegmentsAreNotConnections() {
        TcpConnectionChef chef = chef();
        assertNull(chef.packetHandler(tcp("10.0.0.2", 80, "10.0.0.1", 50000, Tcp.SYN | Tcp.ACK)));
        assertNull(chef.packetHandler(tcp("10.0.0.1", 50000, "10.0.0.2", 80, Tcp.ACK)));
        assertNull(chef.packetHandler(TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").udp(5000, 53).build()));
        assertEquals(0L, summary(chef).get("connections"));
    }

    @Test
    void ipv6ConnectionsToo() {
        TcpConnectionChef chef = chef();
        Object payload = chef.packetHandler(TestPackets.ethernet().vlan(7).ipv6("2001:db8::1", "2001:db8::2")
                .tcp(40000, 443, Tcp.SYN).build());
        assertEquals(Map.of("client", "2001:db8::1:40000", "server", "2001:db8::2:443"), payload);
    }

    @Test
    void intervalDumplingListsTheBusiestServers() {
        TcpConnectionChef chef = new TcpConnectionChef(
                Configurations.of(TcpConnectionChef.Config.class, "top", 1, "per_connection", false));
        assertNull(chef.packetHandler(tcp("10.0.0.1", 1000, "10.0.0.9", 443, Tcp.SYN)));
        chef.packetHandler(tcp("10.0.0.1", 1001, "10.0.0.2", 80, Tcp.SYN));
        chef.packetHandler(tcp("10.0.0.1", 1002, "10.0.0.2", 80, Tcp.SYN));
        Map<String, Object> summary = summary(chef);
        assertEquals(3L, summary.get("connections"));
        assertEquals(2, summary.get("servers"));
        assertEquals(Map.of("10.0.0.2:80", 2L), summary.get("top_servers"));
    }

    /**
     * http-three-streams.pcap (a sample of PcapPlusPlus's test data, beside this test):
     * {@code tshark -r http-three-streams.pcap -Y "tcp.flags.syn==1 && tcp.flags.ack==0"
     * -T fields -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport} lists three connections
     * from 172.16.133.132 (ports 54615, 44305, 52328) to 98.139.161.29, 98.138.19.88 and
     * 98.139.240.23, port 80.
     */
    @Test
    void replayOfARealCapture() throws Exception {
        Path capture = Path.of(TcpConnectionChefTest.class.getResource("http-three-streams.pcap").toURI());
        ChefReplay.Result result = ChefReplay.replay(capture, chef());
        assertEquals(List.of(
                Map.of("client", "172.16.133.132:54615", "server", "98.139.161.29:80"),
                Map.of("client", "172.16.133.132:44305", "server", "98.138.19.88:80"),
                Map.of("client", "172.16.133.132:52328", "server", "98.139.240.23:80")),
                result.packetPayloads("TcpConnectionChef"));
        Map<?, ?> last = (Map<?, ?>) result.lastInterval("TcpConnectionChef");
        assertEquals(3L, ((Number) last.get("connections")).longValue());
    }

    /** @return the chef with its declared defaults, as Declarative Services makes it without a .cfg file */
    private static TcpConnectionChef chef() {
        return new TcpConnectionChef(Configurations.of(TcpConnectionChef.Config.class));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> summary(TcpConnectionChef chef) {
        return (Map<String, Object>) chef.intervalHandler(null);
    }
}
