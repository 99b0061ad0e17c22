package chefs.standard;

/**
 * Time as the packets tell it, for rates and idle timeouts: microseconds that advance by the
 * gap between each packet's capture time and the previous packet's. A step backwards (a
 * looping replay's new pass, or a packet out of order) adds nothing, so the clock never runs
 * back and a replay looping a short capture still measures the capture's own pace. For a
 * capture in time order, the clock's advance between two packets is their time difference.
 */
final class PacketClock {

    private long previous;
    private long clock;
    private boolean started;

    /**
     * @param time a packet's capture time, seconds since the epoch ({@code SniffedPacket.time()})
     * @return the clock after it, in microseconds (0 at the first packet)
     */
    long advance(double time) {
        long t = Math.round(time * 1e6);
        if (started && t > previous) {
            clock += t - previous;
        }
        started = true;
        previous = t;
        return clock;
    }

    /** @return the clock in microseconds (0 before the first packet) */
    long now() {
        return clock;
    }

    /** @return whether a packet has been seen */
    boolean started() {
        return started;
    }
}
