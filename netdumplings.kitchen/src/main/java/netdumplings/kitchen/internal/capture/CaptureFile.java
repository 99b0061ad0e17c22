package netdumplings.kitchen.internal.capture;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A pcap or pcapng file, memory-mapped and read in Java: each packet's bytes are copied
 * once, from the mapped file into the packet's {@code byte[]}.
 * <p>
 * Why not libpcap's reader: libpcap 1.10 refuses pcapng files whose interfaces differ in
 * snapshot length or link type, which Wireshark writes when capturing on several
 * interfaces (tshark reads them). This reader takes what tshark takes:
 * <ul>
 * <li>pcap: both byte orders, microsecond ({@code a1b2c3d4}) and nanosecond
 * ({@code a1b23c4d}) timestamps, and the modified format of old Red Hat tcpdumps
 * ({@code a1b2cd34});</li>
 * <li>pcapng: several sections (each with its byte order), several interfaces, each with
 * its link type, {@code if_tsresol} and {@code if_tsoffset}; enhanced, simple and obsolete
 * packet blocks; every other block skipped.</li>
 * </ul>
 * A file that ends inside a packet (or has a corrupt block) gives every whole packet
 * before, then a {@link CaptureException} with one line saying where. A BPF filter is run
 * by libpcap on the mapped bytes ({@link OfflineFilter}).
 */
public final class CaptureFile implements CaptureSource {

    private static final int PCAP_MICRO = 0xa1b2c3d4;
    private static final int PCAP_NANO = 0xa1b23c4d;
    private static final int PCAP_MODIFIED = 0xa1b2cd34;
    private static final int PCAPNG_SHB = 0x0a0d0d0a;
    private static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int BLOCK_IDB = 1;
    private static final int BLOCK_PB = 2;
    private static final int BLOCK_SPB = 3;
    private static final int BLOCK_EPB = 6;
    private static final int OPTION_IF_TSRESOL = 9;
    private static final int OPTION_IF_TSOFFSET = 14;
    /** Larger than any real packet (libpcap's maximum snapshot length is 256 KiB). */
    private static final int MAX_PACKET_BYTES = 16 << 20;

    private final Path file;
    private final Arena arena;
    private final MemorySegment map;
    private final long size;
    private final boolean pcapng;
    private final OfflineFilter filter;
    private volatile boolean broken;
    private boolean closed;

    // Reading position and the current section's state (reading thread only).
    private long position;
    /**
     * {@link #position}, published for {@link #progress()} on other threads with opaque
     * stores: on x86 a plain store, so the reading loop pays nothing for the progress line.
     */
    @SuppressWarnings("unused") // through PUBLISHED
    private long published;
    private static final java.lang.invoke.VarHandle PUBLISHED;

