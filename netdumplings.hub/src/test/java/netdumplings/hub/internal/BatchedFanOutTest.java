package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dumplings go to eaters batched and are flushed by {@link EaterFlusher}: a flood sent in
 * big writes still reaches every eater complete, byte for byte and in order (small ones
 * batched, big ones written at once between them), and a lone dumpling after a quiet spell
 * is flushed without anything else coming.
 */
class BatchedFanOutTest {

    private static final int EATERS = 4;
    private static final int DUMPLINGS = 20_000;

    @RegisterExtension
    final HubFixture hubs = new HubFixture();
    private HubServer hub;

    @Test
    void floodArrivesCompleteAndInOrderAtEveryEater() throws Exception {
        // Queues that never drop: this test is about completeness and order.
        hub = hubs.start(HubFixture.quiet().withEaterQueueLimit(1_000_000).withEaterQueueBytes(1L << 30));
        List<WebSocketTestClient> eaters = new ArrayList<>();
        for (int i = 0; i < EATERS; i++) {
            WebSocketTestClient eater = hubs.client(hub.eaterPort());
            eater.send("{\"eater_name\": \"e" + i + "\"}");
            eaters.add(eater);
        }
        try (Socket kitchen = new Socket("localhost", hub.kitchenPort())) {
            OutputStream out = new BufferedOutputStream(kitchen.getOutputStream(), 256 * 1024);
            upgrade(kitchen, out);
            out.write(maskedTextFrame("{\"kitchen_name\": \"flood\"}"));
            out.flush();
            hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == EATERS, 10);

            // All in a few big writes: the hub reads many dumplings per read.
            for (int i = 0; i < DUMPLINGS; i++) {
                out.write(maskedTextFrame(dumpling(i)));
            }
            out.flush();

            for (WebSocketTestClient eater : eaters) {
                for (int i = 0; i < DUMPLINGS; i++) {
                    String got = eater.next();
                    if (!got.equals(dumpling(i))) {
                        // Say where, without printing a 10 KB dumpling.
                        assertEquals(dumpling(i).substring(0, 60), got.substring(0, Math.min(60, got.length())),
                                "dumpling " + i);
                        assertEquals(dumpling(i), got, "dumpling " + i);
                    }
                }
            }
            HubStatistics stats = hubs.await(s -> s.dumplingsOut() == (long) DUMPLINGS * EATERS, 10);
            assertEquals(DUMPLINGS, stats.dumplingsIn());
            assertEquals(0, stats.eaterDrops());
            for (WebSocketTestClient eater : eaters) {
                assertTrue(eater.texts.isEmpty(), "nothing beyond the dumplings sent");
            }
        }
    }

    @Test
    void loneDumplingAfterQuietSpellIsFlushedAtOnce() throws Exception {
        hub = hubs.start(HubFixture.quiet());
        WebSocketTestClient eater = hubs.client(hub.eaterPort());
        eater.send("{\"eater_name\": \"e\"}");
        WebSocketTestClient kitchen = hubs.client(hub.kitchenPort());
        kitchen.send("{\"kitchen_name\": \"k\"}");
        hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == 1, 10);
        for (int i = 0; i < 3; i++) {
            // The flusher has gone idle in between: each dumpling must wake it.
            Thread.sleep(50);
            kitchen.send(dumpling(i));
            assertEquals(dumpling(i), eater.next());
        }
    }

    /** Mostly small dumplings (batched); every 1,000th is 10 KB (written on its own). */
    private static String dumpling(int i) {
        String filler = i % 1000 == 999 ? "x".repeat(10_000) : "ü".repeat(i % 50);
        return "{\"metadata\": {\"chef\": \"FloodChef\", \"kitchen\": \"flood\"}, \"payload\": {\"seq\": " + i
                + ", \"filler\": \"" + filler + "\"}}";
    }

    private static void upgrade(Socket socket, OutputStream out) throws Exception {
        out.write(("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "connection closed during the upgrade: " + head);
            head.write(b);
        }
        assertTrue(head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101"), head.toString());
    }

    /** A client frame must be masked; a zero mask keeps the payload as it is. */
    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 8);
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        frame.writeBytes(new byte[4]);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }
}
