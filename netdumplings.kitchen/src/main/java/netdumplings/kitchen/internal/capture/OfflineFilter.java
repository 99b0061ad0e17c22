package netdumplings.kitchen.internal.capture;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * A BPF filter applied to the packets of a file, as libpcap applies it to a live capture:
 * compiled once per link type on a dead handle ({@code pcap_open_dead}) and run with
 * {@code pcap_offline_filter} on the packet's bytes where they lie in the mapped file.
 * Used by the reading thread only.
 */
final class OfflineFilter implements AutoCloseable {

    /** Snapshot length given to the compiler: libpcap's maximum. */
    private static final int SNAPLEN = 262144;

    private final Libpcap pcap;
    private final String filter;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment header;
    private final Map<Integer, MemorySegment> programs = new HashMap<>();
    private final Map<Integer, MemorySegment> deadHandles = new HashMap<>();

    OfflineFilter(String filter) {
        this.pcap = Libpcap.get();
        this.filter = filter;
        this.header = arena.allocate(Libpcap.PKTHDR_SIZE, 8);
    }

    /**
     * @return the program for a link type, compiled at its first use
     * @throws CaptureException {@code bad filter "..."} if it does not compile for it
     */
    MemorySegment program(int dlt) {
        MemorySegment program = programs.get(dlt);
        if (program == null) {
            MemorySegment dead;
            try {
                dead = (MemorySegment) pcap.openDead.invokeExact(dlt, SNAPLEN);
            } catch (Throwable t) {
                throw Libpcap.rethrow(t);
            }
            if (dead.equals(MemorySegment.NULL)) {
                throw new CaptureException("bad filter \"" + filter + "\": link type " + dlt + " unknown to libpcap",
                        false);
            }
            deadHandles.put(dlt, dead);
            program = pcap.compileFilter(dead, filter, arena);
            programs.put(dlt, program);
        }
        return program;
    }

    /** @return whether the packet passes the program */
    boolean accepts(MemorySegment program, MemorySegment data, int originalLength) {
        header.set(JAVA_INT, Libpcap.PKTHDR_CAPLEN, (int) data.byteSize());
        header.set(JAVA_INT, Libpcap.PKTHDR_LEN, originalLength);
        try {
            return (int) pcap.offlineFilter.invokeExact(program, header, data) != 0;
        } catch (Throwable t) {
            throw Libpcap.rethrow(t);
        }
    }

    @Override
    public void close() {
        for (MemorySegment program : programs.values()) {
            pcap.freeCode(program);
        }
        for (MemorySegment dead : deadHandles.values()) {
            pcap.closeHandle(dead);
        }
        programs.clear();
        deadHandles.clear();
        arena.close();
    }
}
