package netdumplings.hub.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

import netdumplings.api.EaterHello;
import netdumplings.api.json.DumplingJson;
import netdumplings.hub.internal.federation.ChefFilter;

/**
 * An eater's connection: the first message must be an eater hello (else close 1011);
 * later messages are ignored. Dumplings go out through {@link #send(ByteBuffer)}, which
 * never blocks: at most {@code queueLimit} dumplings and {@code queueBytes} bytes wait per
 * eater, more are dropped for this eater and counted; an eater that reads nothing for too
 * long is closed ({@link #closeIfStalled}).
 * <p>
 * Dumplings are handed to Jetty batched: Jetty gathers them in the connection's output
 * buffer, and the {@link EaterFlusher} flushes it within a short grace, so that under load
 * many frames leave in one write. Jetty completes a batched frame's callback once the
 * frame is in that buffer (bounded: Jetty writes a full buffer before taking more), so
 * "pending" counts dumplings not yet taken into the buffer or, when it is full, not yet
 * written; a reader that stops still fills the queue and is detected as stalled.
 */
final class EaterEndpoint extends HubEndpoint {

    private final EaterFlusher flusher;
    private final int queueLimit;
    private final long queueBytes;
    /** Whether this eater is waiting in the {@link EaterFlusher} (at most once). */
    private final AtomicBoolean flushRequested = new AtomicBoolean();
    private volatile EaterHello hello;
    /** The chefs whose dumplings this eater wants (its hello's {@code chefs}). */
    private volatile ChefFilter chefs = ChefFilter.ALL;
    /**
     * Dumplings of the history at or below this offset are not sent live to this eater (it
     * was let in after them); 0 once a later one came. Written before the eater joins the
     * fan-out (published by the eaters list), then by the fan-out's thread.
     */
    private long liveFrom;
    /** The history being sent to this eater (then kept to skip repeats), or null. */
    private volatile EaterBackfill backfill;
    /** Dumplings handed to Jetty and not yet written: +1 on send, -1 in the write callback. */
    private final AtomicInteger pending = new AtomicInteger();
    /** Their bytes, likewise. */
    private final AtomicLong pendingBytes = new AtomicLong();
    /** When a write last finished, or when the queue last went from empty to not empty. */
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean stallClosing;
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failedWrites = new LongAdder();

    /** One per write, to give back its bytes; it only counts, so it never blocks. */
    private final class WriteDone implements Callback {
        private final int bytes;

        WriteDone(int bytes) {
            this.bytes = bytes;
        }

        @Override
        public void succeeded() {
            lastProgressNanos = System.nanoTime();
            release();
        }

        @Override
        public void failed(Throwable x) {
            release();
            failedWrites.increment();
        }

        private void release() {
            pendingBytes.addAndGet(-bytes);
            hub.queueBytes(-bytes);
            pending.decrementAndGet();
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }

    EaterEndpoint(HubServer hub, EaterFlusher flusher, int maxMessageBytes, int queueLimit, long queueBytes) {
        super(hub, maxMessageBytes);
        this.flusher = java.util.Objects.requireNonNull(flusher, "flusher");
        this.queueLimit = queueLimit;
        this.queueBytes = queueBytes;
    }

    /**
     * Queues one dumpling for this eater, or drops it if the eater's queue is full, in
     * dumplings or in bytes. A dumpling is always queued when the queue is empty, so one
     * bigger than the byte bound still goes out.
     *
     * @param json the dumpling's UTF-8 JSON, shared by every eater: it is sliced, never
     *             changed or copied
     * @return whether it was queued
     */
    boolean send(ByteBuffer json) {
        return send(json, 0, null);
    }

    /**
     * As {@link #send(ByteBuffer)}, for a dumpling of the history (offset > 0) or not (0),
     * of a chef this eater may not want: while the eater is sent the history it asked for,
     * live dumplings wait for it.
     *
     * @param chefToken the dumpling's chef as a subject token, null for the hub's own
     * @return whether it was queued (false: not wanted, held or dropped)
     */
    boolean send(ByteBuffer json, long offset, String chefToken) {
        if (!chefs.accepts(chefToken)) {
            return false;
        }
        if (liveFrom != 0 && offset != 0) {
            if (offset <= liveFrom) {
                return false;
            }
            liveFrom = 0;
        }
        EaterBackfill b = backfill;
        if (b != null && b.intercept(json, offset)) {
            return false;
        }
        return sendNow(json);
    }

    /** Queues a dumpling, past any history replay (which calls it itself). */
    boolean sendNow(ByteBuffer json) {
        int size = json.remaining();
        int queued = pending.incrementAndGet();
        long bytes = pendingBytes.addAndGet(size);
        if (queued > queueLimit || (queued > 1 && bytes > queueBytes)) {
            pendingBytes.addAndGet(-size);
            pending.decrementAndGet();
            dropped.increment();
            return false;
        }
        // The hub's bound over all eaters: an eater that is behind gets nothing more past it
        // (one that has read everything still does), and the slowest are closed.
        if (!hub.queueBytes(size) && queued > 1) {
            hub.queueBytes(-size);
            pendingBytes.addAndGet(-size);
            pending.decrementAndGet();
            dropped.increment();
            hub.overEaterQueueBound();
            return false;
        }
        if (queued == 1) {
            // The stall clock starts when there is something to write.
            lastProgressNanos = System.nanoTime();
        }
        CoreSession session = session();
        session.sendFrame(new Frame(OpCode.TEXT, json.slice()), new WriteDone(size), true);
        sent.increment();
        // The plain read first: under load the flag is nearly always set already.
        if (!flushRequested.get() && flushRequested.compareAndSet(false, true)) {
            flusher.flushSoon(this);
        }
        return true;
    }

