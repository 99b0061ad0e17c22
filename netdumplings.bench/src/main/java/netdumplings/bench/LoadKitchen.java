package netdumplings.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A kitchen that publishes synthetic dumplings to a hub as fast as asked, over one raw
 * WebSocket connection (see {@link RawWebSocket}). Each dumpling's payload ends with
 * {@code "ns":<System.nanoTime() at creation>}, which {@link EaterSwarm} reads back to
 * measure latency (same JVM, same clock); {@code creation_time} is real epoch seconds.
 * Frames are written in batches of up to {@value #OUT_BUFFER_BYTES} bytes.
 */
final class LoadKitchen implements AutoCloseable {

    static final String CHEF = "BenchChef";
    private static final int OUT_BUFFER_BYTES = 64 * 1024;
    private static final byte[] HEAD = ("{\"metadata\": {\"chef\": \"" + CHEF
            + "\", \"kitchen\": \"bench_kitchen\", \"creation_time\": ").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIDDLE = ", \"driver\": \"packet\"}, \"payload\": {\"seq\": "
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NS = ", \"ns\": ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "}}".getBytes(StandardCharsets.US_ASCII);

    private final SocketChannel ch;
    private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_BUFFER_BYTES);
    private final byte[] payload = new byte[256];
    private final long epochMicrosAtBase = System.currentTimeMillis() * 1000;
    private final long nanoBase = System.nanoTime();
    private long seq;

    /** Connects to the hub's kitchen port and says hello. */
    LoadKitchen(String host, int port) throws IOException {
        RawWebSocket.Connected c = RawWebSocket.connect(host, port);
        ch = c.channel();
        RawWebSocket.sendText(ch, "{\"kitchen_name\": \"bench_kitchen\", \"interface\": \"bench\", "
                + "\"filter\": \"\", \"chefs\": [\"" + CHEF + "\"], \"poke_interval\": 5.0}");
    }

    /**
     * Publishes {@code count} dumplings, blocking until all are written to the socket.
     *
     * @param perSecond the rate; 0 for as fast as the hub takes them
     * @return {@link System#nanoTime()} when the first dumpling was made
     */
    long publish(long count, double perSecond) throws IOException {
        long start = System.nanoTime();
        long interval = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
        for (long i = 0; i < count; i++) {
            if (interval > 0) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    flush(); // what is due goes out before waiting
                    while (wait > 0) {
                        LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(1)));
                        wait = due - System.nanoTime();
                    }
                }
            }
            int n = encode(System.nanoTime());
            if (out.remaining() < RawWebSocket.frameSize(n)) {
                flush();
            }
            RawWebSocket.putTextFrame(out, payload, 0, n);
        }
        flush();
        return start;
    }

    /** Writes the next dumpling into {@link #payload} without allocating. @return its length */
    private int encode(long nanos) {
        int p = put(HEAD, 0);
        long micros = epochMicrosAtBase + (nanos - nanoBase) / 1000;
        p = putLong(micros / 1_000_000, p);
        payload[p++] = '.';
        long frac = micros % 1_000_000;
        for (long d = 100_000; d > 0; d /= 10) {
            payload[p++] = (byte) ('0' + frac / d % 10);
        }
        p = put(MIDDLE, p);
        p = putLong(seq++, p);
        p = put(NS, p);
        p = putLong(nanos, p);
        return put(TAIL, p);
    }

    private int put(byte[] b, int p) {
        System.arraycopy(b, 0, payload, p, b.length);
        return p + b.length;
    }

    private int putLong(long v, int p) {
        if (v < 0) {
            payload[p++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        for (int i = p + digits - 1; i >= p; i--) {
            payload[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + digits;
    }

    private void flush() throws IOException {
        out.flip();
        RawWebSocket.writeFully(ch, out);
        out.clear();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
