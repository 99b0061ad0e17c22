package netdumplings.kitchen.internal.uplink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a kitchen's connection does with what the hub sends it, against a {@link FakeHub}:
 * the real hub sends kitchens nothing but its close frame, and acknowledgements to those
 * that ask for them.
 */
class HubConnectionTest {

    private static final byte[] HELLO = "{\"kitchen_name\": \"k\"}".getBytes(StandardCharsets.UTF_8);

    private final HubClient client = new HubClient("connection_test", Duration.ofSeconds(5), Duration.ofSeconds(5));
    /** Frames the fake hub read from the kitchen, in order. */
    private final BlockingQueue<FakeHub.Frame> read = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        client.close();
    }

    private FakeHub.Frame next() throws InterruptedException {
        FakeHub.Frame frame = read.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("the kitchen sent nothing more");
        }
        return frame;
    }

    private HubConnection connect(FakeHub hub) throws Exception {
        client.start();
        HubConnection connection = client.connect(URI.create("ws://localhost:" + hub.port() + "/"), null);
        connection.writeText(HELLO);
        return connection;
    }

    @Test
    void pingsAreAnsweredAndTheHubsAcknowledgementsRecorded() throws Exception {
        try (FakeHub hub = new FakeHub(0, (in, out) -> {
            read.add(FakeHub.read(in)); // the hello
            FakeHub.send(out, FakeHub.PING, true, "still there?".getBytes(StandardCharsets.UTF_8));
            read.add(FakeHub.read(in));
            FakeHub.send(out, FakeHub.TEXT, true, "{\"ack\": 9}".getBytes(StandardCharsets.UTF_8));
            // Counts only grow: a smaller one that overtook is ignored.
            FakeHub.send(out, FakeHub.TEXT, true, "{\"ack\":7}".getBytes(StandardCharsets.UTF_8));
            byte[] reason = "hub shutting down".getBytes(StandardCharsets.UTF_8);
            byte[] close = new byte[2 + reason.length];
            close[0] = (byte) (1001 >> 8);
            close[1] = (byte) 1001;
            System.arraycopy(reason, 0, close, 2, reason.length);
            FakeHub.send(out, FakeHub.CLOSE, true, close);
            read.add(FakeHub.read(in));
        })) {
            HubConnection connection = connect(hub);
            FakeHub.Frame hello = next();
            assertEquals(FakeHub.TEXT, hello.opcode());
            assertArrayEquals(HELLO, hello.payload());
            FakeHub.Frame pong = next();
            assertEquals(FakeHub.PONG, pong.opcode());
            assertEquals("still there?", pong.text());
            FakeHub.Frame answer = next();
            assertEquals(FakeHub.CLOSE, answer.opcode(), "the hub's close is answered");
            assertEquals(1001, answer.closeCode());
            connection.done.get(10, TimeUnit.SECONDS);
            assertEquals(9, connection.acked);
        }
    }

    @Test
    void aMessageFromTheHubOverTheLimitEndsTheConnectionEvenInSmallFrames() throws Exception {
        // Two frames, each within Jetty's frame limit, one message over ours: 1009.
        int half = HubClient.MAX_INCOMING_BYTES / 2 + 1;
        try (FakeHub hub = new FakeHub(0, (in, out) -> {
            read.add(FakeHub.read(in));
            byte[] part = new byte[half];
            Arrays.fill(part, (byte) 'x');
            FakeHub.send(out, FakeHub.TEXT, false, part);
            FakeHub.send(out, FakeHub.CONTINUATION, true, part);
            read.add(FakeHub.read(in));
        })) {
            HubConnection connection = connect(hub);
            assertEquals(FakeHub.TEXT, next().opcode());
            FakeHub.Frame close = next();
            assertEquals(FakeHub.CLOSE, close.opcode());
            assertEquals(1009, close.closeCode());
            connection.done.get(10, TimeUnit.SECONDS);
            assertEquals(-1, connection.acked);
        }
    }

    @Test
    void onlyTheExactAcknowledgementFormCounts() {
        assertEquals(12, HubConnection.ackOf(java.nio.ByteBuffer.wrap("{\"ack\": 12}".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(0, HubConnection.ackOf(java.nio.ByteBuffer.wrap("{ \"ack\" : 0 }".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(-1, HubConnection.ackOf(java.nio.ByteBuffer.wrap("{\"ack\": -1}".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(-1, HubConnection.ackOf(java.nio.ByteBuffer.wrap("{\"ack\": 1, \"x\": 2}".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(-1, HubConnection.ackOf(java.nio.ByteBuffer.wrap("{\"ack\": 99999999999999999999}".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void aMessageFromTheHubWithinTheLimitIsSkipped() throws Exception {
        try (FakeHub hub = new FakeHub(0, (in, out) -> {
            read.add(FakeHub.read(in));
            FakeHub.send(out, FakeHub.TEXT, true, "{\"not\": \"for kitchens\"}".getBytes(StandardCharsets.UTF_8));
            read.add(FakeHub.read(in));
        })) {
            HubConnection connection = connect(hub);
            assertEquals(FakeHub.TEXT, next().opcode());
            connection.writeText(HELLO);
            assertArrayEquals(HELLO, next().payload(), "the connection goes on");
            assertTrue(connection.open());
            assertEquals(-1, connection.acked, "not an acknowledgement");
            connection.abort();
        }
    }
}
