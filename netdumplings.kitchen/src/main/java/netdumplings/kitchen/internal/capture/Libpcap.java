package netdumplings.kitchen.internal.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The dozen libpcap functions the kitchen calls, bound once through the Foreign Function
 * &amp; Memory API (no JNA crossing per packet). Only what the capture sources need:
 * opening and activating a live handle, BPF filters (also for files, through a dead
 * handle), reading the next packet, statistics, errors, and closing.
 * <p>
 * The layouts are those of Linux and the BSDs on 64-bit machines ({@code struct timeval}
 * of two longs in {@code struct pcap_pkthdr}).
 */
public final class Libpcap {

    /** libpcap's PCAP_ERRBUF_SIZE. */
    static final int ERRBUF_SIZE = 256;
    /** {@code struct pcap_pkthdr}: timeval (2 x long), caplen, len. */
    static final long PKTHDR_SIZE = 24;
    static final long PKTHDR_CAPLEN = 16;
    static final long PKTHDR_LEN = 20;
    /** {@code struct bpf_program}: u_int bf_len, padding, struct bpf_insn *bf_insns. */
    static final long BPF_PROGRAM_SIZE = 16;
    /** {@code struct pcap_stat}: ps_recv, ps_drop, ps_ifdrop (u_int each). */
    static final long STAT_SIZE = 12;
    static final int PCAP_ERROR_NO_SUCH_DEVICE = -5;
    static final int PCAP_ERROR_PERM_DENIED = -8;
    static final int PCAP_TSTAMP_PRECISION_NANO = 1;
    static final int PCAP_NETMASK_UNKNOWN = 0xffffffff;

    /** Where libpcap may be: the soname first, then the names distributions use. */
    static final List<String> LIBRARY_NAMES = List.of("libpcap.so.1", "libpcap.so.0.8", "libpcap.so",
            "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8", "/usr/lib/aarch64-linux-gnu/libpcap.so.0.8",
            "/usr/lib64/libpcap.so.1", "/usr/lib/libpcap.so.1", "libpcap.dylib", "/usr/lib/libpcap.A.dylib");

    private static volatile Libpcap instance;
    private static volatile String loadFailure;

    final MethodHandle create;
    final MethodHandle setSnaplen;
    final MethodHandle setPromisc;
    final MethodHandle setImmediateMode;
    final MethodHandle setBufferSize;
    final MethodHandle setTimeout;
    final MethodHandle setTstampPrecision;
    final MethodHandle activate;
    final MethodHandle statustostr;
    final MethodHandle datalink;
    final MethodHandle compile;
    final MethodHandle setfilter;
    final MethodHandle freecode;
    final MethodHandle nextEx;
    final MethodHandle stats;
    final MethodHandle geterr;
    final MethodHandle breakloop;
    final MethodHandle close;
    final MethodHandle openDead;
    final MethodHandle offlineFilter;
    final MethodHandle libVersion;
    final MethodHandle setnonblock;
    final MethodHandle selectableFd;
    /** libc's {@code poll}, to wait for packets with a timeout libpcap honours on no platform alike. */
    final MethodHandle poll;

