package netdumplings.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, for one recording thread. Keeps the first
 * {@code capacity} samples (enough for every run the command makes) and counts the rest.
 */
final class Latencies {

    private final long[] samples;
    private int size;
    private long count;

    /** @param capacity samples kept; positive */
    Latencies(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        samples = new long[capacity];
    }

    void record(long nanos) {
        if (size < samples.length) {
            samples[size++] = nanos;
        }
        count++;
    }

    /** @return every sample recorded, kept or not */
    long count() {
        return count;
    }

    /** Merges another recorder's kept samples into this one (as far as room allows). */
    void addAll(Latencies other) {
        int n = Math.min(other.size, samples.length - size);
        System.arraycopy(other.samples, 0, samples, size, n);
        size += n;
        count += other.count;
    }

    /**
     * @param fraction 0..1, e.g. 0.99
     * @return the sample at that rank in milliseconds, or NaN with no sample
     */
    double percentileMillis(double fraction) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(fraction * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, rank))] / 1e6;
    }
}