    /**
     * Writes what Jetty has batched for this eater; called by the {@link EaterFlusher}. The
     * flag is cleared first: a dumpling sent meanwhile asks for another flush, so none is
     * ever left in the buffer.
     */
    void flush() {
        flushRequested.set(false);
        CoreSession session = session();
        if (session != null && !isDisconnected()) {
            session.flush(Callback.NOOP);
        }
    }

    /**
     * Closes this eater with 1008 if it has had dumplings waiting and no write finishing
     * for longer than {@code stallTimeout}; an eater that does not read would otherwise
     * only ever have dumplings dropped.
     *
     * @return whether it is being closed for that
     */
    boolean closeIfStalled(long nowNanos, java.time.Duration stallTimeout) {
        if (stallClosing || pending.get() == 0 || nowNanos - lastProgressNanos < stallTimeout.toNanos()) {
            return false;
        }
        stallClosing = true;
        EaterHello h = hello;
        hub.log().warn("eater {} at {}:{} stalled: {} dumplings ({} bytes) unwritten for over {}, closing",
                h == null ? "?" : h.eaterName(), host(), port(), pending.get(), pendingBytes.get(), stallTimeout);
        close(POLICY_VIOLATION, "eater stalled: nothing read for " + stallTimeout.toSeconds() + " s");
        // The close frame queues behind what the eater does not read: cut the connection.
        CoreSession s = session();
        if (s != null) {
            s.abort();
        }
        return true;
    }

    /**
     * Closes this eater (1008, cut at once like a stalled one) because all eaters together
     * hold more unwritten bytes than the hub's bound and this one holds most of them.
     *
     * @return whether it is being closed for that (false if it was closing already)
     */
    boolean closeAsTooSlow(long bound) {
        if (stallClosing || isDisconnected()) {
            return false;
        }
        stallClosing = true;
        EaterHello h = hello;
        hub.log().warn("eater {} at {}:{} too slow: {} bytes unwritten while all eaters hold over {} bytes, closing",
                h == null ? "?" : h.eaterName(), host(), port(), pendingBytes.get(), bound);
        close(POLICY_VIOLATION, "eater too slow: hub eater memory full");
        CoreSession s = session();
        if (s != null) {
            s.abort();
        }
        return true;
    }

    /** @return bytes of dumplings waiting to be written to this eater */
    long pendingBytes() {
        return pendingBytes.get();
    }

    @Override
    protected boolean wantsText() {
        // After the hello an eater's messages are ignored: not even kept in memory.
        return hello == null;
    }

    @Override
    protected boolean onText(byte[] utf8Bytes) {
        if (hello != null) {
            return true;
        }
        EaterHello parsed = readHello(utf8Bytes, "eater", DumplingJson::eaterHelloFromJson);
        if (parsed == null) {
            return false;
        }
        try {
            chefs = ChefFilter.fromHello(helloFields());
        } catch (IllegalArgumentException e) {
            close(SERVER_ERROR, "invalid eater hello: " + e.getMessage());
            return false;
        }
        hello = parsed;
        hub.eaterJoined(this);
        return true;
    }

    @Override
    protected boolean onBinary(byte[] bytes) {
        return hello != null || refuseBinaryHello("eater");
    }

    @Override
    protected void onDisconnect(CloseStatus status) {
        if (hello != null) {
            hub.log().info("eater {} at {}:{} left ({}); {} dumplings sent, {} dropped, {} failed writes",
                    hello.eaterName(), host(), port(), describe(status), sent.sum(), dropped.sum(), failedWrites.sum());
        }
    }

    @Override
    protected boolean hasSaidHello() {
        return hello != null;
    }

    /** Sends this eater live only dumplings of the history after {@code offset} (0: every one). */
    void liveFrom(long offset) {
        liveFrom = offset;
    }

    /** @return the chefs whose dumplings this eater wants */
    ChefFilter chefs() {
        return chefs;
    }

    /** @return the hello, or null before a valid one */
    EaterHello hello() {
        return hello;
    }

    long dropped() {
        return dropped.sum();
    }

    /** Starts sending the history its hello asks for before any live dumpling (see {@link EaterBackfill}). */
    void backfill(EaterBackfill history) {
        backfill = history;
    }

    /** A live dumpling that did not fit while the history was sent. */
    void droppedWhileReplaying() {
        dropped.increment();
    }

    /**
     * Waits (for a replay) until at most half the queue limit waits to be written.
     *
     * @return false if the eater has gone meanwhile
     */
    boolean awaitRoom() {
        while (pending.get() > queueLimit / 2) {
            if (isDisconnected() || stallClosing) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !isDisconnected();
    }

    HubStatistics.EaterStatistics statistics() {
        EaterHello h = hello;
        return new HubStatistics.EaterStatistics(h == null ? null : h.eaterName(), host(), port(),
                pending.get(), sent.sum(), dropped.sum());
    }
}
