package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import netdumplings.api.json.DumplingJson;
import netdumplings.testing.Await;
import netdumplings.testing.RawFrames;

/**
 * The attacks of issue 11 against a real hub over real sockets: DNS rebinding (Host), slow
 * request headers, upgrades that never say hello, oversized hellos, many eaters in the
 * status, and eaters that stop reading.
 */
class HubBoundsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String KITCHEN_HELLO = "{\"kitchen_name\": \"k\", \"interface\": \"lo\", \"filter\": \"\", "
            + "\"chefs\": [\"C\"], \"poke_interval\": 5}";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final HubFixture hubs = new HubFixture();

    // ---- Host check ---------------------------------------------------------------------

    @Test
    void aRebindingRequestIsRefusedOnBothPortsEvenWithItsOriginAllowed() throws Exception {
        // The origin of the rebinding page is allowed explicitly: the Host check alone stops it.
        HubServer hub = hubs.start(HubFixture.quiet().withSecurity(
                HubSecurity.NONE.withAllowedOrigins(List.of("http://evil.example:8080"))));
        for (int port : new int[] {hub.kitchenPort(), hub.eaterPort()}) {
            assertEquals(403, status(port, upgrade("evil.example:" + port, "http://evil.example:" + port)), "port " + port);
            assertEquals(403, status(port, upgrade("evil.example:8080", "http://evil.example:8080")), "port " + port);
            assertEquals(403, status(port, upgrade("EVIL.example.", null)), "port " + port);
            // The hub's own names still work, with their origin and without.
            assertEquals(101, status(port, upgrade("localhost:" + port, "http://localhost:" + port)), "port " + port);
            assertEquals(101, status(port, upgrade("127.0.0.1:" + port, null)), "port " + port);
            assertEquals(101, status(port, upgrade("[::1]:" + port, null)), "port " + port);
        }
        // The dashboard page too.
        int eaters = hub.eaterPort();
        assertEquals(403, status(eaters, get("evil.example:" + eaters)));
        assertEquals(200, status(eaters, get("localhost:" + eaters)));
        assertEquals(200, status(eaters, get("dashboard.localhost:" + eaters)));
        assertEquals(7, hub.refusedHosts());
    }

    @Test
    void configuredHostsAreAllowed() throws Exception {
        HubServer hub = hubs.start(HubFixture.quiet().withSecurity(
                HubSecurity.NONE.withAllowedHosts(List.of("Hub.Example.org"))));
        int port = hub.eaterPort();
        assertEquals(101, status(port, upgrade("hub.example.org:" + port, "http://hub.example.org:" + port)));
        assertEquals(403, status(port, upgrade("other.example.org:" + port, null)));
    }

    // ---- request header timeout ----------------------------------------------------------

    @Test
    void aRequestStillNotThroughAfterTheHeaderTimeoutIsClosed() throws Exception {
        HubServer hub = hubs.start(HubFixture.quiet()
                .withLimits(HubLimits.DEFAULTS.withRequestHeaderTimeout(Duration.ofSeconds(1))));
        Socket slow = socket(hub.eaterPort());
        OutputStream out = slow.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
        // A header line every 100 ms: never idle, so only the header timeout can end it.
        Thread dripping = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 6000; i++) {
                    out.write(("X-Slow-" + i + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // closed by the hub
            }
        });
        assertEquals(-1, readToEnd(slow.getInputStream()), "the hub closed it before any response");
        dripping.interrupt();
        assertEquals(1, hub.closedPendingConnections());
        Await.until(() -> hub.openConnections() == 0, "the slow connection is no longer counted");
    }

    // ---- connections without hello --------------------------------------------------------

    @Test
    void upgradesThatNeverSayHelloDoNotStarveATokenedClient() throws Exception {
        HubServer hub = hubs.start(HubFixture.quiet().withMaxConnections(40).withHelloTimeout(Duration.ofHours(1))
                .withSecurity(HubSecurity.NONE.withTokens("kt", "et"))
                .withLimits(HubLimits.DEFAULTS.withMaxPendingConnections(10)));
        // 60 upgrades (more than max_connections) that never say hello, on both ports.
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int port = i % 2 == 0 ? hub.eaterPort() : hub.kitchenPort();
            Socket s = socket(port);
            s.getOutputStream().write(upgrade("localhost:" + port, null).getBytes(StandardCharsets.US_ASCII));
            silent.add(s);
        }
        Await.until(() -> hub.closedPendingConnections() >= 50, () -> "the oldest without hello are closed: "
                + hub.closedPendingConnections(), WAIT);
        assertTrue(hub.pendingConnections() <= 10, "pending: " + hub.pendingConnections());

        WebSocketTestClient eater = hubs.closeLater(WebSocketTestClient.connect(HTTP,
                "ws://localhost:" + hub.eaterPort() + "/", Map.of("Authorization", "Bearer et")));
        eater.send("{\"eater_name\": \"tokened\"}");
        WebSocketTestClient kitchen = hubs.closeLater(WebSocketTestClient.connect(HTTP,
                "ws://localhost:" + hub.kitchenPort() + "/", Map.of()));
        kitchen.send(KITCHEN_HELLO.replace("{", "{\"token\": \"kt\", "));
        hubs.await(s -> s.eaterCount() == 1 && s.kitchenCount() == 1, 60);
        String dumpling = "{\"metadata\": {\"chef\": \"C\"}, \"payload\": 42}";
        kitchen.send(dumpling);
        assertEquals(dumpling, eater.nextDumpling());
    }

    // ---- hello limits -------------------------------------------------------------------

    @Test
    void helloNamesAndSizesAreBoundedWithAClearCloseReason() throws Exception {
        HubServer hub = hubs.start(HubFixture.quiet());
        WebSocketTestClient longName = hubs.client(hub.eaterPort());
        longName.send("{\"eater_name\": \"" + "n".repeat(257) + "\"}");
        assertEquals(1008, longName.closeCode.get(60, TimeUnit.SECONDS));
        assertEquals("eater hello: eater_name longer than 256 characters", longName.closeReason);

        WebSocketTestClient longChef = hubs.client(hub.kitchenPort());
        longChef.send(KITCHEN_HELLO.replace("[\"C\"]", "[\"C\", \"" + "c".repeat(300) + "\"]"));
        assertEquals(1008, longChef.closeCode.get(60, TimeUnit.SECONDS));
        assertEquals("kitchen hello: chef name longer than 256 characters", longChef.closeReason);

        WebSocketTestClient big = hubs.client(hub.kitchenPort());
        big.send(KITCHEN_HELLO.replace("\"filter\": \"\"", "\"filter\": \"" + "x".repeat(5000) + "\""));
        assertEquals(1008, big.closeCode.get(60, TimeUnit.SECONDS));
        assertEquals("kitchen hello larger than 4096 bytes", big.closeReason);

        // Exactly at the limit is fine.
        WebSocketTestClient ok = hubs.client(hub.eaterPort());
        ok.send("{\"eater_name\": \"" + "n".repeat(256) + "\"}");
        hubs.await(s -> s.eaterCount() == 1, 60);
    }

    // ---- status dumpling ----------------------------------------------------------------

    @Test
    void theStatusListsAreCappedAndCountTheRest() throws Exception {
        HubServer hub = hubs.start(HubFixture.quiet().withStatusInterval(Duration.ofMillis(200))
                .withLimits(HubLimits.DEFAULTS.withStatusListLimit(2)));
        List<WebSocketTestClient> eaters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            WebSocketTestClient e = hubs.client(hub.eaterPort());
            e.send("{\"eater_name\": \"e" + i + "\"}");
            eaters.add(e);
        }
        hubs.await(s -> s.eaterCount() == 5, 60);
        Map<String, Object> payload = null;
        for (int i = 0; i < 1000 && payload == null; i++) {
            Map<String, Object> status = DumplingJson.objectFromJson(eaters.get(4).next());
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) status.get("payload");
            if (((Number) p.get("dumpling_eater_count")).intValue() == 5) {
                payload = p;
            }
        }
        assertNotNull(payload);
        assertEquals(2, ((List<?>) payload.get("dumpling_eaters")).size());
        assertEquals(3, ((Number) payload.get("dumpling_eaters_more")).intValue());
        assertEquals(0, ((Number) payload.get("dumpling_kitchens_more")).intValue());
        assertEquals(0, ((Number) payload.get("total_eaters_dropped")).intValue());
    }

    // ---- all eaters' queues together ------------------------------------------------------

    @Test
    void eatersThatStopReadingAreDroppedSlowestFirstWithinTheHubsBound() throws Exception {
        long bound = 2L << 20;
        HubServer hub = hubs.start(HubFixture.quiet().withEaterStallTimeout(Duration.ofHours(1))
                .withLimits(HubLimits.DEFAULTS.withTotalEaterQueueBytes(bound)));
        // Three eaters that say hello and then never read, with the smallest receive buffer.
        List<Socket> stuck = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("localhost", hub.eaterPort()));
            hubs.closeLater(s);
            assertEquals(101, status(s, upgrade("localhost:" + hub.eaterPort(), null)));
            RawFrames.writeMasked(s.getOutputStream(), 1,
                    ("{\"eater_name\": \"stuck" + i + "\"}").getBytes(StandardCharsets.UTF_8));
            stuck.add(s);
        }
        WebSocketTestClient reader = hubs.client(hub.eaterPort());
        reader.send("{\"eater_name\": \"reader\"}");
        WebSocketTestClient kitchen = hubs.client(hub.kitchenPort());
        kitchen.send(KITCHEN_HELLO);
        hubs.await(s -> s.eaterCount() == 4 && s.kitchenCount() == 1, 60);

        String big = "{\"metadata\": {\"chef\": \"C\"}, \"payload\": \"" + "p".repeat(8000) + "\"}";
        int sent = 0;
        // Enough for the kernel's buffers of the stuck eaters (a few MB each) and then the bound.
        while (hub.eatersDropped() < 3 && sent < 20_000) {
            kitchen.send(big);
            sent++;
            // A dumpling may pass the bound for each eater that is not behind, never more.
            assertTrue(hub.eaterQueuedBytes() <= bound + 4L * big.length(),
                    "queued " + hub.eaterQueuedBytes() + " after " + sent);
            if (sent % 200 == 0) {
                // The reader keeps up.
                while (reader.nextDumpling().length() != big.length()) {
                    // only ours
                }
            }
        }
        assertEquals(3, hub.eatersDropped(), "every stuck eater is dropped, the reader never");
        String last = "{\"metadata\": {\"chef\": \"C\"}, \"payload\": \"last\"}";
        kitchen.send(last);
        String got;
        do {
            got = reader.nextDumpling();
        } while (!got.equals(last));
        hubs.await(s -> s.eaterCount() == 1, 60);
        assertEquals(3L, ((Number) hub.statusPayload().get("total_eaters_dropped")).longValue());
    }

    // ---- raw HTTP -------------------------------------------------------------------------

    private Socket socket(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("localhost", port));
        s.setSoTimeout((int) WAIT.toMillis());
        return hubs.closeLater(s);
    }

    private static String upgrade(String host, String origin) {
        return "GET / HTTP/1.1\r\nHost: " + host + "\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
    }

    private static String get(String host) {
        return "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    /** Sends a request on a new connection and returns the response's status code. */
    private int status(int port, String request) throws IOException {
        return status(socket(port), request);
    }

    private static int status(Socket s, String request) throws IOException {
        s.setSoTimeout((int) WAIT.toMillis());
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String head = RawFrames.readHead(s.getInputStream());
        // "HTTP/1.1 403 Forbidden"
        return Integer.parseInt(head.substring(9, 12));
    }

    /** @return -1 once the connection ends, after counting what came */
    private static int readToEnd(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // nothing is expected
            }
        } catch (SocketException e) {
            // reset: closed as well
        }
        return -1;
    }
}
