package netdumplings.kitchen.internal.capture;

import java.nio.file.Path;

/**
 * Where a kitchen's packets come from: a live interface ({@link LiveCapture}, libpcap
 * through FFM) or a capture file ({@link CaptureFile}, pcap or pcapng read from a
 * memory-mapped file). Read on one thread (the capture thread); {@link #breakLoop()} may be
 * called from any.
 */
public interface CaptureSource extends AutoCloseable {

    /** Receives the packets of {@link CaptureSource#read(Receiver)}, on the reading thread. */
    @FunctionalInterface
    interface Receiver {
        /**
         * @param epochSecond    capture time, whole seconds since the epoch
         * @param nanos          nanoseconds within that second
         * @param originalLength length on the wire
         * @param data           the captured bytes, a fresh array the receiver may keep
         * @param dlt            the packet's link-layer type (per interface in pcapng)
         */
        void packet(long epochSecond, int nanos, int originalLength, byte[] data, int dlt);
    }

    /**
     * Reads packets: a live capture returns after its read timeout or a kernel buffer's
     * worth of packets, a file at its end.
     *
     * @param receiver gets every packet read, in order
     * @return false when nothing more will come (end of the file, or {@link #breakLoop()})
     * @throws CaptureException with a one-line message on a read error, after every whole
     *         packet before it was received
     */
    boolean read(Receiver receiver);

    /** Makes a {@link #read} in progress return soon, and every later one return false. */
    void breakLoop();

    /** @return packets the kernel dropped (live: {@code pcap_stats}; 0 for a file) */
    long kernelDrops();

    /**
     * @return how much of a file is read, from 0 to 1, as seen from any thread (a moment
     *         late at most); NaN for a live capture
     */
    default double progress() {
        return Double.NaN;
    }

    /** Releases the source; idempotent, safe while another thread calls {@link #breakLoop()}. */
    @Override
    void close();

    /**
     * Opens a capture file (pcap or pcapng, any byte order and timestamp resolution,
     * several interfaces and link types).
     *
     * @param file   the file
     * @param filter a BPF filter applied to every packet, empty for none
     * @throws CaptureException if the file cannot be read or the filter does not compile
     */
    static CaptureSource openFile(Path file, String filter) {
        return CaptureFile.open(file, filter);
    }

    /**
     * Opens a live capture through libpcap.
     *
     * @param settings interface, filter, snapshot length and the rest
     * @throws CaptureException if the interface cannot be opened or the filter does not compile
     */
    static CaptureSource openLive(LiveCapture.Settings settings) {
        return LiveCapture.open(settings);
    }
}
