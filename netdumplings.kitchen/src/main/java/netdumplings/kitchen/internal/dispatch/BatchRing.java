package netdumplings.kitchen.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded single-producer single-consumer queue of packet batches: the capture thread
 * offers, one chef's worker polls. No locks and no signalling: publishing is a volatile
 * store of the tail, taking a release store of the head (waking the consumer is
 * {@link ChefWorker}'s business, and it does that rarely). Each side keeps its own cached
 * copy of the other's index, so the shared lines are read only when the cache says full
 * (producer) or empty (consumer).
 */
public final class BatchRing {

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(BatchRing.class, "head", long.class);
            TAIL = lookup.findVarHandle(BatchRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final PacketBatch[] slots;
    /** Next slot to take; written by the consumer only. */
    @SuppressWarnings("unused") // through HEAD
    private volatile long head;
    /** Next slot to fill; written by the producer only. */
    @SuppressWarnings("unused") // through TAIL
    private volatile long tail;
    /** Producer only: the head as last read. */
    private long headSeen;
    /** Consumer only: the tail as last read. */
    private long tailSeen;

    /** @param capacity batches held at most (at least 1) */
    public BatchRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        slots = new PacketBatch[capacity];
    }

    /** Producer only. @return whether the batch was queued (false: full) */
    public boolean offer(PacketBatch batch) {
        long t = (long) TAIL.getOpaque(this);
        if (t - headSeen >= slots.length) {
            headSeen = (long) HEAD.getAcquire(this);
            if (t - headSeen >= slots.length) {
                return false;
            }
        }
        slots[(int) (t % slots.length)] = batch;
        // A volatile store, not just release: with the worker's sleeping flag it forms a
        // Dekker pair (store mine, then load yours), which needs the full fence.
        TAIL.setVolatile(this, t + 1);
        return true;
    }

    /** Consumer only. @return the oldest batch, or null if none */
    public PacketBatch poll() {
        long h = (long) HEAD.getOpaque(this);
        if (h >= tailSeen) {
            tailSeen = (long) TAIL.getAcquire(this);
            if (h >= tailSeen) {
                return null;
            }
        }
        int slot = (int) (h % slots.length);
        PacketBatch batch = slots[slot];
        slots[slot] = null; // let the packets go as soon as this chef is done with them
        HEAD.setRelease(this, h + 1);
        return batch;
    }

    /** @return batches held at most */
    public int capacity() {
        return slots.length;
    }

    /** @return batches queued now (exact from either side's thread, a snapshot elsewhere) */
    public int size() {
        // Full volatile reads: the worker's "about to sleep" check must not be reordered
        // before its volatile write of the sleeping flag.
        return (int) (tail - head);
    }
}
