package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.Inflater;

import org.junit.jupiter.api.Test;

/**
 * Python clients (the {@code websockets} library) offer permessage-deflate by default:
 * the hub accepts it, and a compressed dumpling still inflates to the kitchen's exact
 * bytes. A raw socket plays the eater, as the JDK client cannot offer the extension.
 */
class PerMessageDeflateTest {

    private static final String DUMPLING = "{\"metadata\": {\"chef\": \"DeflateChef\", \"kitchen\": \"k\"},"
            + " \"payload\": \"" + "ça compresse ".repeat(20) + "\"}";

    @Test
    void eaterOfferingPerMessageDeflateGetsTheDumplingUnchanged() throws Exception {
        try (HubServer hub = new HubServer(HubSettings.ephemeral().withStatusInterval(Duration.ofHours(1)));
                Socket eater = new Socket("localhost", startAndGetEaterPort(hub))) {
            OutputStream out = eater.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(eater.getInputStream());
            String response = readHead(in);
            assertTrue(response.startsWith("HTTP/1.1 101"), response);
            assertTrue(response.toLowerCase().contains("sec-websocket-extensions: permessage-deflate"), response);
            out.write(maskedTextFrame("{\"eater_name\": \"deflater\"}"));

            try (WebSocketTestClient kitchen = WebSocketTestClient.connect(hub.kitchenPort())) {
                kitchen.send("{\"kitchen_name\": \"k\"}");
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (hub.statistics().eaterCount() < 1 || hub.statistics().kitchenCount() < 1) {
                    assertTrue(System.nanoTime() < deadline, "eater and kitchen did not join");
                    Thread.sleep(10);
                }
                kitchen.send(DUMPLING);

                int first = in.readUnsignedByte();
                assertEquals(0x1, first & 0x0f, "a text frame");
                assertTrue((first & 0x80) != 0, "one frame");
                int length = in.readUnsignedByte() & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                }
                byte[] payload = in.readNBytes(length);
                boolean compressed = (first & 0x40) != 0;
                assertTrue(compressed, "the hub compresses for an eater that asked for it");
                assertEquals(DUMPLING, new String(inflate(payload), StandardCharsets.UTF_8));
            }
        }
    }

    private static int startAndGetEaterPort(HubServer hub) {
        hub.start();
        return hub.eaterPort();
    }

    private static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** A client frame must be masked; a zero mask keeps the payload readable. */
    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | payload.length);
        frame.writeBytes(new byte[4]);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    private static byte[] inflate(byte[] payload) throws Exception {
        Inflater inflater = new Inflater(true);
        // RFC 7692: the sender removed the empty block's tail; put it back.
        byte[] input = new byte[payload.length + 4];
        System.arraycopy(payload, 0, input, 0, payload.length);
        input[payload.length + 2] = (byte) 0xff;
        input[payload.length + 3] = (byte) 0xff;
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        while (!inflater.needsInput() || inflater.getRemaining() > 0) {
            int n = inflater.inflate(chunk);
            if (n == 0) {
                break;
            }
            out.write(chunk, 0, n);
        }
        inflater.end();
        return out.toByteArray();
    }
}
