package chefs.standard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import netdumplings.api.ChefContext;
import netdumplings.api.DumplingDriver;
import netdumplings.api.SniffedPacket;
import netdumplings.api.Tcp;
import netdumplings.chefkit.ChefReplay;
import netdumplings.chefkit.Configurations;
import netdumplings.chefkit.TestPackets;
import netdumplings.testing.SampleCaptures;

/**
 * Connections as Zeek's conn.log, against tshark. The whole TCP connections of
 * http-three-streams.pcap and http-one-stream.pcap were read with
 * <pre>
 * tshark -r F -q -z conv,tcp                  (frames each way)
 * tshark -r F -T fields -e frame.number -e frame.time_epoch -e tcp.stream -e ip.src -e tcp.srcport \
 *   -e tcp.flags.str -e ip.len -e tcp.len     (summed per stream and sender with awk)
 * tshark -r F -Y "tcp.analysis.retransmission or tcp.analysis.lost_segment or tcp.analysis.out_of_order"
 *                                             (nothing: payload bytes by sequence numbers = tcp.len summed)
 * </pre>
 * Each connection's originator sent the SYN; its duration runs from the SYN to the second FIN
 * (Zeek leaves out the last ACK), its packets include the last ACK.
 */
class ConnectionsChefTest {

    private static ConnectionsChef chef(Object... config) {
        return new ConnectionsChef(Configurations.of(ConnectionsChef.Config.class, config));
    }

    private static Map<?, ?> connection(Object payload) {
        return (Map<?, ?>) ((Map<?, ?>) payload).get("connection");
    }

    private static Map<?, ?> counts(Object interval) {
        return (Map<?, ?>) ((Map<?, ?>) interval).get("connections");
    }

    private static long number(Map<?, ?> map, String key) {
        return ((Number) map.get(key)).longValue();
    }

    /**
     * Checks one connection's figures.
     *
     * @param figures orig_pkts, orig_bytes, orig_ip_bytes, resp_pkts, resp_bytes, resp_ip_bytes
     */
    private static void assertConnection(Map<?, ?> c, String orig, int origPort, String resp, int respPort,
            double ts, double duration, long... figures) {
        String name = orig + ":" + origPort;
        assertEquals(List.of(orig, origPort, resp, respPort, "tcp"),
                List.of(c.get("orig_h"), number(c, "orig_p"), c.get("resp_h"), number(c, "resp_p"), c.get("proto"))
                        .stream().map(o -> o instanceof Long l ? l.intValue() : o).toList(), name);
        assertEquals(ts, ((Number) c.get("ts")).doubleValue(), 1e-6, name);
        assertEquals(duration, ((Number) c.get("duration")).doubleValue(), 1e-6, name);
        assertEquals(List.of(figures[0], figures[1], figures[2], figures[3], figures[4], figures[5]),
                List.of(number(c, "orig_pkts"), number(c, "orig_bytes"), number(c, "orig_ip_bytes"),
                        number(c, "resp_pkts"), number(c, "resp_bytes"), number(c, "resp_ip_bytes")), name);
        assertEquals("SF", c.get("conn_state"), name);
        assertEquals("fin", c.get("ended_by"), name);
    }

