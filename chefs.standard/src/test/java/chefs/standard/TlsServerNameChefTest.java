package chefs.standard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netdumplings.chefkit.ChefReplay;
import netdumplings.chefkit.Configurations;
import netdumplings.chefkit.TestPackets;
import netdumplings.testing.SampleCaptures;

/**
 * Expected values read once with
 * <pre>
 * tshark -r F -Y tls.handshake.type==1 -T fields -e frame.number -e tls.handshake.extensions_server_name \
 *   -e tls.handshake.version -e tls.handshake.extensions.supported_version -e tls.handshake.extensions_alpn_str \
 *   -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport -e frame.time_epoch
 * </pre>
 * (TShark 4.0.17) for F = tls-gstatic.pcap (3 ClientHellos in 44 packets), tls13.pcap (2 in 4),
 * tls-grease.pcap (1), many-protocols.pcap (20 in 4709), example.pcapng (1, MySQL's TLS on
 * port 3306, without a server name). Versions as Wireshark names them ({@code tshark -V}:
 * 0x7f1c is "TLS 1.3 (draft 28)"). No ClientHello of these files is split over TCP segments
 * ({@code -e tcp.segments} is empty for each); the split ones are made from tls-grease.pcap.
 */
class TlsServerNameChefTest {

    private static TlsServerNameChef chef(Object... namesAndValues) {
        return new TlsServerNameChef(Configurations.of(TlsServerNameChef.Config.class, namesAndValues));
    }

    private static ChefReplay.Result replay(Path capture, TlsServerNameChef chef) throws InterruptedException {
        return ChefReplay.replay(capture, chef);
    }

