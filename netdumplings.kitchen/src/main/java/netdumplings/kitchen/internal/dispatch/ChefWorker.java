package netdumplings.kitchen.internal.dispatch;

import netdumplings.kitchen.internal.packet.CapturedPacket;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import netdumplings.api.ChefContext;
import netdumplings.api.Dumpling;
import netdumplings.api.DumplingChef;
import netdumplings.api.DumplingDriver;
import netdumplings.api.InvalidDumplingPayloadException;
import netdumplings.api.json.DumplingJson;

/**
 * Feeds one chef on a thread of its own, from a bounded queue of packet batches, so a slow
 * chef never stalls a live capture or other chefs: when its queue is full, the capture
 * thread drops the batch for this chef only and counts it. A replayed file can wait, so
 * there the capture thread first waits a bounded time for room (see
 * {@link #offer(PacketBatch, long, BooleanSupplier)}). Every chef method is called on this
 * thread, so never concurrently.
 * <p>
 * The hand-off is a lock-free {@link BatchRing}. A worker with nothing to do parks; waking
 * it (a system call on the capture thread, and a context switch) is what costs, so a full
 * batch wakes it only once {@value #WAKE_AT_BATCHES} batches wait (it then handles them
 * in one go), while a partial batch (live capture, the end of a file, a replay pause) or
 * {@link #nudge()} wakes it at once: latency stays bounded by the capture's flush points.
 */
public final class ChefWorker implements ChefContext {