    @Test
    void threeHttpStreamsEndAsSfWithTsharksCounts() throws Exception {
        ConnectionsChef chef = chef();
        ChefReplay.Result result = ChefReplay.replay(SampleCaptures.path("http-three-streams.pcap"), chef);
        List<Object> ended = result.packetPayloads("ConnectionsChef");
        assertEquals(3, ended.size());
        // In the order they end: stream 0 at frame 21 (the ACK of the second FIN, frame 16),
        // stream 2 at frame 27 (FIN frame 20), stream 1 at frame 28 (FIN frame 26).
        // conv,tcp frames: stream 0 5 -> / 4 <-, stream 1 5 / 5, stream 2 5 / 4;
        // ip.len summed: 645 / 657, 663 / 878, 948 / 548; tcp.len summed: 377 / 441, 395 / 610, 728 / 384.
        assertConnection(connection(ended.get(0)), "172.16.133.132", 54615, "98.139.161.29", 80,
                1361916156.677488, 1361916156.767059 - 1361916156.677488, 5, 377, 645, 4, 441, 657);
        assertConnection(connection(ended.get(1)), "172.16.133.132", 52328, "98.139.240.23", 80,
                1361916156.716947, 1361916156.800214 - 1361916156.716947, 5, 728, 948, 4, 384, 548);
        assertConnection(connection(ended.get(2)), "172.16.133.132", 44305, "98.138.19.88", 80,
                1361916156.693315, 1361916156.825424 - 1361916156.693315, 5, 395, 663, 5, 610, 878);

        Map<?, ?> counts = counts(result.lastInterval("ConnectionsChef"));
        assertEquals(0L, number(counts, "open"));
        assertEquals(3L, number(counts, "ended"));
        List<?> recent = (List<?>) counts.get("recent");
        assertEquals(List.of(ended.get(2), ended.get(1), ended.get(0)),
                recent.stream().map(c -> Map.of("connection", c)).toList(), "recent: newest first, as reported");
        assertEquals(3, Set.copyOf(recent.stream().map(c -> ((Map<?, ?>) c).get("uid")).toList()).size());
    }

    @Test
    void oneHttpStreamEndsAsSfWithTsharksCounts() throws Exception {
        ChefReplay.Result result = ChefReplay.replay(SampleCaptures.path("http-one-stream.pcap"), chef());
        List<Object> ended = result.packetPayloads("ConnectionsChef");
        assertEquals(1, ended.size());
        // conv,tcp: 7 frames -> (client), 8 <- (server); ip.len summed 659 / 3881, tcp.len 367 / 3549;
        // SYN frame 1 at 1258133614.430569, second FIN frame 14 at 1258133615.070666; ended at frame 15
        assertConnection(connection(ended.get(0)), "192.168.1.2", 49486, "77.67.44.206", 80,
                1258133614.430569, 1258133615.070666 - 1258133614.430569, 7, 367, 659, 8, 3549, 3881);
    }

