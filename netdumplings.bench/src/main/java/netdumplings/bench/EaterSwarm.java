package netdumplings.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Many eaters on one thread: raw WebSocket connections to the hub's eater port (see
 * {@link RawWebSocket}), read by one selector. For every dumpling whose payload ends with
 * {@code "ns":<nanoTime>} (made by {@link LoadKitchen} in this JVM) it counts a delivery
 * and records the latency. Other frames (status dumplings) are skipped; a close frame
 * ends that connection.
 */
final class EaterSwarm implements AutoCloseable {

    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final byte[] NS_KEY = "\"ns\": ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Selector selector;
    private final List<SocketChannel> channels = new ArrayList<>();
    private final Thread reader;
    private volatile Latencies latencies = new Latencies(1);
    /** Written by the reader thread only. */
    private volatile long received;
    private volatile long lastReceiptNanos;
    private volatile int closedByHub;

    /**
     * Connects {@code eaters} eaters (each says hello as {@code bench_eater_<i>}) and starts
     * reading.
     */
    EaterSwarm(String host, int port, int eaters) throws IOException {
        selector = Selector.open();
        try {
            for (int i = 0; i < eaters; i++) {
                RawWebSocket.Connected c = RawWebSocket.connect(host, port);
                SocketChannel ch = c.channel();
                channels.add(ch);
                RawWebSocket.sendText(ch, "{\"eater_name\": \"bench_eater_" + i + "\"}");
                ch.configureBlocking(false);
                ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
                buffer.put(c.leftover());
                ch.register(selector, SelectionKey.OP_READ, buffer);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        reader = new Thread(this::read, "bench-eaters");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a new measurement: latencies are recorded into {@code into} from now on. */
    void measureInto(Latencies into) {
        latencies = into;
    }

    /** @return deliveries counted since the swarm started */
    long received() {
        return received;
    }

    /** @return when the latest delivery was read */
    long lastReceiptNanos() {
        return lastReceiptNanos;
    }

    /** @return connections the hub closed */
    int closedByHub() {
        return closedByHub;
    }

    /**
     * Waits until {@link #received()} reaches {@code target}, or nothing arrived for
     * {@code idleMillis}, or {@code maxMillis} passed.
     *
     * @return deliveries counted
     */
    long awaitReceived(long target, long idleMillis, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        long seen = received;
        long lastChange = System.nanoTime();
        while (seen < target) {
            Thread.sleep(1);
            long now = System.nanoTime();
            long r = received;
            if (r != seen) {
                seen = r;
                lastChange = now;
            } else if (now - lastChange > TimeUnit.MILLISECONDS.toNanos(idleMillis) || now > deadline) {
                break;
            }
        }
        return received;
    }

    private void read() {
        try {
            while (selector.isOpen()) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && key.isReadable()) {
                        readFrom(key);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            // Closed: done.
        }
    }

    private void readFrom(SelectionKey key) {
        SocketChannel ch = (SocketChannel) key.channel();
        ByteBuffer buf = (ByteBuffer) key.attachment();
        int n;
        try {
            n = ch.read(buf);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            key.cancel();
            closedByHub++;
            return;
        }
        buf.flip();
        long count = received;
        Latencies into = latencies;
        long now = System.nanoTime();
        byte[] a = buf.array();
        while (buf.remaining() >= 2) {
            int p = buf.position();
            int opcode = a[p] & 0x0f;
            int len7 = a[p + 1] & 0x7f;
            int header = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
            if (buf.remaining() < header) {
                break;
            }
            long len = len7 < 126 ? len7 : len7 == 126 ? buf.getShort(p + 2) & 0xffff : buf.getLong(p + 2);
            if (header + len > buf.capacity()) {
                // A frame bigger than the buffer: grow it (dumplings are at most 1 MiB).
                ByteBuffer bigger = ByteBuffer.allocate((int) (header + len));
                bigger.put(buf);
                key.attach(bigger);
                bigger.flip();
                buf = bigger;
                a = buf.array();
                continue;
            }
            if (buf.remaining() < header + len) {
                break;
            }
            int start = p + header;
            int end = (int) (start + len);
            if (opcode == 8) {
                key.cancel();
                closedByHub++;
                buf.position(end);
                break;
            }
            long ns = stampOf(a, start, end);
            if (ns != Long.MIN_VALUE) {
                into.record(now - ns);
                count++;
            }
            buf.position(end);
        }
        buf.compact();
        if (count != received) {
            lastReceiptNanos = now;
            received = count;
        }
    }

    /** @return the number after the last {@code "ns": } in a payload ending with it and "}}", or MIN_VALUE */
    private static long stampOf(byte[] a, int start, int end) {
        int i = end - 3; // before "}}"
        long v = 0;
        long scale = 1;
        while (i >= start && a[i] >= '0' && a[i] <= '9') {
            v += (a[i] - '0') * scale;
            scale *= 10;
            i--;
        }
        boolean negative = i >= start && a[i] == '-';
        if (negative) {
            i--;
        }
        int k = i - NS_KEY.length + 1;
        if (scale == 1 || k < start) {
            return Long.MIN_VALUE;
        }
        for (int j = 0; j < NS_KEY.length; j++) {
            if (a[k + j] != NS_KEY[j]) {
                return Long.MIN_VALUE;
            }
        }
        return negative ? -v : v;
    }

    @Override
    public void close() throws IOException {
        selector.close();
        for (SocketChannel ch : channels) {
            ch.close();
        }
    }
}
