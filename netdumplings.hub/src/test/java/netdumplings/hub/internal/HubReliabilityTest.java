package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Issue 6: slow and stalled eaters, client churn, the hello time limit from the settings. */
class HubReliabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KITCHEN_HELLO = "{\"kitchen_name\": \"k\", \"interface\": \"lo\", \"filter\": \"\", "
            + "\"chefs\": [], \"poke_interval\": 5.0}";

    @RegisterExtension
    final HubFixture hubs = new HubFixture();
    private HubServer hub;

    private static String dumpling(int i, int padding) {
        return "{\"metadata\": {\"chef\": \"C\"}, \"payload\": {\"i\": " + i + ", \"pad\": \"" + "x".repeat(padding)
                + "\"}}";
    }

    /** Raw socket: a WebSocket handshake and a hello, then it never reads another byte. */
    private Socket neverReadingEater(int port) throws IOException {
        Socket socket = new Socket();
        // A small receive window (set before connecting), so the hub's writes back up quickly.
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        hubs.closeLater(socket);
        OutputStream out = socket.getOutputStream();
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        out.write(("GET / HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        // Read the response head only (up to the blank line).
        int state = 0;
        while (state < 4) {
            int b = in.read();
            assertTrue(b >= 0, "handshake cut short");
            state = (b == '\r' || b == '\n') ? state + 1 : 0;
        }
        byte[] hello = "{\"eater_name\": \"never_reads\"}".getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        out.write(new byte[] {(byte) 0x81, (byte) (0x80 | hello.length)});
        out.write(mask);
        for (int i = 0; i < hello.length; i++) {
            hello[i] ^= mask[i % 4];
        }
        out.write(hello);
        out.flush();
        return socket;
    }

    @Test
    void eaterThatNeverReadsIsBoundedCountedThenClosedWhileOthersGetEverything() throws Exception {
        hub = hubs.start(HubSettings.ephemeral().withStatusInterval(Duration.ofMillis(100)).withEaterQueueLimit(1000)
                .withEaterQueueBytes(256 * 1024).withEaterStallTimeout(Duration.ofSeconds(20)));
        WebSocketTestClient kitchen = hubs.client(hub.kitchenPort());
        kitchen.send(KITCHEN_HELLO);
        WebSocketTestClient good = hubs.client(hub.eaterPort());
        good.send("{\"eater_name\": \"good\"}");
        neverReadingEater(hub.eaterPort());
        hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == 2, 5);

        // 20 MiB in all for the stuck eater: far more than its 256 KiB queue and the socket buffers.
        int count = 2000;
        int padding = 10_000;
        long maxLatencyNanos = 0;
        for (int i = 0; i < count; i++) {
            long sentAt = System.nanoTime();
            kitchen.send(dumpling(i, padding));
            String got = good.nextDumpling();
            maxLatencyNanos = Math.max(maxLatencyNanos, System.nanoTime() - sentAt);
            assertEquals(i, JSON.readTree(got).at("/payload/i").asInt(), "the good eater gets everything, in order");
        }
        HubStatistics stats = hub.statistics();
        HubStatistics.EaterStatistics stuck = stats.eaters().stream().filter(e -> e.name().equals("never_reads"))
                .findFirst().orElseThrow(() -> new AssertionError("stuck eater closed too early: " + hub.statistics()));
        assertTrue(stuck.dropped() > 0, stuck.toString());
        // Bounded: what waits for it stays near its byte bound (in dumplings of this size).
        // Seen once at 32 instead of 27 with batched writes: Jetty's 32 KiB aggregation
        // buffer and the write in progress come on top, so allow twice the bound; an
        // unbounded queue would hold all 2,000 here.
        assertTrue(stuck.pending() <= 2 * 256 * 1024 / padding + 1, stuck.toString());
        HubStatistics.EaterStatistics goodStats = stats.eaters().stream().filter(e -> e.name().equals("good"))
                .findFirst().orElseThrow();
        assertEquals(0, goodStats.dropped());
        // Generous sanity bound only: no dumpling waits behind the stuck eater.
        assertTrue(maxLatencyNanos < TimeUnit.SECONDS.toNanos(2), "max latency " + maxLatencyNanos / 1e6 + " ms");

        // The status shows the stuck eater's drops, additively, in its info_from_hub.
        JsonNode status = null;
        while (status == null) {
            JsonNode root = JSON.readTree(good.next());
            if ("SystemStatusChef".equals(root.at("/metadata/chef").asText())
                    && root.at("/payload/dumpling_eater_count").asInt() == 2) {
                status = root.get("payload");
            }
        }
        for (JsonNode eater : status.get("dumpling_eaters")) {
            List<String> keys = new ArrayList<>();
            eater.get("info_from_hub").fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("host", "port", "dropped"), keys);
            boolean isStuck = eater.at("/info_from_eater/eater_name").asText().equals("never_reads");
            assertEquals(isStuck, eater.at("/info_from_hub/dropped").asLong() > 0, eater.toString());
        }

        // Stalled beyond 20 s: closed, and its drops stay counted. (20 s, not 2: the 2,000
        // round trips above took over 3 s on a loaded 2-core machine, and the stuck eater
        // must still be there after them.)
        HubStatistics after = hubs.await(s -> s.eaterCount() == 1, 120);
        assertEquals("good", after.eaters().get(0).name());
        assertTrue(after.eaterDrops() >= stuck.dropped());
        kitchen.send(dumpling(-1, 1));
        assertEquals(-1, JSON.readTree(good.nextDumpling()).at("/payload/i").asInt());
    }

    @Test
    void slowButReadingEaterIsNotClosed() throws Exception {
        hub = hubs.start(HubFixture.quiet().withEaterStallTimeout(Duration.ofMillis(300)));
        HubFixture.Clients clients = hubs.kitchenAndEater(KITCHEN_HELLO, "idle");
        // Idle for longer than the stall timeout: nothing waits for it, so it is not stalled.
        Thread.sleep(1000);
        clients.kitchen().send(dumpling(7, 1));
        assertEquals(7, JSON.readTree(clients.eater().nextDumpling()).at("/payload/i").asInt());
        assertEquals(1, hub.statistics().eaterCount());
    }

    @Test
    void helloTimeoutComesFromTheSettings() throws Exception {
        hub = hubs.start(HubFixture.quiet().withHelloTimeout(Duration.ofMillis(300)));
        WebSocketTestClient mute = hubs.client(hub.eaterPort());
        assertEquals(1011, mute.awaitCloseCode());
    }

    @Test
    void thousandClientsComingAndGoingDoNotDisturbTheFlow() throws Exception {
        hub = hubs.start(HubFixture.quiet());
        HubFixture.Clients clients = hubs.kitchenAndEater(KITCHEN_HELLO, "steady");

        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> churn = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            churn.add(pool.submit(() -> {
                boolean kitchenSide = n % 2 == 0;
                int port = kitchenSide ? hub.kitchenPort() : hub.eaterPort();
                try (WebSocketTestClient c = WebSocketTestClient.connect("ws://localhost:" + port + "/", true)) {
                    switch (n % 4) {
                        case 0, 1 -> c.send(kitchenSide ? KITCHEN_HELLO.replace("\"k\"", "\"churn" + n + "\"")
                                : "{\"eater_name\": \"churn" + n + "\"}");
                        case 2 -> c.send("garbage " + n);
                        default -> { } // leaves without a word
                    }
                    if (ThreadLocalRandom.current().nextBoolean()) {
                        Thread.sleep(1);
                    }
                }
                return null;
            }));
        }
        int sent = 0;
        while (!churn.stream().allMatch(Future::isDone)) {
            clients.kitchen().send(dumpling(sent, 16));
            assertEquals(sent, JSON.readTree(clients.eater().nextDumpling()).at("/payload/i").asInt());
            sent++;
        }
        pool.shutdown();
        for (Future<?> f : churn) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertTrue(sent > 0);
        // Every churning client is gone; the steady pair is still there and still works.
        hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == 1, 20);
        clients.kitchen().send(dumpling(-1, 1));
        assertEquals(-1, JSON.readTree(clients.eater().nextDumpling()).at("/payload/i").asInt());
        assertTrue(clients.kitchen().isOpen() && clients.eater().isOpen());
    }

    @Test
    void gracefulStopClosesKitchensFirstAfterALastAcknowledgement() throws Exception {
        hub = hubs.start(HubFixture.quiet());
        // One kitchen asks for acknowledgements (PROTOCOL.md), one does not (the original's).
        HubFixture.Clients clients = hubs.kitchenAndEater(KITCHEN_HELLO.replace("{", "{\"ack\": true, "), "e");
        WebSocketTestClient original = hubs.client(hub.kitchenPort());
        original.send(KITCHEN_HELLO);
        hubs.await(s -> s.kitchenCount() == 2, 60);
        // At once after the hello, before any dumpling.
        assertEquals("{\"ack\": 0}", clients.kitchen().next());
        for (int i = 0; i < 300; i++) {
            clients.kitchen().send(dumpling(i, 100));
        }
        clients.kitchen().send("not a dumpling");
        original.send(dumpling(-1, 1));
        hubs.await(s -> s.dumplingsIn() == 301 && s.invalidFrames() == 1, 60);

        hub.close();

        assertEquals(1001, clients.kitchen().awaitCloseCode());
        assertEquals("hub shutting down", clients.kitchen().closeReason);
        // Acknowledgements only grow; the last one, before the close, counts every message
        // after the hello, the invalid one too.
        long last = 0;
        for (String ack; (ack = clients.kitchen().texts.poll()) != null;) {
            long n = JSON.readTree(ack).get("ack").asLong();
            assertTrue(n >= last, ack + " after " + last);
            last = n;
        }
        assertEquals(301, last);
        assertEquals(1001, original.awaitCloseCode());
        assertTrue(original.texts.isEmpty(), "a kitchen that did not ask is sent nothing: " + original.texts);
        assertEquals(1001, clients.eater().awaitCloseCode());
        assertEquals("hub shutting down", clients.eater().closeReason);
        assertEquals(301, clients.eater().texts.size(), "every accepted dumpling is written before the eater's close");
    }
}