    @Test
    void udpConversationsOfDnsAreTsharks() throws Exception {
        // An idle timeout longer than the capture (1277 s): every conversation stays one.
        ConnectionsChef chef = chef("idle_timeout_seconds", 1_000_000);
        ChefReplay.Result result = ChefReplay.replay(SampleCaptures.path("dns.pcap"), chef);
        assertEquals(List.of(), result.packetPayloads("ConnectionsChef"), "nothing ended within the capture");
        Map<?, ?> counts = counts(result.lastInterval("ConnectionsChef"));
        Map<String, long[]> expected = tsharkUdpConversations();
        assertEquals(219, expected.size());
        assertEquals((long) expected.size(), number(counts, "open_udp"));
        assertEquals(0L, number(counts, "open_tcp"));

        // Then a packet two timeouts later ends them all as idle, each reported.
        Collector sent = new Collector();
        chef.start(sent);
        chef.packetHandler(TestPackets.ethernet().ipv4("192.0.2.1", "192.0.2.2").udp(1, 2)
                .time(Instant.ofEpochSecond(1413056207L + 2_000_000)).build());
        assertEquals(219, sent.payloads.size());
        Map<String, long[]> seen = new HashMap<>();
        long payloadBytes = 0;
        for (Object p : sent.payloads) {
            Map<?, ?> c = connection(p);
            assertEquals("idle", c.get("ended_by"));
            assertEquals("udp", c.get("proto"));
            assertEquals(number(c, "resp_pkts") > 0 ? "SF" : "S0", c.get("conn_state"));
            String orig = c.get("orig_h") + ":" + c.get("orig_p");
            String resp = c.get("resp_h") + ":" + c.get("resp_p");
            seen.put(orig + " " + resp, new long[] {number(c, "orig_pkts"), number(c, "orig_ip_bytes"),
                number(c, "resp_pkts"), number(c, "resp_ip_bytes")});
            payloadBytes += number(c, "orig_bytes") + number(c, "resp_bytes");
        }
        // conv,udp's frames each way; its bytes are frame bytes: dns.pcap has no Ethernet padding,
        // VLAN tag, IP option nor IPv6 extension header (tshark -r dns.pcap -Y "eth.padding or vlan
        // or ip.hdr_len > 20 or ipv6.nxt != 17": nothing), so IP bytes = frame bytes - 14 a frame.
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            String[] ends = e.getKey().split(" ");
            long[] ab = e.getValue(); // frames a->b, bytes a->b, frames b->a, bytes b->a
            long[] got = seen.containsKey(e.getKey()) ? seen.get(e.getKey())
                    : flip(seen.get(ends[1] + " " + ends[0]));
            assertNotNull(got, e.getKey());
            assertEquals(List.of(ab[0], ab[1] - 14 * ab[0], ab[2], ab[3] - 14 * ab[2]),
                    List.of(got[0], got[1], got[2], got[3]), e.getKey());
        }
        // tshark -r dns.pcap -T fields -e udp.length | awk '{s+=$1-8} END {print s}': 38154
        assertEquals(38154L, payloadBytes);
    }

    @Test
    void everyTcpStreamAndUdpConversationOfManyProtocolsIsOneConnection() throws Exception {
        // tshark -r many-protocols.pcap -T fields -e tcp.stream | sort -u | wc -l: 126 streams;
        // tshark -r many-protocols.pcap -q -z conv,udp: 127 conversations. The idle timeout is
        // longer than the capture, so only FIN and RST end connections within it.
        ConnectionsChef chef = chef("idle_timeout_seconds", 1_000_000_000);
        ChefReplay.Result result = ChefReplay.replay(SampleCaptures.path("many-protocols.pcap"), chef);
        Map<?, ?> counts = counts(result.lastInterval("ConnectionsChef"));
        List<Object> ended = new ArrayList<>(result.packetPayloads("ConnectionsChef"));
        assertEquals(0L, result.errors().get("ConnectionsChef"));
        assertEquals(number(counts, "ended"), ended.size());
        assertEquals(126L, ended.size() + number(counts, "open_tcp"));
        assertEquals(127L, number(counts, "open_udp"));

        // Then every open one ends (a packet two timeouts after the last, at 1420290330.09962).
        Collector sent = new Collector();
        chef.start(sent);
        chef.packetHandler(TestPackets.ethernet().ipv4("192.0.2.1", "192.0.2.2").icmp(8, 0)
                .time(Instant.ofEpochSecond(1420290330L + 2_000_000_000L)).build()); // no TCP/UDP: no sweep
        chef.packetHandler(udp("192.0.2.1", 1, "192.0.2.2", 2, 0));
        assertEquals(List.of(), sent.payloads, "a step back in time: no time passed");
        chef.packetHandler(TestPackets.ethernet().ipv4("192.0.2.1", "192.0.2.2").udp(1, 2)
                .time(Instant.ofEpochSecond(1420290330L + 2_000_000_000L)).build());
        ended.addAll(sent.payloads);
        // Every TCP and UDP packet is in a connection or counted after one's end:
        // tshark -r many-protocols.pcap -Y "tcp and not icmp" | wc -l: 4321 ("udp and not icmp": 269).
        long tcpPackets = 0;
        long udpPackets = 0;
        for (Object p : ended) {
            Map<?, ?> c = connection(p);
            long packets = number(c, "orig_pkts") + number(c, "resp_pkts");
            if (c.get("proto").equals("tcp")) {
                tcpPackets += packets;
            } else if (!"192.0.2.1".equals(c.get("orig_h"))) {
                udpPackets += packets;
            }
        }
        long afterEnd = number(counts(chef.intervalHandler(null)), "packets_after_end");
        assertEquals(4321L, tcpPackets + afterEnd);
        assertEquals(269L, udpPackets);
        // Those after the end: 4 of 10.0.0.1:55243 and of :55254 after the client's RST, 1 of
        // :55263 after the server's first RST (tshark -Y "tcp.port==55243" ...: frames 1040-1043)
        assertEquals(9L, afterEnd);
    }

    private static long[] flip(long[] f) {
        return f == null ? null : new long[] {f[2], f[3], f[0], f[1]};
    }

    /**
     * @return "a b" (address:port each) to frames a->b, bytes a->b, frames b->a, bytes b->a, from
     *         {@code tshark -r dns.pcap -q -z conv,udp > dns-conv-udp.txt} (its "<-" columns are b->a)
     */
    private static Map<String, long[]> tsharkUdpConversations() throws IOException {
        Map<String, long[]> conversations = new HashMap<>();
        try (InputStream in = ConnectionsChefTest.class.getResourceAsStream("dns-conv-udp.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.trim().split(" +");
                if (f.length < 9 || !f[1].equals("<->")) {
                    continue;
                }
                conversations.put(f[0] + " " + f[2], new long[] {Long.parseLong(f[6]), Long.parseLong(f[7]),
                    Long.parseLong(f[3]), Long.parseLong(f[4])});
            }
        }
        return conversations;
    }

    @Test
    void aSynAnsweredByRstIsRejected() {
        ConnectionsChef chef = chef();
        assertNull(chef.packetHandler(tcp("10.0.0.1", 40000, "10.0.0.2", 23, Tcp.SYN, 1000, 0, 0, 0)));
        Map<?, ?> c = connection(chef.packetHandler(tcp("10.0.0.2", 23, "10.0.0.1", 40000, Tcp.RST | Tcp.ACK, 0, 1001,
                0, 1)));
        assertEquals("REJ", c.get("conn_state"));
        assertEquals("rst", c.get("ended_by"));
        assertEquals(List.of("10.0.0.1", 40000L, "10.0.0.2", 23L, 1L, 1L, 0L, 0L, 40L, 40L),
                List.of(c.get("orig_h"), number(c, "orig_p"), c.get("resp_h"), number(c, "resp_p"),
                        number(c, "orig_pkts"), number(c, "resp_pkts"), number(c, "orig_bytes"),
                        number(c, "resp_bytes"), number(c, "orig_ip_bytes"), number(c, "resp_ip_bytes")));
        // A repeated RST after the end is not a new connection.
        assertNull(chef.packetHandler(tcp("10.0.0.2", 23, "10.0.0.1", 40000, Tcp.RST | Tcp.ACK, 0, 1001, 0, 2)));
        Map<?, ?> counts = counts(chef.intervalHandler(null));
        assertEquals(0L, number(counts, "open"));
        assertEquals(1L, number(counts, "ended"));
        assertEquals(1L, number(counts, "packets_after_end"));
    }

    @Test
    void anAbortAfterTheHandshakeIsRstoOrRstr() {
        for (boolean origAborts : new boolean[] {true, false}) {
            ConnectionsChef chef = chef();
            handshake(chef);
            chef.packetHandler(tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp.ACK | Tcp.PSH, 101, 501, 10, 2));
            SniffedPacket rst = origAborts ? tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp.RST, 111, 0, 0, 3)
                    : tcp("10.0.0.2", 80, "10.0.0.1", 40000, Tcp.RST, 501, 0, 0, 3);
            Map<?, ?> c = connection(chef.packetHandler(rst));
            assertEquals(origAborts ? "RSTO" : "RSTR", c.get("conn_state"));
            assertEquals("rst", c.get("ended_by"));
            assertEquals(10L, number(c, "orig_bytes"));
            assertEquals(3.0, ((Number) c.get("duration")).doubleValue());
        }
    }

    @Test
    void finsFromBothSidesEndTheConnectionAtTheLastAckWithRetransmittedBytesCountedOnce() {
        ConnectionsChef chef = chef();
        handshake(chef);
        chef.packetHandler(tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp.ACK | Tcp.PSH, 101, 501, 100, 2));
        chef.packetHandler(tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp.ACK | Tcp.PSH, 101, 501, 100, 3)); // again
        chef.packetHandler(tcp("10.0.0.2", 80, "10.0.0.1", 40000, Tcp.ACK | Tcp.PSH, 501, 201, 300, 4));
        assertNull(chef.packetHandler(tcp("10.0.0.2", 80, "10.0.0.1", 40000, Tcp.ACK | Tcp.FIN, 801, 201, 0, 5)));
        assertNull(chef.packetHandler(tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp.ACK | Tcp.FIN, 201, 802, 0, 6)));
        Map<?, ?> c = connection(chef.packetHandler(tcp("10.0.0.2", 80, "10.0.0.1", 40000, Tcp.ACK, 802, 202, 0, 7)));
        assertEquals("SF", c.get("conn_state"));
        assertEquals("fin", c.get("ended_by"));
        assertEquals(List.of(5L, 100L, 4L, 300L), List.of(number(c, "orig_pkts"), number(c, "orig_bytes"),
                number(c, "resp_pkts"), number(c, "resp_bytes")));
        assertEquals(6.0, ((Number) c.get("duration")).doubleValue(), "up to the second FIN");
    }

    @Test
    void aSynAckSeenFirstMakesItsReceiverTheOriginator() {
        ConnectionsChef chef = chef();
        chef.packetHandler(tcp("10.0.0.2", 80, "10.0.0.1", 40000, Tcp.SYN | Tcp.ACK, 500, 101, 0, 0));
        chef.packetHandler(tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp.ACK, 101, 501, 0, 1));
        Map<?, ?> c = connection(chef.packetHandler(tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp.RST, 101, 0, 0, 2)));
        assertEquals("10.0.0.1", c.get("orig_h"));
        assertEquals("RSTO", c.get("conn_state"), "established without the SYN, then aborted by the originator");
    }

    @Test
    void anUnansweredSynEndsIdleAsS0AtTheNextPacketOrInterval() {
        ConnectionsChef chef = chef("idle_timeout_seconds", 60);
        Collector sent = new Collector();
        chef.start(sent);
        chef.packetHandler(tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp.SYN, 100, 0, 0, 0));
        chef.packetHandler(udp("10.0.0.3", 5000, "10.0.0.4", 53, 30));
        assertEquals(List.of(), sent.payloads, "30 s: not idle yet");
        chef.packetHandler(udp("10.0.0.3", 5000, "10.0.0.4", 53, 61));
        assertEquals(1, sent.payloads.size(), "61 s after the SYN");
        Map<?, ?> c = connection(sent.payloads.get(0));
        assertEquals(List.of("S0", "idle", "tcp"), List.of(c.get("conn_state"), c.get("ended_by"), c.get("proto")));

        chef.packetHandler(udp("10.0.0.5", 5000, "10.0.0.4", 53, 75));
        assertEquals(1, sent.payloads.size(), "the first UDP conversation: 14 s idle");

        // A lower timeout applies at the next interval, without a packet.
        chef.configure(Configurations.of(ConnectionsChef.Config.class, "idle_timeout_seconds", 10));
        Map<?, ?> counts = counts(chef.intervalHandler(null));
        assertEquals(2, sent.payloads.size());
        Map<?, ?> dns = connection(sent.payloads.get(1));
        // 2 packets of 20 (IPv4) + 8 (UDP) bytes
        assertEquals(List.of("10.0.0.3", "S0", "idle", "udp", 2L, 2L * 28), List.of(dns.get("orig_h"),
                dns.get("conn_state"), dns.get("ended_by"), dns.get("proto"), number(dns, "orig_pkts"),
                number(dns, "orig_ip_bytes")));
        assertEquals(List.of(1L, 0L, 1L, 2L), List.of(number(counts, "open"), number(counts, "open_tcp"),
                number(counts, "open_udp"), number(counts, "ended")));
    }

    @Test
    void idleTimeIsCountedOnThePacketClockThroughALoopingReplaysStepBack() {
        ConnectionsChef chef = chef("idle_timeout_seconds", 60);
        Collector sent = new Collector();
        chef.start(sent);
        chef.packetHandler(udp("10.0.0.1", 5000, "10.0.0.2", 53, 50));
        // a new pass from the capture's start: the step back counts nothing, then 30 s and 40 s
        chef.packetHandler(udp("10.0.0.3", 5000, "10.0.0.2", 53, 0));
        chef.packetHandler(udp("10.0.0.3", 5000, "10.0.0.2", 53, 30));
        assertEquals(List.of(), sent.payloads, "30 s of packet time since 10.0.0.1's packet");
        chef.packetHandler(udp("10.0.0.3", 5000, "10.0.0.2", 53, 70));
        assertEquals(1, sent.payloads.size(), "70 s since 10.0.0.1's packet");
        assertEquals("10.0.0.1", connection(sent.payloads.get(0)).get("orig_h"));
    }

    @Test
    void pastMaxConnectionsTheOneIdleLongestIsEvicted() {
        ConnectionsChef chef = chef("max_connections", 2, "recent", 2);
        Collector sent = new Collector();
        chef.start(sent);
        chef.packetHandler(udp("10.0.0.1", 1, "10.0.0.9", 53, 0));
        chef.packetHandler(udp("10.0.0.2", 1, "10.0.0.9", 53, 1));
        chef.packetHandler(udp("10.0.0.9", 53, "10.0.0.1", 1, 2)); // 10.0.0.1's is the newest now
        chef.packetHandler(udp("10.0.0.3", 1, "10.0.0.9", 53, 3));
        assertEquals(1, sent.payloads.size());
        Map<?, ?> c = connection(sent.payloads.get(0));
        assertEquals(List.of("10.0.0.2", "evicted"), List.of(c.get("orig_h"), c.get("ended_by")));
        chef.packetHandler(udp("10.0.0.4", 1, "10.0.0.9", 53, 4));
        chef.packetHandler(udp("10.0.0.5", 1, "10.0.0.9", 53, 5));
        Map<?, ?> counts = counts(chef.intervalHandler(null));
        assertEquals(List.of(2L, 3L, 3L), List.of(number(counts, "open"), number(counts, "evicted"),
                number(counts, "ended")));
        Map<?, ?> first = (Map<?, ?>) ((List<?>) counts.get("recent")).get(0);
        assertEquals(List.of(2, "10.0.0.3"), List.of(((List<?>) counts.get("recent")).size(), first.get("orig_h")),
                "the last 2 ended, newest first");
        Map<?, ?> answered = connection(sent.payloads.get(1));
        assertEquals(List.of("10.0.0.1", "SF", 1L), List.of(answered.get("orig_h"), answered.get("conn_state"),
                number(answered, "resp_pkts")));
    }

    @Test
    void ipv6ConnectionsNameTheirAddresses() {
        ConnectionsChef chef = chef();
        chef.packetHandler(TestPackets.ethernet().ipv6("2001:db8::1", "2001:db8::2").tcp(40000, 443, Tcp.SYN).build());
        Map<?, ?> c = connection(chef.packetHandler(TestPackets.ethernet().ipv6("2001:db8::2", "2001:db8::1")
                .tcp(443, 40000, Tcp.RST | Tcp.ACK).build()));
        assertEquals(List.of("2001:db8::1", "2001:db8::2", "REJ", 60L),
                List.of(c.get("orig_h"), c.get("resp_h"), c.get("conn_state"), number(c, "orig_ip_bytes")));
    }

    /** SYN at 0 s (seq 100), SYN-ACK at 0 s (seq 500), ACK at 1 s, between 10.0.0.1:40000 and 10.0.0.2:80. */
    private static void handshake(ConnectionsChef chef) {
        chef.packetHandler(tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp.SYN, 100, 0, 0, 0));
        chef.packetHandler(tcp("10.0.0.2", 80, "10.0.0.1", 40000, Tcp.SYN | Tcp.ACK, 500, 101, 0, 0));
        chef.packetHandler(tcp("10.0.0.1", 40000, "10.0.0.2", 80, Tcp.ACK, 101, 501, 0, 1));
    }

    /** A TCP segment with {@code payload} bytes, {@code second} s after a fixed time. */
    private static SniffedPacket tcp(String src, int srcPort, String dst, int dstPort, int flags, long seq, long ack,
            int payload, int second) {
        SniffedPacket p = TestPackets.ethernet().ipv4(src, dst).tcp(srcPort, dstPort, flags).payload(new byte[payload])
                .time(Instant.ofEpochSecond(1_400_000_000L + second)).build();
        // TestPackets writes seq 1 and ack 0: this test's own packet, so its bytes may be set
        // (Ethernet 14 + IPv4 20: TCP from 34; seq at 38, ack at 42).
        byte[] b = p.rawData();
        for (int i = 0; i < 4; i++) {
            b[38 + i] = (byte) (seq >>> (24 - 8 * i));
            b[42 + i] = (byte) (ack >>> (24 - 8 * i));
        }
        return p;
    }

    private static SniffedPacket udp(String src, int srcPort, String dst, int dstPort, int second) {
        return TestPackets.ethernet().ipv4(src, dst).udp(srcPort, dstPort)
                .time(Instant.ofEpochSecond(1_400_000_000L + second)).build();
    }

    /** A kitchen's context that keeps what the chef sends. */
    private static final class Collector implements ChefContext {
        final List<Object> payloads = new ArrayList<>();

        @Override
        public String kitchenName() {
            return "test";
        }

        @Override
        public Duration pokeInterval() {
            return Duration.ofSeconds(1);
        }

        @Override
        public void send(DumplingDriver driver, Object payload) {
            assertEquals(DumplingDriver.PACKET, driver);
            payloads.add(payload);
        }
    }

    @Test
    void uidsDiffer() {
        Set<Object> uids = new HashSet<>();
        ConnectionsChef chef = chef();
        for (int port = 1; port <= 100; port++) {
            chef.packetHandler(tcp("10.0.0.1", port, "10.0.0.2", 80, Tcp.SYN, 0, 0, 0, 0));
            uids.add(connection(chef.packetHandler(tcp("10.0.0.2", 80, "10.0.0.1", port, Tcp.RST | Tcp.ACK, 0, 1, 0,
                    0))).get("uid"));
        }
        assertEquals(100, uids.size());
        assertTrue(uids.stream().allMatch(u -> ((String) u).matches("C[0-9A-Za-z]{11}")), uids.toString());
    }

    @Test
    void configurationPropertiesAreTheDocumentedNames() throws IOException {
        // The Metatype description bnd generated from the annotation (what the Web Console's form
        // and a deploy/<PID>.cfg file use).
        String xml = Files.readString(Path.of("target/classes/OSGI-INF/metatype/chefs.standard.ConnectionsChef$Config.xml"));
        assertEquals(List.of("idle_timeout_seconds", "max_connections", "recent"),
                Pattern.compile("<AD id=\"([^\"]+)\"").matcher(xml).results().map(m -> m.group(1)).toList());
    }
}
