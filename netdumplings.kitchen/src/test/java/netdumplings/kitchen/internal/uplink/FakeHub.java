package netdumplings.kitchen.internal.uplink;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import netdumplings.testing.RawFrames;

/**
 * A "hub" on loopback for what the real one never does: it accepts the WebSocket upgrade,
 * then runs a script on each connection, on a thread of its own, with raw frames.
 */
final class FakeHub implements AutoCloseable {

    /** What the hub does once a connection is upgraded. */
    interface Script {
        void run(DataInputStream in, OutputStream out) throws Exception;
    }

    /** A frame from the kitchen, unmasked. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return (payload[0] & 0xff) << 8 | payload[1] & 0xff;
        }
    }

    static final int TEXT = 0x1;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)");

    private final ServerSocket server = new ServerSocket();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Script script;
    /** Upgrades answered so far. */
    final AtomicInteger upgrades = new AtomicInteger();

    /**
     * @param receiveBufferBytes the sockets' receive buffer (small: a hub that does not read
     *                           soon blocks the kitchen's writes), or 0 for the system's
     * @param script             run on each upgraded connection
     */
    FakeHub(int receiveBufferBytes, Script script) throws IOException {
        this.script = script;
        if (receiveBufferBytes > 0) {
            server.setReceiveBufferSize(receiveBufferBytes);
        }
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "fake-hub");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                Thread connection = new Thread(() -> serve(socket), "fake-hub-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                // Closed.
            }
        }
    }

    private void serve(Socket socket) {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            Matcher key = KEY.matcher(RawFrames.readHead(in));
            if (!key.find()) {
                socket.close();
                return;
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                            .getBytes(StandardCharsets.ISO_8859_1)));
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            upgrades.incrementAndGet();
            script.run(in, out);
        } catch (Exception e) {
            // The kitchen went away, or the test ended.
        }
    }

    /** Writes one unmasked frame, as a server does. */
    static void send(OutputStream out, int opcode, boolean fin, byte[] payload) throws IOException {
        RawFrames.write(out, opcode, fin, payload);
    }

    /** Reads one frame from the kitchen (masked, as a client's must be). */
    static Frame read(DataInputStream in) throws IOException {
        RawFrames.Frame frame = RawFrames.read(in);
        if (!frame.masked()) {
            throw new IOException("a client frame without a mask");
        }
        return new Frame(frame.opcode(), frame.payload());
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