    private static ChefReplay.Result replay(String file) throws InterruptedException {
        return replay(SampleCaptures.path(file), chef());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> hellos(ChefReplay.Result result) {
        return result.packetPayloads("TlsServerNameChef").stream()
                .map(p -> (Map<String, Object>) ((Map<?, ?>) p).get("tls_client_hello")).toList();
    }

    private static Map<String, Object> hello(String name, String version, String client, String server,
            List<String> alpn, double when) {
        Map<String, Object> hello = new LinkedHashMap<>();
        if (name != null) {
            hello.put("server_name", name);
        }
        hello.put("version", version);
        hello.put("client", client);
        hello.put("server", server);
        if (alpn != null) {
            hello.put("alpn", alpn);
        }
        hello.put("when", when);
        return hello;
    }

    @Test
    void tlsGstaticHasThreeHellosOneWithADotlessName() throws Exception {
        // tshark: frame 1 "bawmashbij" 0x0301 (no supported_versions, no ALPN) 192.168.1.4:2061 ->
        // 192.168.1.3:443 at 1350802591.754299; frame 9 ssl.gstatic.com 0x0303, ALPN
        // spdy/3.1,spdy/3,http/1.1, 10.0.0.1:55305 -> 212.199.219.221:443 at 1420290316.732235;
        // frame 29 www.gstatic.com 0x0303 with supported versions 0x0304,0x0303, ALPN h2,http/1.1,
        // [2601:647:4b02:1d20:e4a1:6dfa:6f66:e399]:50553 -> [2607:f8b0:4005:802::2003]:443 at
        // 1601448819.986209.
        // The README's "odd name" is frame 1's: tshark -x shows its 10 bytes are plain ASCII
        // (62 61 77 6d 61 73 68 62 69 6a), a single label with no dot, not a domain name. It is a
        // valid host_name as far as the bytes go, so it is reported exactly as sent (nothing to
        // escape; a byte outside printable ASCII would be written \xNN).
        ChefReplay.Result result = replay("tls-gstatic.pcap");
        assertEquals(List.of(
                hello("bawmashbij", "TLS 1.0", "192.168.1.4:2061", "192.168.1.3:443", null, 1350802591.754299),
                hello("ssl.gstatic.com", "TLS 1.2", "10.0.0.1:55305", "212.199.219.221:443",
                        List.of("spdy/3.1", "spdy/3", "http/1.1"), 1420290316.732235),
                hello("www.gstatic.com", "TLS 1.3", "[2601:647:4b02:1d20:e4a1:6dfa:6f66:e399]:50553",
                        "[2607:f8b0:4005:802::2003]:443", List.of("h2", "http/1.1"), 1601448819.986209)),
                hellos(result));
        Map<?, ?> interval = (Map<?, ?>) result.lastInterval("TlsServerNameChef");
        assertEquals(Map.of("count", 1, "latest", 1601448819.986209),
                ((Map<?, ?>) interval.get("tls_server_names")).get("www.gstatic.com"));
        assertEquals(3, interval.get("client_hellos"));
        assertEquals(0, interval.get("without_server_name"));
        assertEquals(0, interval.get("skipped"));
    }

    @Test
    void tls13DraftsAndFinalAreNamedByTheirHighestSupportedVersion() throws Exception {
        // tshark: frame 1 "dogfish", ClientHello version 0x0303, supported versions
        // 0x7f1c,0x7f1b,0x7f1a (drafts 28, 27, 26), no ALPN, 172.16.1.117:34152 -> 172.16.1.130:443
        // at 1532373668.900082; frame 3 www.google.com 0x0303 with 0x0304,0x0303, ALPN h2,http/1.1,
        // [2601:647:4b02:1d20:c949:acc8:a8dc:d666]:52376 -> [2607:f8b0:4005:80a::2004]:443 at 1601237099.254104
        assertEquals(List.of(
                hello("dogfish", "TLS 1.3 (draft 28)", "172.16.1.117:34152", "172.16.1.130:443", null,
                        1532373668.900082),
                hello("www.google.com", "TLS 1.3", "[2601:647:4b02:1d20:c949:acc8:a8dc:d666]:52376",
                        "[2607:f8b0:4005:80a::2004]:443", List.of("h2", "http/1.1"), 1601237099.254104)),
                hellos(replay("tls13.pcap")));
    }

    @Test
    void greaseValuesAreNeverReported() throws Exception {
        // tshark: frame 1 secure.adnxs.com 0x0303, supported versions 0xfafa (GREASE),0x0304,0x0303,
        // 0x0302,0x0301, ALPN h2,http/1.1, 192.168.0.17:53002 -> 104.254.149.68:443 at 1608191160.477087.
        // tshark -V also shows GREASE as a cipher suite (0x7a7a), an extension (0x5a5a, 0xfafa), a
        // group (0x2a2a): none of them may turn into a version or an ALPN protocol.
        assertEquals(List.of(hello("secure.adnxs.com", "TLS 1.3", "192.168.0.17:53002", "104.254.149.68:443",
                List.of("h2", "http/1.1"), 1608191160.477087)), hellos(replay("tls-grease.pcap")));
        assertTrue(TlsServerNameChef.isGrease(0xfafa));
        assertTrue(TlsServerNameChef.isGrease(0x0a0a));
        assertFalse(TlsServerNameChef.isGrease(0x0a1a));
        assertFalse(TlsServerNameChef.isGrease(0x0304));
    }

    @Test
    void manyProtocolsNamesPerServerName() throws Exception {
        // tshark: 20 ClientHellos, all 0x0303 without supported_versions, all with a server name;
        // counted per name (frame numbers): www.google.com 58; www.facebook.com 809;
        // s-static.ak.facebook.com 942; fbstatic-a.akamaihd.net 963, 992, 1118; ssl.bbc.co.uk 1553;
        // www.google.co.il 3848; ssl.gstatic.com 3987; www.gstatic.com 4088, 4358;
        // apis.google.com 4092, 4368; id.google.co.il 4349; img.cybersear.ch 4416, 4498, 4505,
        // 4517, 4526, 4529 (the latest at 1420290321.820760)
        ChefReplay.Result result = replay("many-protocols.pcap");
        Map<String, Integer> expected = new TreeMap<>(Map.ofEntries(Map.entry("www.google.com", 1),
                Map.entry("www.facebook.com", 1), Map.entry("s-static.ak.facebook.com", 1),
                Map.entry("fbstatic-a.akamaihd.net", 3), Map.entry("ssl.bbc.co.uk", 1),
                Map.entry("www.google.co.il", 1), Map.entry("ssl.gstatic.com", 1), Map.entry("www.gstatic.com", 2),
                Map.entry("apis.google.com", 2), Map.entry("id.google.co.il", 1), Map.entry("img.cybersear.ch", 6)));
        Map<?, ?> interval = (Map<?, ?>) result.lastInterval("TlsServerNameChef");
        Map<String, Integer> counted = new TreeMap<>();
        ((Map<?, ?>) interval.get("tls_server_names"))
                .forEach((name, seen) -> counted.put((String) name, (Integer) ((Map<?, ?>) seen).get("count")));
        assertEquals(expected, counted);
        assertEquals(1420290321.820760, (Double) ((Map<?, ?>) ((Map<?, ?>) interval.get("tls_server_names"))
                .get("img.cybersear.ch")).get("latest"), 1e-6);
        assertEquals(20, interval.get("client_hellos"));
        assertEquals(20, hellos(result).size());
        assertTrue(hellos(result).stream().allMatch(h -> h.get("version").equals("TLS 1.2")));
        // tshark: every one offers ALPN spdy/3.1,spdy/3,http/1.1, from 10.0.0.1 to port 443
        assertTrue(hellos(result).stream().allMatch(h -> h.get("alpn").equals(List.of("spdy/3.1", "spdy/3", "http/1.1"))
                && ((String) h.get("client")).startsWith("10.0.0.1:") && ((String) h.get("server")).endsWith(":443")));
        assertEquals(0, interval.get("skipped"));
    }

    @Test
    void aHelloWithoutServerNameIsCounted() throws Exception {
        // tshark: example.pcapng frame 8, a ClientHello of MySQL's TLS (127.0.0.1:40304 -> :3306),
        // version 0x0303, no server_name extension, no ALPN
        ChefReplay.Result result = replay("example.pcapng");
        assertEquals(1, hellos(result).size());
        Map<String, Object> hello = new LinkedHashMap<>(hellos(result).get(0));
        assertEquals(1422527998.639932680, (Double) hello.remove("when"), 1e-6);
        assertEquals(Map.of("version", "TLS 1.2", "client", "127.0.0.1:40304", "server", "127.0.0.1:3306"), hello);
        Map<?, ?> interval = (Map<?, ?>) result.lastInterval("TlsServerNameChef");
        assertEquals(1, interval.get("without_server_name"));
        assertEquals(Map.of(), interval.get("tls_server_names"));
    }

    @Test
    void aMalformedServerNameMakesTheHelloSkipped() throws Exception {
        // tshark: malformed/tls-malformed.pcap frame 1, a ClientHello whose server_name extension
        // has length 1: "No more room for vector of length 2", Malformed Packet
        ChefReplay.Result result = replay(SampleCaptures.folder().resolve("malformed/tls-malformed.pcap"), chef());
        assertEquals(List.of(), result.packetPayloads("TlsServerNameChef"));
        assertEquals(1, ((Map<?, ?>) result.lastInterval("TlsServerNameChef")).get("skipped"));
        assertEquals(Map.of("TlsServerNameChef", 0L), result.errors());
    }

    // tls-grease.pcap's one ClientHello (517 bytes of TCP payload) cut into segments. The file
    // splitHello writes was read once with tshark (same command as above, plus -e tcp.segments):
    // tshark puts the three segments 0-99, 100-299, 300-516 back together and reports the hello in
    // the last frame, with the values of greaseValuesAreNeverReported.

    @Test
    void aHelloSplitOverThreeSegmentsIsPutTogether(@TempDir Path dir) throws Exception {
        ChefReplay.Result result = replay(splitHello(dir, 0, 100, 100, 300, 300, 517), chef());
        assertEquals(List.of("secure.adnxs.com"), hellos(result).stream().map(h -> h.get("server_name")).toList());
        assertEquals(List.of("h2", "http/1.1"), hellos(result).get(0).get("alpn"));
        assertEquals("TLS 1.3", hellos(result).get(0).get("version"));
        assertEquals(0, ((Map<?, ?>) result.lastInterval("TlsServerNameChef")).get("skipped"));
    }

    @Test
    void aRetransmittedOverlappingSegmentIsTakenOnce(@TempDir Path dir) throws Exception {
        // 0-99, then 100-299, then 50-399 (a retransmission overlapping what was had), then 400-516
        ChefReplay.Result result = replay(splitHello(dir, 0, 100, 100, 300, 50, 400, 400, 517), chef());
        assertEquals(List.of("secure.adnxs.com"), hellos(result).stream().map(h -> h.get("server_name")).toList());
    }

    @Test
    void aMissingSegmentMakesTheHelloSkipped(@TempDir Path dir) throws Exception {
        ChefReplay.Result result = replay(splitHello(dir, 0, 100, 300, 517), chef());
        assertEquals(List.of(), result.packetPayloads("TlsServerNameChef"));
        assertEquals(1, ((Map<?, ?>) result.lastInterval("TlsServerNameChef")).get("skipped"));
    }

    @Test
    void splitHellosAreSkippedBeyondTheBounds(@TempDir Path dir) throws Exception {
        Path split = splitHello(dir, 0, 100, 100, 517);
        for (TlsServerNameChef bounded : List.of(chef("max_pending_hellos", 0), chef("max_hello_bytes", 516))) {
            ChefReplay.Result result = replay(split, bounded);
            assertEquals(List.of(), result.packetPayloads("TlsServerNameChef"));
            assertEquals(1, ((Map<?, ?>) result.lastInterval("TlsServerNameChef")).get("skipped"));
        }
    }

    @Test
    void aSplitHelloNeverFinishedIsGivenUpWhenAnotherStartsLater() throws Exception {
        byte[] hello = greasePayload();
        byte[] start = java.util.Arrays.copyOf(hello, 100);
        TlsServerNameChef chef = chef();
        Instant t = Instant.ofEpochSecond(1_600_000_000L);
        chef.packetHandler(segment(50001, start, t));
        chef.packetHandler(segment(50002, start, t.plusSeconds(TlsServerNameChef.PENDING_SECONDS)));
        assertEquals(0L, ((Map<?, ?>) chef.intervalHandler(null)).get("skipped"), "not yet");
        chef.packetHandler(segment(50003, start, t.plusSeconds(TlsServerNameChef.PENDING_SECONDS + 1)));
        assertEquals(1L, ((Map<?, ?>) chef.intervalHandler(null)).get("skipped"), "50001's, started 31 s before");
        // 50001 is no longer waited for: its whole hello again is read as a hello of its own
        assertEquals("secure.adnxs.com", ((Map<?, ?>) ((Map<?, ?>) chef.packetHandler(segment(50001, hello,
                t.plusSeconds(32)))).get("tls_client_hello")).get("server_name"));
    }

    @Test
    void theNameSeenLeastRecentlyIsForgottenFirst() {
        TlsServerNameChef chef = chef("max_names", 2);
        for (String name : List.of("a.example", "b.example", "c.example", "b.example", "d.example")) {
            chef.packetHandler(TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(50000, 443, 0x18)
                    .payload(clientHello(name)).build());
        }
        Map<?, ?> payload = (Map<?, ?>) chef.intervalHandler(null);
        assertEquals(List.of("b.example", "d.example"), List.copyOf(((Map<?, ?>) payload.get("tls_server_names")).keySet()));
        assertEquals(2L, payload.get("names_forgotten"));
        assertEquals(5L, payload.get("client_hellos"));
    }

    @Test
    void aSmallerBoundAppliesAtTheNextInterval() {
        TlsServerNameChef chef = chef();
        int port = 50000;
        for (String name : List.of("a.example", "b.example", "c.example")) {
            chef.packetHandler(TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(port++, 443, 0x18)
                    .payload(clientHello(name)).build());
        }
        chef.configure(Configurations.of(TlsServerNameChef.Config.class, "max_names", 1)); // as a .cfg file's change
        Map<?, ?> payload = (Map<?, ?>) chef.intervalHandler(null);
        assertEquals(List.of("c.example"), List.copyOf(((Map<?, ?>) payload.get("tls_server_names")).keySet()));
        assertEquals(2L, payload.get("names_forgotten"));
    }

    @Test
    void bytesOutsidePrintableAsciiAreEscaped() {
        // "café" in UTF-8 and a control character: not a valid host name, shown byte by byte
        Map<?, ?> hello = (Map<?, ?>) ((Map<?, ?>) chef().packetHandler(TestPackets.ethernet()
                .ipv4("10.0.0.1", "10.0.0.2").tcp(50000, 443, 0x18)
                .payload(clientHello(new byte[] {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, 0x07})).build()))
                .get("tls_client_hello");
        assertEquals("caf\\xc3\\xa9\\x07", hello.get("server_name"));
    }

    @Test
    void everyCutAndEveryByteChangeOfARealHelloIsSafe() throws Exception {
        // tls-grease.pcap's ClientHello (517 bytes) cut at every length, and with each byte in
        // turn set to 0x00, 0xff and its value + 1: nothing may throw (no read past the bytes
        // given), whether each packet is a connection of its own or all are one connection
        // (every TestPackets segment has sequence number 1: later ones overlap the first).
        byte[] hello = greasePayload();
        for (boolean oneConnection : List.of(false, true)) {
            TlsServerNameChef chef = chef();
            int port = 1024;
            for (int cut = 0; cut <= hello.length; cut++) {
                chef.packetHandler(segment(oneConnection ? 1 : port++, java.util.Arrays.copyOf(hello, cut)));
            }
            for (int i = 0; i < hello.length; i++) {
                for (int value : new int[] {0x00, 0xff, hello[i] + 1}) {
                    byte[] changed = hello.clone();
                    changed[i] = (byte) value;
                    chef.packetHandler(segment(oneConnection ? 1 : port++, changed));
                }
            }
            Map<?, ?> interval = (Map<?, ?>) chef.intervalHandler(null);
            assertTrue((Long) interval.get("client_hellos") > 0, interval.toString());
        }
    }

    private static netdumplings.api.SniffedPacket segment(int clientPort, byte[] payload) {
        return TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(clientPort, 443, 0x18).payload(payload).build();
    }

    private static netdumplings.api.SniffedPacket segment(int clientPort, byte[] payload, Instant captured) {
        return TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(clientPort, 443, 0x18).payload(payload)
                .time(captured).build();
    }

    /** @return tls-grease.pcap's one TCP payload: its ClientHello record */
    private static byte[] greasePayload() throws IOException {
        byte[] file = Files.readAllBytes(SampleCaptures.path("tls-grease.pcap"));
        int frameAt = 24 + 16;
        int frameLength = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(24 + 8);
        int tcpAt = 14 + (file[frameAt + 14] & 0x0f) * 4;
        int payloadAt = tcpAt + ((file[frameAt + tcpAt + 12] & 0xf0) >> 2);
        return java.util.Arrays.copyOfRange(file, frameAt + payloadAt, frameAt + frameLength);
    }

    @Test
    void otherTcpIsNotAHello() {
        TlsServerNameChef chef = chef();
        assertNull(chef.packetHandler(TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(50000, 80, 0x18)
                .payload("GET / HTTP/1.1\r\n\r\n").build()));
        // A handshake record that is a ServerHello (type 2), and one that ends at its header
        assertNull(chef.packetHandler(TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(443, 50000, 0x18)
                .payload(new byte[] {22, 3, 3, 0, 4, 2, 0, 0, 0}).build()));
        assertNull(chef.packetHandler(TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(50000, 443, 0x18)
                .payload(new byte[] {22, 3, 1, 0, 0, 1}).build()));
        assertEquals(0L, ((Map<?, ?>) chef.intervalHandler(null)).get("client_hellos"));
    }

    /** @return a minimal TLS 1.2 ClientHello record naming {@code name} (RFC 8446 section 4.1.2) */
    private static byte[] clientHello(String name) {
        return clientHello(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static byte[] clientHello(byte[] host) {
        ByteBuffer sni = ByteBuffer.allocate(9 + host.length);
        sni.putShort((short) 0).putShort((short) (5 + host.length)).putShort((short) (3 + host.length)).put((byte) 0)
                .putShort((short) host.length).put(host);
        ByteBuffer body = ByteBuffer.allocate(2 + 32 + 1 + 4 + 2 + 2 + sni.capacity());
        body.putShort((short) 0x0303).put(new byte[32]).put((byte) 0).putShort((short) 2).putShort((short) 0x002f)
                .put((byte) 1).put((byte) 0).putShort((short) sni.capacity()).put(sni.array());
        ByteBuffer record = ByteBuffer.allocate(5 + 4 + body.capacity());
        record.put((byte) 22).putShort((short) 0x0301).putShort((short) (4 + body.capacity())).put((byte) 1)
                .put((byte) 0).putShort((short) body.capacity()).put(body.array());
        return record.array();
    }

    /**
     * Writes a pcap file whose packets are tls-grease.pcap's one packet, each carrying a part of
     * its TCP payload with the sequence number and IP length that part has.
     *
     * @param cuts pairs of payload offsets, {@code from, to}: one packet each, in order
     */
    static Path splitHello(Path dir, int... cuts) throws IOException {
        byte[] file = Files.readAllBytes(SampleCaptures.path("tls-grease.pcap"));
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN); // magic d4 c3 b2 a1
        int frameAt = 24 + 16;
        int frameLength = in.getInt(24 + 8);
        int ipAt = 14;
        int tcpAt = ipAt + (file[frameAt + ipAt] & 0x0f) * 4;
        int payloadAt = tcpAt + ((file[frameAt + tcpAt + 12] & 0xf0) >> 2);
        long seq = ByteBuffer.wrap(file, frameAt + tcpAt + 4, 4).getInt() & 0xffffffffL;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(file, 0, 24);
        for (int i = 0; i < cuts.length; i += 2) {
            int from = cuts[i];
            int to = cuts[i + 1];
            ByteBuffer frame = ByteBuffer.allocate(payloadAt + to - from);
            frame.put(file, frameAt, payloadAt).put(file, frameAt + payloadAt + from, to - from);
            frame.putShort(ipAt + 2, (short) (payloadAt - ipAt + to - from)); // IPv4 total length
            frame.putInt(tcpAt + 4, (int) (seq + from));
            ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            record.putInt(in.getInt(24)).putInt(in.getInt(28) + i).putInt(frame.capacity()).putInt(frame.capacity());
            out.write(record.array());
            out.write(frame.array());
        }
        assertTrue(frameLength > payloadAt);
        return Files.write(dir.resolve("tls-grease-split.pcap"), out.toByteArray());
    }
}
