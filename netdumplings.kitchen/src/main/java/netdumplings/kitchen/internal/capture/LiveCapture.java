package netdumplings.kitchen.internal.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.util.Objects.requireNonNull;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A live capture: {@code pcap_create} and {@code pcap_activate} with snapshot length,
 * promiscuous mode, immediate mode, kernel buffer size, read timeout and nanosecond
 * timestamps; a BPF filter; {@code pcap_next_ex} per packet, whose bytes are copied from
 * libpcap's ring buffer into a {@code byte[]} (one FFM downcall, no JNA, per packet);
 * {@code pcap_stats} for the kernel's drops.
 * <p>
 * The handle is non-blocking and an idle read waits in {@code poll(2)} for at most the read
 * timeout: libpcap 1.10 on Linux, in immediate mode, keeps polling inside
 * {@code pcap_next_ex} until a packet comes, so a blocking read would never return on an
 * idle interface (and the kitchen would never hand on its last partial batch).
 */
public final class LiveCapture implements CaptureSource {

    /** Packets read per {@link #read} at most, so the kitchen flushes its batches regularly. */
    private static final int MAX_PACKETS_PER_READ = 4096;
    private static final short POLLIN = 1;

    /**
     * How to open a live capture.
     *
     * @param iface             the interface ({@code any} for every one)
     * @param filter            a BPF filter, empty for none
     * @param snaplen           bytes captured per packet
     * @param promiscuous       promiscuous mode
     * @param immediate         immediate mode: each packet is delivered at once, not when a
     *                          kernel buffer block fills
     * @param bufferBytes       the kernel buffer (libpcap's default is 2 MiB)
     * @param readTimeoutMillis how long a read waits for packets at most
     */
    public record Settings(String iface, String filter, int snaplen, boolean promiscuous, boolean immediate,
            int bufferBytes, int readTimeoutMillis) {
        /** Default kernel buffer: 32 MiB absorbs bursts of ~20 ms at 1 M packets/s of 1.5 kB. */
        public static final int DEFAULT_BUFFER_BYTES = 32 << 20;

        /** @throws NullPointerException if iface or filter is null */
        public Settings {
            requireNonNull(iface, "iface");
            requireNonNull(filter, "filter");
        }
    }

    private final Libpcap pcap;
    private final Settings settings;
    private final Arena arena;
    private final MemorySegment handle;
    private final MemorySegment headerPointer;
    private final MemorySegment dataPointer;
    private final MemorySegment stat;
    /** {@code struct pollfd} of the handle's selectable descriptor, for idle waits. */
    private final MemorySegment pollFd;
    private final int dlt;
    private final boolean nanoTimestamps;
    private volatile boolean broken;
    private boolean closed;
    private long lastDrops;

    private LiveCapture(Libpcap pcap, Settings settings, Arena arena, MemorySegment handle, boolean nano) {
        this.pcap = pcap;
        this.settings = settings;
        this.arena = arena;
        this.handle = handle;
        this.nanoTimestamps = nano;
        this.headerPointer = arena.allocate(ADDRESS);
        this.dataPointer = arena.allocate(ADDRESS);
        this.stat = arena.allocate(Libpcap.STAT_SIZE, 4);
        this.pollFd = arena.allocate(8, 4);
        try {
            this.dlt = (int) pcap.datalink.invokeExact(handle);
            int fd = (int) pcap.selectableFd.invokeExact(handle);
            pollFd.set(JAVA_INT, 0, fd);
            pollFd.set(JAVA_SHORT, 4, POLLIN);
        } catch (Throwable t) {
            throw Libpcap.rethrow(t);
        }
    }

