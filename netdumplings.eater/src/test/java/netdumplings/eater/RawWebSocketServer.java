package netdumplings.eater;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import netdumplings.testing.RawFrames;

/**
 * A bare RFC 6455 server for the cases the real hub never produces: fragmented and
 * oversized messages, and seeing the close code an eater sends. One connection at a
 * time, blocking, test use only.
 */
final class RawWebSocketServer implements AutoCloseable {

    /** What the server read from the client: its text messages and its close. */
    record Received(String text, int closeCode, String closeReason) {
    }

    private final ServerSocket listener;
    private Socket socket;
    private OutputStream out;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    RawWebSocketServer() throws IOException {
        listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    String address() {
        return "localhost:" + listener.getLocalPort();
    }

    /** Accepts one connection, answers its handshake, and reads its frames in the background. */
    void accept() throws Exception {
        socket = listener.accept();
        InputStream in = socket.getInputStream();
        out = socket.getOutputStream();
        String key = null;
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("handshake cut short");
            }
            if (c == '\n') {
                String header = line.toString().strip();
                line.setLength(0);
                if (header.isEmpty()) {
                    break;
                }
                if (header.toLowerCase().startsWith("sec-websocket-key:")) {
                    key = header.substring(header.indexOf(':') + 1).strip();
                }
            } else {
                line.append((char) c);
            }
        }
        String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread reader = new Thread(() -> read(new DataInputStream(in)), "raw-ws-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(DataInputStream in) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        try {
            while (true) {
                RawFrames.Frame frame = RawFrames.read(in);
                byte[] payload = frame.payload();
                int opcode = frame.opcode();
                if (opcode == 8) {
                    int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                    String reason = payload.length > 2
                            ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                    received.add(new Received(null, code, reason));
                    synchronized (this) {
                        frame(0x88, payload); // answer the close
                    }
                    return;
                }
                if (opcode == 1 || opcode == 0) {
                    message.write(payload);
                    if (frame.fin()) {
                        received.add(new Received(message.toString(StandardCharsets.UTF_8), -1, null));
                        message.reset();
                    }
                }
            }
        } catch (IOException e) {
            received.add(new Received(null, -2, e.toString()));
        }
    }

    /** @return the next thing read from the client, or null after 10 s */
    Received next() throws InterruptedException {
        return received.poll(10, TimeUnit.SECONDS);
    }

    /** Sends a text message in as many fragments as parts given. */
    synchronized void sendText(String... parts) throws IOException {
        for (int i = 0; i < parts.length; i++) {
            int opcode = i == 0 ? 1 : 0;
            int fin = i == parts.length - 1 ? 0x80 : 0;
            frame(fin | opcode, parts[i].getBytes(StandardCharsets.UTF_8));
        }
    }

    private void frame(int b0, byte[] payload) throws IOException {
        RawFrames.write(out, b0 & 0x0f, (b0 & 0x80) != 0, payload);
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
        listener.close();
    }
}
