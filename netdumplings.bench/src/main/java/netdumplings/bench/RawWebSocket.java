package netdumplings.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The few RFC 6455 pieces the load clients need, on plain {@link SocketChannel}s: the
 * opening handshake (no extensions offered, so frames are never compressed) and masked
 * client text frames. The JDK's WebSocket client costs a callback and a String per
 * message, which would make the load generator, not the hub, the bottleneck.
 */
final class RawWebSocket {

    private static final int MAX_RESPONSE_HEAD = 8192;

    private RawWebSocket() {
    }

    /**
     * Connects to {@code host:port} and completes the opening handshake, blocking.
     *
     * @return the connected channel (blocking mode) and any bytes read past the response head
     * @throws IOException if the connection or the handshake fails (the channel is closed)
     */
    static Connected connect(String host, int port) throws IOException {
        requireNonNull(host, "host");
        SocketChannel ch = SocketChannel.open();
        try {
            ch.socket().setTcpNoDelay(true);
            ch.connect(new InetSocketAddress(host, port));
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String request = "GET / HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            writeFully(ch, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocate(MAX_RESPONSE_HEAD);
            int end;
            while ((end = headEnd(in)) < 0) {
                if (!in.hasRemaining() || ch.read(in) < 0) {
                    throw new IOException("no WebSocket handshake answer from " + host + ":" + port);
                }
            }
            String head = new String(in.array(), 0, end, StandardCharsets.US_ASCII);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("WebSocket handshake refused by " + host + ":" + port + ": "
                        + head.lines().findFirst().orElse(""));
            }
            ByteBuffer rest = ByteBuffer.wrap(in.array(), end, in.position() - end).slice();
            return new Connected(ch, rest);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** @return the offset just past "\r\n\r\n" in the bytes read so far, or -1 */
    private static int headEnd(ByteBuffer in) {
        byte[] a = in.array();
        for (int i = 3; i < in.position(); i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Appends one masked text frame. The mask key is all zeros: RFC 6455 requires the
     * mask bit from clients, and a zero key leaves the payload as is (no XOR pass).
     *
     * @throws java.nio.BufferOverflowException if {@code out} lacks room
     */
    static void putTextFrame(ByteBuffer out, byte[] payload, int offset, int length) {
        out.put((byte) 0x81);
        if (length < 126) {
            out.put((byte) (0x80 | length));
        } else if (length < 65536) {
            out.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            out.put((byte) (0x80 | 127)).putLong(length);
        }
        out.putInt(0);
        out.put(payload, offset, length);
    }

    /** @return the bytes a frame of {@code length} payload bytes takes */
    static int frameSize(int length) {
        return length + 4 + (length < 126 ? 2 : length < 65536 ? 4 : 10);
    }

    /** Sends one text frame, blocking. */
    static void sendText(SocketChannel ch, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(frameSize(b.length));
        putTextFrame(out, b, 0, b.length);
        out.flip();
        writeFully(ch, out);
    }

    /** Writes everything, blocking (the channel must be in blocking mode). */
    static void writeFully(SocketChannel ch, ByteBuffer out) throws IOException {
        while (out.hasRemaining()) {
            ch.write(out);
        }
    }

    /** A channel after the handshake, and frame bytes that arrived with the answer. */
    record Connected(SocketChannel channel, ByteBuffer leftover) {
    }
}
