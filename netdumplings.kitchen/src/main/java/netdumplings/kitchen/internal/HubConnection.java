package netdumplings.kitchen.internal;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client WebSocket connection (RFC 6455) to the hub's kitchen port, made for sending
 * many small pre-encoded text messages fast: {@link #writeText(List, int, int)} frames a
 * whole batch of UTF-8 dumplings into one buffer and writes it with one system call, with
 * no String round trip and no thread hand-off (the JDK client allows one outstanding
 * message and wants a {@code CharSequence}, which capped a kitchen at ~12k dumplings/s).
 * <p>
 * A reader thread per connection answers pings, answers and records the hub's close frame
 * (its reason carries how many messages the hub received), and notices the connection's
 * end. It also acts as the write watchdog: a write blocked for longer than the write
 * timeout (a hub that stopped reading) gets the socket closed, which fails the write.
 * <p>
 * Writes come from one thread (the sender's) plus the reader's control answers; both take
 * the output lock, once per batch, never per dumpling.
 */
final class HubConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubConnection.class);
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** Bounds the HTTP answer to our upgrade request (a hub sends a few hundred bytes). */
    private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;
    /** The reader wakes at least this often, to check the write watchdog. */
    private static final int READ_POLL_MILLIS = 500;
    private static final int OPCODE_TEXT = 0x1;
    private static final int OPCODE_CLOSE = 0x8;
    private static final int OPCODE_PING = 0x9;
    private static final int FIN = 0x80;
    private static final int MASK = 0x80;
    /** Frame header at most: 2 bytes, 8 of extended length, 4 of masking key. */
    private static final int MAX_HEADER_BYTES = 14;
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final SecureRandom SEEDS = new SecureRandom();

    private final URI uri;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long writeTimeoutNanos;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Masking keys of the sender thread: fresh per frame, from a generator seeded securely per connection. */
    private final SplittableRandom masks = new SplittableRandom(SEEDS.nextLong());
    private final Thread reader;
    /** The batch being framed; grown as needed, reused (sender thread only). */
    private byte[] frames = new byte[64 * 1024];

    /** Completes when the hub closed the connection or it failed. */
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** What the hub said it received from this connection when it closed, or -1. */
    volatile long received = -1;
    private volatile boolean closed;
    private volatile boolean closeSent;
    /** When the write in progress started, or 0. */
    private volatile long writeStarted;

    private HubConnection(URI uri, Socket socket, InputStream in, long writeTimeoutNanos) throws IOException {
        this.uri = uri;
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.writeTimeoutNanos = writeTimeoutNanos;
        this.reader = new Thread(this::read, "nd-hub-reader " + uri);
        reader.setDaemon(true);
    }

    /**
     * Connects, upgrades to WebSocket and starts the reader.
     *
     * @param uri          {@code ws://} or {@code wss://} address of the hub's kitchen port
     * @param token        sent as {@code Authorization: Bearer}, or null
     * @param timeout      bounds the TCP connection and the handshake each
     * @param writeTimeout a write blocked for longer closes the connection
     * @return the open connection
     * @throws IOException if the hub cannot be reached or refuses the upgrade
     */
    static HubConnection open(URI uri, String token, Duration timeout, Duration writeTimeout) throws IOException {
        requireNonNull(uri, "uri");
        boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
        if (!secure && !"ws".equalsIgnoreCase(uri.getScheme())) {
            throw new IOException("not a ws:// or wss:// address: " + uri);
        }
        int timeoutMillis = (int) Math.max(1, timeout.toMillis());
        Socket socket = connect(uri.getHost(), uri.getPort(), timeoutMillis);
        try {
            socket.setTcpNoDelay(true); // we batch ourselves; Nagle would only add latency
            if (secure) {
                SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(socket, uri.getHost(), uri.getPort(), true);
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
                tls.setSoTimeout(timeoutMillis);
                tls.startHandshake();
                socket = tls;
            }
            socket.setSoTimeout(timeoutMillis);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            handshake(uri, token, socket.getOutputStream(), in);
            socket.setSoTimeout(READ_POLL_MILLIS);
            HubConnection connection = new HubConnection(uri, socket, in, writeTimeout.toNanos());
            connection.reader.start();
            return connection;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Tries the host's addresses in turn, as {@code localhost} may be ::1 or 127.0.0.1. */
    private static Socket connect(String host, int port, int timeoutMillis) throws IOException {
        IOException failure = null;
        for (InetAddress address : InetAddress.getAllByName(host)) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), timeoutMillis);
                return socket;
            } catch (IOException e) {
                socket.close();
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        throw failure != null ? failure : new IOException("no address for " + host);
    }

    private static void handshake(URI uri, String token, OutputStream out, InputStream in) throws IOException {
        byte[] nonce = new byte[16];
        SEEDS.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        StringBuilder request = new StringBuilder(256)
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost().contains(":") ? "[" + uri.getHost() + "]" : uri.getHost())
                .append(':').append(uri.getPort()).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        request.append("\r\n");
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();

        String status = null;
        String accept = null;
        int total = 0;
        while (true) {
            String line = readLine(in);
            total += line.length() + 2;
            if (total > MAX_HANDSHAKE_BYTES) {
                throw new IOException("the hub's handshake answer is over " + MAX_HANDSHAKE_BYTES + " bytes");
            }
            if (status == null) {
                status = line;
                continue;
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")) {
                accept = line.substring(colon + 1).trim();
            }
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !"101".equals(parts[1])) {
            throw new IOException("the hub refused the WebSocket upgrade: " + status);
        }
        if (!expectedAccept(key).equals(accept)) {
            throw new IOException("the hub answered a wrong Sec-WebSocket-Accept: " + accept);
        }
    }

    static String expectedAccept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JRE", e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the hub closed the connection during the handshake");
            }
            if (b == '\n') {
                int n = line.length();
                return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
            }
            if (line.length() >= MAX_HANDSHAKE_BYTES) {
                throw new IOException("the hub's handshake answer has a line over " + MAX_HANDSHAKE_BYTES + " bytes");
            }
            line.append((char) b);
        }
    }

    /** @return whether the connection is open: not closed by either side, not failed */
    boolean open() {
        return !closed && !done.isDone() && !closeSent;
    }

    /**
     * Writes messages {@code from} (inclusive) to {@code to} (exclusive) of {@code texts},
     * each a UTF-8 JSON text (not checked), as one text frame each, in one write.
     * Sender thread only.
     *
     * @throws IOException if the connection failed or was closed
     */
    void writeText(List<byte[]> texts, int from, int to) throws IOException {
        int need = 0;
        for (int i = from; i < to; i++) {
            need += MAX_HEADER_BYTES + texts.get(i).length;
        }
        if (frames.length < need) {
            frames = new byte[Math.max(need, frames.length * 2)];
        }
        byte[] buf = frames;
        int at = 0;
        for (int i = from; i < to; i++) {
            at = frame(buf, at, OPCODE_TEXT, texts.get(i), masks.nextInt());
        }
        write(buf, at);
    }

    /** Writes one text message (the hello). */
    void writeText(byte[] text) throws IOException {
        writeText(List.of(text), 0, 1);
    }

    /**
     * Sends a close frame, once.
     *
     * @throws IOException if the connection failed
     */
    void writeClose(int code, String reason) throws IOException {
        if (closeSent) {
            return;
        }
        closeSent = true;
        byte[] why = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + Math.min(why.length, 123)];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(why, 0, payload, 2, payload.length - 2);
        byte[] buf = new byte[MAX_HEADER_BYTES + payload.length];
        write(buf, frame(buf, 0, OPCODE_CLOSE, payload, masks.nextInt()));
    }

    private void write(byte[] buf, int length) throws IOException {
        writeLock.lock();
        try {
            writeLocked(buf, length);
        } finally {
            writeLock.unlock();
        }
    }

    /** The reader's writes: it must not wait on a stalled write, being its watchdog. */
    private void writeFromReader(byte[] buf, int length) throws IOException {
        try {
            while (!writeLock.tryLock(READ_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                checkWriteStall();
                if (closed) {
                    throw new IOException("connection closed");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try {
            writeLocked(buf, length);
        } finally {
            writeLock.unlock();
        }
    }

    private void writeLocked(byte[] buf, int length) throws IOException {
        if (closed) {
            throw new IOException("connection closed");
        }
        writeStarted = System.nanoTime() | 1; // never 0 while writing
        try {
            out.write(buf, 0, length);
            out.flush();
        } finally {
            writeStarted = 0;
        }
    }

    /** Frames {@code payload} masked (as a client must) into {@code buf} at {@code at}. */
    private static int frame(byte[] buf, int at, int opcode, byte[] payload, int key) {
        int n = payload.length;
        buf[at++] = (byte) (FIN | opcode);
        if (n < 126) {
            buf[at++] = (byte) (MASK | n);
        } else if (n < 65536) {
            buf[at++] = (byte) (MASK | 126);
            buf[at++] = (byte) (n >> 8);
            buf[at++] = (byte) n;
        } else {
            buf[at++] = (byte) (MASK | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[at++] = (byte) ((long) n >> shift);
            }
        }
        buf[at++] = (byte) (key >> 24);
        buf[at++] = (byte) (key >> 16);
        buf[at++] = (byte) (key >> 8);
        buf[at++] = (byte) key;
        System.arraycopy(payload, 0, buf, at, n);
        // XOR eight bytes at a time: byte i of the payload goes with key byte i % 4, which is
        // what a big-endian long of the key twice gives at every 8-byte step.
        long mask8 = (key & 0xffffffffL) << 32 | (key & 0xffffffffL);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            LONGS.set(buf, at + i, (long) LONGS.get(buf, at + i) ^ mask8);
        }
        for (; i < n; i++) {
            buf[at + i] ^= (byte) (key >> (24 - 8 * (i & 3)));
        }
        return at + n;
    }

    /** Closes the socket at once (a blocked write fails). */
    void abort() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        done.complete(null);
    }

    @Override
    public void close() {
        abort();
    }

    // Reader thread

    private void read() {
        try {
            while (!closed) {
                int b0;
                try {
                    b0 = in.read();
                } catch (SocketTimeoutException e) {
                    checkWriteStall();
                    continue;
                }
                if (b0 < 0) {
                    break;
                }
                int opcode = b0 & 0x0f;
                int b1 = readByte();
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = readByte() << 8 | readByte();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = length << 8 | readByte();
                    }
                }
                int maskKey = 0;
                boolean masked = (b1 & MASK) != 0; // a server must not mask, but be lenient
                if (masked) {
                    maskKey = readByte() << 24 | readByte() << 16 | readByte() << 8 | readByte();
                }
                if (opcode >= 0x8) {
                    // Control frames carry at most 125 bytes.
                    if (length > 125) {
                        throw new IOException("control frame of " + length + " bytes from the hub");
                    }
                    byte[] payload = readFully((int) length);
                    if (masked) {
                        for (int i = 0; i < payload.length; i++) {
                            payload[i] ^= (byte) (maskKey >> (24 - 8 * (i & 3)));
                        }
                    }
                    if (opcode == OPCODE_CLOSE) {
                        closedByHub(payload);
                        return;
                    } else if (opcode == OPCODE_PING) {
                        byte[] buf = new byte[MAX_HEADER_BYTES + payload.length];
                        writeFromReader(buf, frame(buf, 0, 0xA, payload, ThreadLocalRandom.current().nextInt()));
                    }
                } else {
                    // The hub sends kitchens nothing else: skip it.
                    skipFully(length);
                }
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("hub {}: connection failed", uri, e);
            }
        } finally {
            closed = true;
            done.complete(null);
        }
    }

    private void closedByHub(byte[] payload) {
        int code = payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : 1005;
        String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        LOG.debug("hub {} closed the connection: {} {}", uri, code, reason);
        received = HubSender.receivedCount(reason);
        try {
            // Answer the close, as RFC 6455 asks; the hub then ends the TCP connection.
            if (!closeSent) {
                closeSent = true;
                int answer = code == 1005 ? 1000 : code;
                byte[] buf = new byte[MAX_HEADER_BYTES + 2];
                writeFromReader(buf, frame(buf, 0, OPCODE_CLOSE, new byte[] {(byte) (answer >> 8), (byte) answer},
                        ThreadLocalRandom.current().nextInt()));
            }
        } catch (IOException e) {
            // Gone already.
        }
        closed = true;
        done.complete(null);
    }

    private void checkWriteStall() {
        long started = writeStarted;
        if (started != 0 && System.nanoTime() - started > writeTimeoutNanos) {
            LOG.warn("hub {}: a write has been blocked for over {} s (the hub stopped reading); closing",
                    uri, TimeUnit.NANOSECONDS.toSeconds(writeTimeoutNanos));
            abort();
        }
    }

    private int readByte() throws IOException {
        while (true) {
            try {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("the hub closed the connection");
                }
                return b;
            } catch (SocketTimeoutException e) {
                checkWriteStall();
                if (closed) {
                    throw new EOFException("closed");
                }
            }
        }
    }

    private byte[] readFully(int n) throws IOException {
        byte[] result = new byte[n];
        for (int i = 0; i < n; i++) {
            result[i] = (byte) readByte();
        }
        return result;
    }

    private void skipFully(long n) throws IOException {
        for (long i = 0; i < n; i++) {
            readByte();
        }
    }

    @Override
    public String toString() {
        return "HubConnection[" + uri + (closed ? ", closed" : "") + "]";
    }
}
