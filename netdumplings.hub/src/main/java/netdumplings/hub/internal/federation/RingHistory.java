package netdumplings.hub.internal.federation;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The history of a hub without NATS: the last {@code capacity} dumplings, in memory.
 * {@link #append} gives a dumpling the next offset, stamps it and hands it to the
 * fan-out, all under one lock, so that the eaters get dumplings in offset order and a
 * replay sees exactly those before the ones it holds back (the lock is uncontended with
 * one kitchen; several kitchens take turns, as they would for a single writer). The
 * epoch is random per hub start: offsets of a previous run are unknown to this one.
 */
public final class RingHistory implements History {

    private record Entry(long offset, long receivedMillis, ByteBuffer json, String chefToken) {
    }

    private final Entry[] ring;
    private final String epoch;
    /** Offset of the last appended dumpling; guarded by {@code this}. */
    private long last;

    /** @param capacity how many dumplings to keep, positive */
    public RingHistory(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("history_size must be positive, not " + capacity);
        }
        this.ring = new Entry[capacity];
        this.epoch = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    }

    /**
     * Stamps a dumpling with the next offset, keeps it, and hands it to {@code sink}.
     *
     * @param json      the dumpling as its kitchen sent it (its array is not changed)
     * @param chefToken its chef as a subject token ({@link Subjects#token})
     */
    public void append(byte[] json, String chefToken, NatsFederation.Sink sink) {
        long now = System.currentTimeMillis();
        synchronized (this) {
            long offset = ++last;
            ByteBuffer stamped = ByteBuffer.wrap(Offsets.stamp(json, offset, epoch));
            ring[(int) (offset % ring.length)] = new Entry(offset, now, stamped, chefToken);
            sink.deliver(stamped, offset, chefToken);
        }
    }

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public synchronized long lastOffset() {
        return last;
    }

    @Override
    public synchronized long firstOffset() {
        return Math.max(1, last - ring.length + 1);
    }

    @Override
    public void replay(long from, double sinceSeconds, long to, Replayed each) {
        List<Entry> wanted = new ArrayList<>();
        synchronized (this) {
            long first = Math.max(Math.max(1, last - ring.length + 1), from);
            long upTo = Math.min(to, last);
            long sinceMillis = Double.isNaN(sinceSeconds) ? Long.MIN_VALUE : (long) Math.ceil(sinceSeconds * 1000);
            for (long offset = first; offset <= upTo; offset++) {
                Entry e = ring[(int) (offset % ring.length)];
                if (e != null && e.offset() == offset && e.receivedMillis() >= sinceMillis) {
                    wanted.add(e);
                }
            }
        }
        for (Entry e : wanted) {
            if (!each.accept(e.offset(), e.json().duplicate(), e.chefToken())) {
                return;
            }
        }
    }
}