    private static final Logger LOG = LoggerFactory.getLogger(ChefWorker.class);
    /** At most one log line per chef per this many nanoseconds for repeated failures. */
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long {@link #stop()} waits for a chef busy in a handler. */
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final DumplingChef chef;
    private final String chefName;
    private final String kitchenName;
    private final Duration pokeInterval;
    private final long pokeNanos;
    private final DumplingSink sink;
    /**
     * A full batch wakes a parked worker only when this many wait (or the ring holds fewer).
     * Each wake-up is a system call on the capture thread and a context switch on a busy
     * core: on 2 cores, 16 (4,096 packets) instead of 4 took the kitchen from about 0.94
     * to 0.98 of pcap4j's bare loop at full replay speed; 64 did no better.
     */
    static final int WAKE_AT_BATCHES = 16;

    private final BatchRing queue;
    private final int wakeAt;
    /** Set by the worker just before it parks, cleared when it wakes. */
    private volatile boolean sleeping;
    /** Capture thread only: a batch was queued for a parked worker without waking it. */
    private boolean wakeOwed;
    /**
     * Capture thread only: the chef made no room within a replay's wait, so batches are
     * dropped for it without waiting until its queue is half empty again.
     */
    private boolean stalled;
    /** How long the capture thread parks between looks for room in a full queue. */
    private static final long ROOM_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private final Thread thread;
    private final CountDownLatch endHandled = new CountDownLatch(1);

    private volatile boolean running = true;
    private volatile boolean endPending;

    // Written by the worker thread only (single writer), read by anyone.
    private volatile long packets;
    private volatile long errors;
    private volatile long handlerNanos;
    // Written by the capture thread only.
    private volatile long dropped;
    /** Cleared by management (disable): the capture thread then skips this chef. */
    private volatile boolean enabled = true;
    // Written from any thread (ChefContext.send).
    private final LongAdder dumplings = new LongAdder();
    private final LongAdder invalidPayloads = new LongAdder();

    private long lastErrorLog = System.nanoTime() - LOG_EVERY_NANOS;
    /** Capture thread only. */
    private long lastDropLog = System.nanoTime() - LOG_EVERY_NANOS;
    private long errorsSinceLog;

    public ChefWorker(DumplingChef chef, String kitchenName, Duration pokeInterval, int queueBatches,
            DumplingSink sink) {
        this.chef = requireNonNull(chef, "chef");
        this.chefName = requireNonNull(chef.name(), "chef.name()");
        this.kitchenName = requireNonNull(kitchenName, "kitchenName");
        this.pokeInterval = requireNonNull(pokeInterval, "pokeInterval");
        this.pokeNanos = Math.max(1, pokeInterval.toNanos());
        this.sink = requireNonNull(sink, "sink");
        this.queue = new BatchRing(queueBatches);
        this.wakeAt = Math.min(WAKE_AT_BATCHES, queueBatches);
        this.thread = new Thread(this::run, "nd-chef-" + kitchenName + "-" + chefName);
        thread.setDaemon(true);
    }

    public DumplingChef chef() {
        return chef;
    }

    public String chefName() {
        return chefName;
    }

    public void start() {
        thread.start();
    }

    /**
     * Capture thread only: queues a batch for this chef, or counts it as dropped for it.
     * <p>
     * With a positive {@code waitNanos} (a replayed file: nothing is lost by waiting) a
     * full queue is waited on, for at most that long without the chef taking a batch;
     * what a chef slower than the file gets is then its own pace, not drops. A chef that
     * takes nothing for that long is stalled: its batches are dropped without waiting
     * until its queue is half empty again, so a stuck chef costs the capture one wait,
     * not one per batch.
     *
     * @param batch     the batch, shared with the other chefs
     * @param waitNanos how long to wait for room at most; 0 drops at once (live capture)
     * @param giveUp    ends a wait early when true (the kitchen is closing)
     */
    public void offer(PacketBatch batch, long waitNanos, BooleanSupplier giveUp) {
        if (!enabled) {
            return; // disabled on purpose: not a drop
        }
        boolean queued = queue.offer(batch);
        if (!queued && waitNanos > 0 && !stalled) {
            queued = awaitRoom(batch, waitNanos, giveUp);
            stalled = !queued;
        }
        if (queued) {
            if (stalled && queue.size() <= queue.capacity() / 2) {
                stalled = false;
            }
            if (sleeping) {
                boolean partial = batch.size() < batch.packets().length;
                if (partial || queue.size() >= wakeAt) {
                    wakeOwed = false;
                    LockSupport.unpark(thread);
                } else {
                    wakeOwed = true;
                }
            }
        } else {
            dropped += batch.size();
            long now = System.nanoTime();
            if (now - lastDropLog >= LOG_EVERY_NANOS) {
                lastDropLog = now;
                LOG.warn("kitchen {}: chef {} cannot keep up; {} packets dropped for it so far",
                        kitchenName, chefName, dropped);
            }
        }
    }

    /** Wakes the worker and waits for a slot; parking, not spinning, leaves the CPU to it. */
    private boolean awaitRoom(PacketBatch batch, long waitNanos, BooleanSupplier giveUp) {
        wakeOwed = false;
        LockSupport.unpark(thread);
        long deadline = System.nanoTime() + waitNanos;
        while (running && !giveUp.getAsBoolean()) {
            LockSupport.parkNanos(ROOM_POLL_NANOS);
            if (queue.offer(batch)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
        }
        return false;
    }

    /** Capture thread only: wakes the worker if a batch was queued without waking it. */
    public void nudge() {
        if (wakeOwed) {
            wakeOwed = false;
            LockSupport.unpark(thread);
        }
    }

    /** The capture has ended: run the interval handler once more when the queue is drained. */
    public void captureEnded() {
        endPending = true;
        LockSupport.unpark(thread);
    }

    public boolean awaitEndHandled(long nanos) throws InterruptedException {
        return endHandled.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** Stops feeding the chef, calls its {@code stop()}, and waits a while for that. */
    public void stop() {
        running = false; // the worker leaves what is queued to the garbage collector
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("kitchen {}: chef {} did not stop within {} ms", kitchenName, chefName,
                        STOP_WAIT_MILLIS);
            }
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** @param enabled whether the capture thread feeds this chef */
    public void enabled(boolean enabled) {
        this.enabled = enabled;
    }

    public ChefStatistics statistics() {
        return new ChefStatistics(chefName, chef.getClass().getName(), packets, dumplings.sum(),
                errors, invalidPayloads.sum(), dropped, handlerNanos);
    }

    private void run() {
        try {
            chef.start(this);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            failed("start", e);
        }
        interval();
        long nextPoke = System.nanoTime() + pokeNanos;
        while (running) {
            PacketBatch batch = queue.poll();
            if (batch != null) {
                if (running) {
                    handle(batch);
                }
            } else if (!endPending) {
                long wait = nextPoke - System.nanoTime();
                if (wait > 0) {
                    // Announce the nap, then look again: a batch offered in between is
                    // seen here, or its producer sees the flag (both volatile) and wakes us.
                    sleeping = true;
                    if (queue.size() == 0 && running && !endPending) {
                        LockSupport.parkNanos(this, wait);
                    }
                    sleeping = false;
                    if (Thread.interrupted()) {
                        break;
                    }
                }
            }
            long now = System.nanoTime();
            if (running && now - nextPoke >= 0) {
                interval();
                nextPoke += pokeNanos;
                if (now - nextPoke >= 0) {
                    nextPoke = now + pokeNanos; // fell behind: do not call it in a burst
                }
            }
            if (running && endPending && queue.size() == 0) {
                endPending = false;
                interval();
                endHandled.countDown();
            }
        }
        try {
            chef.stop();
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            failed("stop", e);
        }
        endHandled.countDown();
    }

    private void handle(PacketBatch batch) {
        int size = batch.size();
        if (size == 0) {
            return;
        }
        CapturedPacket[] batchPackets = batch.packets();
        long start = System.nanoTime();
        for (int i = 0; i < size; i++) {
            Object payload;
            try {
                payload = chef.packetHandler(batchPackets[i]);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                failed("packetHandler", e);
                continue;
            }
            if (payload != null) {
                emit(DumplingDriver.PACKET, payload);
            }
        }
        handlerNanos += System.nanoTime() - start;
        packets += size;
    }

    private void interval() {
        Object payload;
        try {
            payload = chef.intervalHandler(this);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            failed("intervalHandler", e);
            return;
        }
        if (payload != null) {
            emit(DumplingDriver.INTERVAL, payload);
        }
    }

    /** Encodes once, here on the chef's thread, and hands the bytes on. */
    private void emit(DumplingDriver driver, Object payload) {
        try {
            encodeAndSink(driver, payload);
        } catch (InvalidDumplingPayloadException e) {
            // Counted in encodeAndSink; logged like any chef error, rate-limited.
            logRateLimited("made an invalid payload", e);
        }
    }

    private void encodeAndSink(DumplingDriver driver, Object payload) {
        Instant now = Instant.now();
        byte[] json;
        try {
            json = DumplingJson.toJsonBytes(new Dumpling(chefName, kitchenName,
                    now.getEpochSecond() + now.getNano() / 1e9, driver, payload));
        } catch (InvalidDumplingPayloadException e) {
            invalidPayloads.increment();
            throw e;
        }
        dumplings.increment();
        sink.accept(json);
    }

    private void failed(String method, Throwable e) {
        errors++;
        logRateLimited("threw in " + method, e);
    }

    private void logRateLimited(String what, Throwable e) {
        errorsSinceLog++;
        long now = System.nanoTime();
        if (now - lastErrorLog >= LOG_EVERY_NANOS) {
            if (e instanceof InvalidDumplingPayloadException) {
                // The message says it all; a stack trace would only point at the codec.
                LOG.warn("kitchen {}: chef {} {} ({} such problems since the last report): {}",
                        kitchenName, chefName, what, errorsSinceLog, e.getMessage());
            } else {
                LOG.warn("kitchen {}: chef {} {} ({} such problems since the last report)",
                        kitchenName, chefName, what, errorsSinceLog, e);
            }
            lastErrorLog = now;
            errorsSinceLog = 0;
        }
    }

    // ChefContext

    @Override
    public String kitchenName() {
        return kitchenName;
    }

    @Override
    public Duration pokeInterval() {
        return pokeInterval;
    }

    @Override
    public void send(DumplingDriver driver, Object payload) {
        requireNonNull(driver, "driver");
        if (payload != null) {
            encodeAndSink(driver, payload);
        }
    }
}