    static {
        try {
            PUBLISHED = java.lang.invoke.MethodHandles.lookup().findVarHandle(CaptureFile.class, "published",
                    long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private ValueLayout.OfInt u32;
    private ValueLayout.OfShort u16;
    private ValueLayout.OfLong u64;
    // pcap
    private int pcapDlt;
    private boolean pcapNanos;
    private int pcapRecordHeader;
    private MemorySegment pcapProgram;
    // pcapng
    private final List<Interface> interfaces = new ArrayList<>();

    /** A pcapng interface: link type, snapshot length, timestamp units per second, offset. */
    private record Interface(int dlt, long snaplen, long unitsPerSecond, long offsetSeconds, MemorySegment program) {
    }

    private CaptureFile(Path file, Arena arena, MemorySegment map, boolean pcapng, OfflineFilter filter) {
        this.file = file;
        this.arena = arena;
        this.map = map;
        this.size = map.byteSize();
        this.pcapng = pcapng;
        this.filter = filter;
    }

    /**
     * @param file   a pcap or pcapng file
     * @param filter a BPF filter, empty for none
     * @return the file, positioned at its first packet
     * @throws CaptureException if it is missing, unreadable, neither pcap nor pcapng, or the
     *         filter does not compile for its (first) link type
     */
    static CaptureFile open(Path file, String filter) {
        if (!Files.isRegularFile(file)) {
            throw new CaptureException("capture file " + file + " does not exist", false);
        }
        if (!Files.isReadable(file)) {
            throw new CaptureException("capture file " + file + " is not readable", false);
        }
        Arena arena = Arena.ofShared();
        CaptureFile result = null;
        OfflineFilter offlineFilter = null;
        try {
            MemorySegment map;
            try (FileChannel channel = FileChannel.open(file)) {
                map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            } catch (IOException e) {
                throw new CaptureException("cannot read capture file " + file + ": " + Libpcap.oneLine(e.getMessage()),
                        false);
            }
            if (map.byteSize() < 4) {
                throw new CaptureException("cannot read capture file " + file + ": too short for a pcap or pcapng file",
                        false);
            }
            int magic = map.get(JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0);
            int swapped = Integer.reverseBytes(magic);
            boolean ng = magic == PCAPNG_SHB;
            if (!ng && !isPcapMagic(magic) && !isPcapMagic(swapped)) {
                throw new CaptureException("cannot read capture file " + file + ": not a pcap or pcapng file (magic 0x"
                        + Integer.toHexString(magic) + ")", false);
            }
            offlineFilter = filter.isEmpty() ? null : new OfflineFilter(filter);
            result = new CaptureFile(file, arena, map, ng, offlineFilter);
            result.rewind();
            return result;
        } finally {
            if (result == null) {
                if (offlineFilter != null) {
                    offlineFilter.close();
                }
                arena.close();
            }
        }
    }

    private static boolean isPcapMagic(int magic) {
        return magic == PCAP_MICRO || magic == PCAP_NANO || magic == PCAP_MODIFIED;
    }

    private void order(ByteOrder order) {
        u32 = JAVA_INT_UNALIGNED.withOrder(order);
        u16 = JAVA_SHORT_UNALIGNED.withOrder(order);
        u64 = JAVA_LONG_UNALIGNED.withOrder(order);
    }

    /** Reads the file header (pcap) or the first section's header and interfaces (pcapng). */
    private void rewind() {
        position = 0;
        interfaces.clear();
        if (pcapng) {
            // The first interface comes right after the section header in practice: read up
            // to it, so a filter that does not compile for its link type fails at open.
            readSectionHeader();
            while (interfaces.isEmpty() && position + 8 <= size && map.get(u32, position) != BLOCK_EPB
                    && map.get(u32, position) != BLOCK_SPB && map.get(u32, position) != BLOCK_PB) {
                if (!block(null)) {
                    break;
                }
            }
        } else {
            ByteOrder order = map.get(JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0) == PCAP_MICRO
                    || map.get(JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0) == PCAP_NANO
                    || map.get(JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0) == PCAP_MODIFIED
                            ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            order(order);
            if (size < 24) {
                throw error("truncated file header (" + size + " of 24 bytes)");
            }
            int magic = map.get(u32, 0);
            pcapNanos = magic == PCAP_NANO;
            pcapRecordHeader = magic == PCAP_MODIFIED ? 24 : 16;
            // The link type is the low 16 bits; the upper ones may carry FCS information.
            pcapDlt = dlt(map.get(u32, 20) & 0xffff);
            pcapProgram = filter == null ? null : filter.program(pcapDlt);
            position = 24;
        }
    }

    @Override
    public boolean read(Receiver receiver) {
        if (pcapng) {
            while (!broken && position < size) {
                block(receiver);
                PUBLISHED.setOpaque(this, position);
            }
        } else {
            readPcap(receiver);
        }
        return false;
    }

    private void readPcap(Receiver receiver) {
        final MemorySegment m = map;
        final ValueLayout.OfInt le = u32;
        final long end = size;
        final int recordHeader = pcapRecordHeader;
        long at = position;
        while (!broken && at < end) {
            if (at + recordHeader > end) {
                position = at;
                throw error("truncated packet header at byte " + at + " (" + (end - at) + " of " + recordHeader
                        + " bytes)");
            }
            long seconds = Integer.toUnsignedLong(m.get(le, at));
            int fraction = m.get(le, at + 4);
            int caplen = m.get(le, at + 8);
            int len = m.get(le, at + 12);
            long data = at + recordHeader;
            if (caplen < 0 || caplen > MAX_PACKET_BYTES) {
                position = at;
                throw error("bad packet length " + Integer.toUnsignedString(caplen) + " at byte " + at);
            }
            if (data + caplen > end) {
                position = at;
                throw error("truncated packet at byte " + at + " (" + (end - data) + " of " + caplen + " bytes)");
            }
            at = data + caplen;
            position = at;
            PUBLISHED.setOpaque(this, at);
            if (pcapProgram != null && !filter.accepts(pcapProgram, m.asSlice(data, caplen), len)) {
                continue;
            }
            byte[] bytes = new byte[caplen];
            MemorySegment.copy(m, JAVA_BYTE, data, bytes, 0, caplen);
            long nanos = pcapNanos ? Integer.toUnsignedLong(fraction) : Integer.toUnsignedLong(fraction) * 1000;
            if (nanos >= 1_000_000_000L) { // as tshark: an out-of-range fraction carries into the seconds
                seconds += nanos / 1_000_000_000L;
                nanos %= 1_000_000_000L;
            }
            receiver.packet(seconds, (int) nanos, len, bytes, pcapDlt);
        }
    }

    /** Reads the section header block at the position (setting the byte order). */
    private void readSectionHeader() {
        long at = position;
        if (at + 28 > size) {
            throw error("truncated section header at byte " + at);
        }
        int bom = map.get(JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), at + 8);
        if (bom == PCAPNG_BYTE_ORDER_MAGIC) {
            order(ByteOrder.BIG_ENDIAN);
        } else if (Integer.reverseBytes(bom) == PCAPNG_BYTE_ORDER_MAGIC) {
            order(ByteOrder.LITTLE_ENDIAN);
        } else {
            throw error("bad byte-order magic in the section header at byte " + at);
        }
        long length = Integer.toUnsignedLong(map.get(u32, at + 4));
        checkBlockLength(at, length, 28);
        interfaces.clear();
        position = at + length;
    }

    private void checkBlockLength(long at, long length, long minimum) {
        if (length < minimum || (length & 3) != 0) {
            throw error("bad block length " + length + " at byte " + at);
        }
        if (at + length > size) {
            throw error("truncated block at byte " + at + " (" + (size - at) + " of " + length + " bytes)");
        }
    }

    /**
     * Reads the block at the position: interfaces are recorded, packets handed to the
     * receiver (none when it is null: only interfaces are wanted), the rest skipped.
     *
     * @return false if the block is a packet and no receiver was given (position unchanged)
     */
    private boolean block(Receiver receiver) {
        long at = position;
        if (at + 12 > size) {
            throw error("truncated block header at byte " + at + " (" + (size - at) + " bytes left)");
        }
        int type = map.get(u32, at);
        if (type == PCAPNG_SHB) {
            readSectionHeader();
            return true;
        }
        long length = Integer.toUnsignedLong(map.get(u32, at + 4));
        checkBlockLength(at, length, 12);
        switch (type) {
            case BLOCK_IDB -> readInterface(at, length);
            case BLOCK_EPB, BLOCK_PB -> {
                if (receiver == null) {
                    return false;
                }
                checkBlockLength(at, length, 32);
                // The obsolete packet block has a 16-bit interface id (then a drops count).
                int interfaceId = type == BLOCK_EPB ? map.get(u32, at + 8) : Short.toUnsignedInt(map.get(u16, at + 8));
                long ts = (Integer.toUnsignedLong(map.get(u32, at + 12)) << 32)
                        | Integer.toUnsignedLong(map.get(u32, at + 16));
                packet(receiver, at, length, interfaceId, ts, at + 28, Integer.toUnsignedLong(map.get(u32, at + 20)),
                        map.get(u32, at + 24));
            }
            case BLOCK_SPB -> {
                if (receiver == null) {
                    return false;
                }
                checkBlockLength(at, length, 16);
                int len = map.get(u32, at + 8);
                long caplen = Math.min(Integer.toUnsignedLong(len), length - 16);
                if (!interfaces.isEmpty() && interfaces.get(0).snaplen() > 0) {
                    caplen = Math.min(caplen, interfaces.get(0).snaplen());
                }
                // A simple packet block has no timestamp: tshark shows it at 0.
                packet(receiver, at, length, 0, Long.MIN_VALUE, at + 12, caplen, len);
            }
            default -> {
                // Name resolution, statistics, decryption secrets, custom blocks...: not packets.
            }
        }
        position = at + length;
        return true;
    }

    private void readInterface(long at, long length) {
        if (length < 20) {
            throw error("bad interface description block length " + length + " at byte " + at);
        }
        int dlt = dlt(Short.toUnsignedInt(map.get(u16, at + 8)));
        long snaplen = Integer.toUnsignedLong(map.get(u32, at + 12));
        long units = 1_000_000;
        long offset = 0;
        long option = at + 16;
        long end = at + length - 4;
        while (option + 4 <= end) {
            int code = Short.toUnsignedInt(map.get(u16, option));
            int optionLength = Short.toUnsignedInt(map.get(u16, option + 2));
            if (code == 0 || option + 4 + optionLength > end) {
                break;
            }
            if (code == OPTION_IF_TSRESOL && optionLength >= 1) {
                int resolution = map.get(JAVA_BYTE, option + 4) & 0xff;
                int exponent = resolution & 0x7f;
                if ((resolution & 0x80) != 0) {
                    if (exponent > 62) {
                        throw error("unsupported if_tsresol 2^-" + exponent + " at byte " + at);
                    }
                    units = 1L << exponent;
                } else {
                    if (exponent > 18) {
                        throw error("unsupported if_tsresol 10^-" + exponent + " at byte " + at);
                    }
                    units = 1;
                    for (int i = 0; i < exponent; i++) {
                        units *= 10;
                    }
                }
            } else if (code == OPTION_IF_TSOFFSET && optionLength >= 8) {
                offset = map.get(u64, option + 4);
            }
            option += 4 + ((optionLength + 3) & ~3);
        }
        interfaces.add(new Interface(dlt, snaplen, units, offset, filter == null ? null : filter.program(dlt)));
    }

    private void packet(Receiver receiver, long at, long length, int interfaceId, long ts, long data, long caplen,
            int len) {
        if (interfaceId < 0 || interfaceId >= interfaces.size()) {
            throw error("packet at byte " + at + " names interface " + Integer.toUnsignedString(interfaceId)
                    + ", the section describes " + interfaces.size());
        }
        if (data + caplen > at + length - 4) {
            throw error("packet at byte " + at + " is longer (" + caplen + " bytes) than its block");
        }
        Interface iface = interfaces.get(interfaceId);
        if (iface.program() != null && !filter.accepts(iface.program(), map.asSlice(data, caplen), len)) {
            return;
        }
        long seconds;
        long nanos;
        if (ts == Long.MIN_VALUE) {
            seconds = 0;
            nanos = 0;
        } else {
            long units = iface.unitsPerSecond();
            seconds = Long.divideUnsigned(ts, units) + iface.offsetSeconds();
            long rest = Long.remainderUnsigned(ts, units);
            if (units == 1_000_000_000L) {
                nanos = rest;
            } else if (units < 1_000_000_000L && 1_000_000_000L % units == 0) {
                nanos = rest * (1_000_000_000L / units);
            } else if (rest < Long.MAX_VALUE / 1_000_000_000L) {
                nanos = rest * 1_000_000_000L / units;
            } else {
                nanos = (long) ((double) rest / units * 1e9); // finer than 1 ns, or binary units
            }
        }
        byte[] bytes = new byte[(int) caplen];
        MemorySegment.copy(map, JAVA_BYTE, data, bytes, 0, (int) caplen);
        receiver.packet(seconds, (int) nanos, len, bytes, iface.dlt());
    }

    /**
     * The DLT libpcap reports for a file's LINKTYPE (its {@code linktype_to_dlt}): they
     * differ only for a few old types, of which raw IP matters here.
     */
    static int dlt(int linktype) {
        return switch (linktype) {
            case 100 -> 11; // LINKTYPE_ATM_RFC1483 -> DLT_ATM_RFC1483
            case 101 -> 12; // LINKTYPE_RAW -> DLT_RAW
            default -> linktype;
        };
    }

    private CaptureException error(String what) {
        return new CaptureException("error reading capture file " + file + ": " + what, false);
    }

    @Override
    public void breakLoop() {
        broken = true;
    }

    @Override
    public double progress() {
        return size == 0 ? 1 : Math.min(1, (long) PUBLISHED.getOpaque(this) / (double) size);
    }

    @Override
    public long kernelDrops() {
        return 0;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (filter != null) {
            filter.close();
        }
        arena.close();
    }
}