    static LiveCapture open(Settings s) {
        Libpcap pcap = Libpcap.get();
        Arena arena = Arena.ofShared();
        MemorySegment handle = MemorySegment.NULL;
        boolean ok = false;
        try {
            MemorySegment errbuf = arena.allocate(Libpcap.ERRBUF_SIZE);
            handle = (MemorySegment) pcap.create.invokeExact(arena.allocateFrom(s.iface()), errbuf);
            if (handle.equals(MemorySegment.NULL)) {
                throw failure(s, Libpcap.oneLine(errbuf.getString(0)));
            }
            check(pcap, handle, s, (int) pcap.setSnaplen.invokeExact(handle, s.snaplen()));
            check(pcap, handle, s, (int) pcap.setPromisc.invokeExact(handle, s.promiscuous() ? 1 : 0));
            check(pcap, handle, s, (int) pcap.setImmediateMode.invokeExact(handle, s.immediate() ? 1 : 0));
            check(pcap, handle, s, (int) pcap.setBufferSize.invokeExact(handle, s.bufferBytes()));
            check(pcap, handle, s, (int) pcap.setTimeout.invokeExact(handle, s.readTimeoutMillis()));
            // Not every platform has nanosecond timestamps: then they are microseconds.
            boolean nano = (int) pcap.setTstampPrecision.invokeExact(handle, Libpcap.PCAP_TSTAMP_PRECISION_NANO) == 0;
            int rc = (int) pcap.activate.invokeExact(handle);
            if (rc < 0) {
                String error = pcap.error(handle);
                String message = rc == Libpcap.PCAP_ERROR_NO_SUCH_DEVICE ? "no such device"
                        : Libpcap.oneLine(error.isBlank() ? pcap.status(rc) : pcap.status(rc) + ": " + error);
                if (rc == Libpcap.PCAP_ERROR_NO_SUCH_DEVICE) {
                    throw new CaptureException("no network interface named " + s.iface(), false);
                }
                throw failure(s, message, rc == Libpcap.PCAP_ERROR_PERM_DENIED
                        || message.toLowerCase().contains("permi"));
            }
            if ((int) pcap.setnonblock.invokeExact(handle, 1, errbuf) != 0) {
                throw failure(s, Libpcap.oneLine(errbuf.getString(0)));
            }
            if (!s.filter().isEmpty()) {
                MemorySegment program = pcap.compileFilter(handle, s.filter(), arena);
                int set = (int) pcap.setfilter.invokeExact(handle, program);
                pcap.freeCode(program);
                if (set != 0) {
                    throw new CaptureException("bad filter \"" + s.filter() + "\": "
                            + Libpcap.oneLine(pcap.error(handle)), false);
                }
            }
            LiveCapture capture = new LiveCapture(pcap, s, arena, handle, nano);
            ok = true;
            return capture;
        } catch (CaptureException e) {
            throw e;
        } catch (Throwable t) {
            throw Libpcap.rethrow(t);
        } finally {
            if (!ok) {
                if (!handle.equals(MemorySegment.NULL)) {
                    pcap.closeHandle(handle);
                }
                arena.close();
            }
        }
    }

    private static void check(Libpcap pcap, MemorySegment handle, Settings s, int rc) {
        if (rc != 0) {
            throw failure(s, pcap.status(rc));
        }
    }

    private static CaptureException failure(Settings s, String message) {
        return failure(s, message, message.toLowerCase().contains("permi"));
    }

    private static CaptureException failure(Settings s, String message, boolean permission) {
        return new CaptureException("cannot capture on interface " + s.iface() + ": " + message, permission);
    }

    /** @return the link-layer type of the interface */
    public int dataLinkType() {
        return dlt;
    }

    @Override
    public boolean read(Receiver receiver) {
        for (int n = 0; n < MAX_PACKETS_PER_READ; n++) {
            if (broken) {
                return false;
            }
            int rc;
            try {
                rc = (int) pcap.nextEx.invokeExact(handle, headerPointer, dataPointer);
            } catch (Throwable t) {
                throw Libpcap.rethrow(t);
            }
            if (rc == 1) {
                deliver(receiver);
            } else if (rc == 0) {
                // Nothing buffered: hand on what was read, or else wait for packets.
                if (n == 0) {
                    awaitPackets();
                }
                return !broken;
            } else if (rc == -2) {
                return false; // pcap_breakloop
            } else {
                throw new CaptureException("error capturing on interface " + settings.iface() + ": "
                        + Libpcap.oneLine(pcap.error(handle)), false);
            }
        }
        return true;
    }

    /** Waits in poll(2) until packets are there, for at most the read timeout. */
    private void awaitPackets() {
        try {
            int ignored = (int) pcap.poll.invokeExact(pollFd, 1L, settings.readTimeoutMillis());
        } catch (Throwable t) {
            throw Libpcap.rethrow(t);
        }
    }

    private void deliver(Receiver receiver) {
        MemorySegment header = headerPointer.get(ADDRESS, 0).reinterpret(Libpcap.PKTHDR_SIZE);
        long seconds = header.get(JAVA_LONG, 0);
        long fraction = header.get(JAVA_LONG, 8);
        int caplen = header.get(JAVA_INT, Libpcap.PKTHDR_CAPLEN);
        int len = header.get(JAVA_INT, Libpcap.PKTHDR_LEN);
        byte[] data = new byte[caplen];
        MemorySegment.copy(dataPointer.get(ADDRESS, 0).reinterpret(caplen), JAVA_BYTE, 0, data, 0, caplen);
        receiver.packet(seconds, (int) (nanoTimestamps ? fraction : fraction * 1000), len, data, dlt);
    }

    @Override
    public synchronized void breakLoop() {
        broken = true;
        if (!closed) {
            try {
                pcap.breakloop.invokeExact(handle);
            } catch (Throwable t) {
                throw Libpcap.rethrow(t);
            }
        }
    }

    /** Synchronized: pcap_stats must not run twice at once, nor after pcap_close. */
    @Override
    public synchronized long kernelDrops() {
        if (!closed) {
            try {
                if ((int) pcap.stats.invokeExact(handle, stat) == 0) {
                    lastDrops = Libpcap.u32(stat, 4);
                }
            } catch (Throwable t) {
                throw Libpcap.rethrow(t);
            }
        }
        return lastDrops;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        kernelDrops();
        closed = true;
        pcap.closeHandle(handle);
        arena.close();
    }
}