    private Libpcap(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        create = bind(linker, lib, "pcap_create", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        setSnaplen = bind(linker, lib, "pcap_set_snaplen", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setPromisc = bind(linker, lib, "pcap_set_promisc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setImmediateMode = bind(linker, lib, "pcap_set_immediate_mode",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setBufferSize = bind(linker, lib, "pcap_set_buffer_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setTimeout = bind(linker, lib, "pcap_set_timeout", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        setTstampPrecision = bind(linker, lib, "pcap_set_tstamp_precision",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        activate = bind(linker, lib, "pcap_activate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        statustostr = bind(linker, lib, "pcap_statustostr", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        datalink = bind(linker, lib, "pcap_datalink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        compile = bind(linker, lib, "pcap_compile",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
        setfilter = bind(linker, lib, "pcap_setfilter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        freecode = bind(linker, lib, "pcap_freecode", FunctionDescriptor.ofVoid(ADDRESS));
        nextEx = bind(linker, lib, "pcap_next_ex", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        stats = bind(linker, lib, "pcap_stats", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        geterr = bind(linker, lib, "pcap_geterr", FunctionDescriptor.of(ADDRESS, ADDRESS));
        breakloop = bind(linker, lib, "pcap_breakloop", FunctionDescriptor.ofVoid(ADDRESS));
        close = bind(linker, lib, "pcap_close", FunctionDescriptor.ofVoid(ADDRESS));
        openDead = bind(linker, lib, "pcap_open_dead", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT));
        // A pure function over the packet bytes: critical (no thread state change), and
        // allowed to read a heap array directly.
        offlineFilter = linker.downcallHandle(lib.find("pcap_offline_filter").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), Linker.Option.critical(true));
        libVersion = bind(linker, lib, "pcap_lib_version", FunctionDescriptor.of(ADDRESS));
        setnonblock = bind(linker, lib, "pcap_setnonblock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        selectableFd = bind(linker, lib, "pcap_get_selectable_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        poll = bind(linker, linker.defaultLookup(), "poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name)
                .orElseThrow(() -> new IllegalStateException("no native function " + name));
        return linker.downcallHandle(symbol, fd);
    }

    /**
     * @return libpcap, loaded and bound at the first call
     * @throws CaptureException (one line) if libpcap cannot be found or bound
     */
    public static Libpcap get() {
        Libpcap l = instance;
        if (l != null) {
            return l;
        }
        synchronized (Libpcap.class) {
            if (instance == null && loadFailure == null) {
                List<String> tried = new ArrayList<>();
                for (String name : LIBRARY_NAMES) {
                    if (name.startsWith("/") && !Files.isReadable(Path.of(name))) {
                        continue;
                    }
                    try {
                        instance = new Libpcap(SymbolLookup.libraryLookup(name, Arena.global()));
                        break;
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        tried.add(name);
                    }
                }
                if (instance == null) {
                    loadFailure = "libpcap not found (tried " + String.join(", ", tried)
                            + "): install it (apt-get install libpcap0.8)";
                }
            }
            if (instance == null) {
                throw new CaptureException(loadFailure, false);
            }
            return instance;
        }
    }

    /** @return libpcap's version string, e.g. {@code libpcap version 1.10.3 (with TPACKET_V3)} */
    public String version() {
        try {
            return string((MemorySegment) libVersion.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @return the C string at an address returned by libpcap (empty for NULL) */
    static String string(MemorySegment cString) {
        if (cString.equals(MemorySegment.NULL)) {
            return "";
        }
        return cString.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** @return {@code pcap_geterr(p)} */
    String error(MemorySegment pcap) {
        try {
            return string((MemorySegment) geterr.invokeExact(pcap));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @return {@code pcap_statustostr(status)} */
    String status(int status) {
        try {
            return string((MemorySegment) statustostr.invokeExact(status));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Compiles a BPF filter on a handle (live or dead) into a {@code struct bpf_program}
     * allocated in the arena; free it with {@link #freeCode}.
     *
     * @throws CaptureException {@code bad filter "..."} (one line) if it does not compile
     */
    MemorySegment compileFilter(MemorySegment pcap, String filter, Arena arena) {
        MemorySegment program = arena.allocate(BPF_PROGRAM_SIZE, 8);
        try {
            int rc = (int) compile.invokeExact(pcap, program, arena.allocateFrom(filter), 1, PCAP_NETMASK_UNKNOWN);
            if (rc != 0) {
                throw new CaptureException("bad filter \"" + filter + "\": " + oneLine(error(pcap)), false);
            }
        } catch (CaptureException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return program;
    }

    void freeCode(MemorySegment program) {
        try {
            freecode.invokeExact(program);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void closeHandle(MemorySegment pcap) {
        try {
            close.invokeExact(pcap);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static String oneLine(String message) {
        return message == null || message.isBlank() ? "unknown error" : message.replaceAll("\\s+", " ").trim();
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** Reads an unsigned C int. */
    static long u32(MemorySegment s, long offset) {
        return Integer.toUnsignedLong(s.get(JAVA_INT, offset));
    }

    /** Reads a C long (64-bit here). */
    static long cLong(MemorySegment s, long offset) {
        return s.get(JAVA_LONG, offset);
    }
}
