package netdumplings.kitchen.internal.capture;

/**
 * When each packet of a replayed file is due: the recorded gap before it (capped at a
 * maximum; a backwards step in the file's timestamps counts as none), divided by the
 * speed. Due times are kept relative to the start of the pass, so the inaccuracy of
 * sleeping does not add up over a long file. Used on the capture thread only.
 */
public final class ReplayPacing {

    private final double speed;
    private final long maxGapNanos;
    private long previousPacketNanos = Long.MIN_VALUE;
    private long offsetNanos;
    private long startNanos;

    /**
     * @param speed       how much faster than recorded; positive
     * @param maxGapNanos the longest recorded gap honoured ({@link Long#MAX_VALUE}: all)
     * @throws IllegalArgumentException if speed is not positive or maxGapNanos is negative
     */
    public ReplayPacing(double speed, long maxGapNanos) {
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be positive, not " + speed);
        }
        if (maxGapNanos < 0) {
            throw new IllegalArgumentException("maxGapNanos must not be negative, not " + maxGapNanos);
        }
        this.speed = speed;
        this.maxGapNanos = maxGapNanos;
    }

    /** A new pass over the file begins: its first packet is due at once. */
    public void restart() {
        previousPacketNanos = Long.MIN_VALUE;
    }

    /**
     * @param packetEpochNanos the packet's capture time, in nanoseconds since the epoch
     * @param nowNanos         {@link System#nanoTime()} now
     * @return the {@link System#nanoTime()} at which the packet is due (now, for the first
     *         packet of a pass)
     */
    public long due(long packetEpochNanos, long nowNanos) {
        if (previousPacketNanos == Long.MIN_VALUE) {
            previousPacketNanos = packetEpochNanos;
            offsetNanos = 0;
            startNanos = nowNanos;
            return nowNanos;
        }
        long gap = Math.min(Math.max(0, packetEpochNanos - previousPacketNanos), maxGapNanos);
        previousPacketNanos = packetEpochNanos;
        offsetNanos += gap;
        return startNanos + (long) (offsetNanos / speed);
    }
}
