package netdumplings.kitchen.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets pcap4j ready before anything touches it: finds libpcap, and loads pcap4j's packet
 * factory with the right class loader. Idempotent and thread-safe; call
 * {@link #ensureReady()} before the first use of any pcap4j class.
 */
public final class Pcap4jSupport {

    /** pcap4j's system property naming the native library it loads. */
    public static final String PCAP_LIB_NAME_PROPERTY = "org.pcap4j.core.pcapLibName";

    /** Where distributions put a versioned libpcap when no unversioned {@code libpcap.so} exists. */
    static final List<String> LIBPCAP_CANDIDATES = List.of(
            "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8",
            "/usr/lib/aarch64-linux-gnu/libpcap.so.0.8",
            "/usr/lib/libpcap.so.0.8",
            "/usr/lib/x86_64-linux-gnu/libpcap.so.1",
            "/usr/lib64/libpcap.so.1",
            "/usr/lib/libpcap.so.1",
            "/usr/lib/libpcap.dylib");

    private static final Logger LOG = LoggerFactory.getLogger(Pcap4jSupport.class);
    private static volatile boolean ready;

    private Pcap4jSupport() {
    }

    /** Makes libpcap loadable and pcap4j's static packet factory bound. */
    public static void ensureReady() {
        if (ready) {
            return;
        }
        synchronized (Pcap4jSupport.class) {
            if (ready) {
                return;
            }
            chooseLibpcap();
            bindPacketFactory();
            ready = true;
        }
    }

    private static void chooseLibpcap() {
        if (System.getProperty(PCAP_LIB_NAME_PROPERTY) != null) {
            return;
        }
        try {
            // pcap4j's default: JNA looks for "pcap", i.e. an unversioned libpcap.so.
            com.sun.jna.NativeLibrary.getInstance("pcap");
            return;
        } catch (UnsatisfiedLinkError e) {
            // Debian and others ship only libpcap.so.0.8 without the -dev package.
        }
        for (String candidate : LIBPCAP_CANDIDATES) {
            if (Files.isReadable(Path.of(candidate))) {
                System.setProperty(PCAP_LIB_NAME_PROPERTY, candidate);
                LOG.debug("libpcap: using {}", candidate);
                return;
            }
        }
        LOG.warn("libpcap not found (no libpcap.so, none of {}); set the system property {}",
                LIBPCAP_CANDIDATES, PCAP_LIB_NAME_PROPERTY);
    }

    /*
     * pcap4j finds its packet factory with ServiceLoader and the thread context class
     * loader, once, when PacketFactories is initialised. In OSGi that loader does not see
     * the factory, and every packet then silently becomes an UnknownPacket; so initialise
     * the class here with pcap4j's own class loader as context.
     */
    private static void bindPacketFactory() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader pcap4jLoader = org.pcap4j.packet.Packet.class.getClassLoader();
        thread.setContextClassLoader(pcap4jLoader);
        try {
            Class.forName("org.pcap4j.packet.factory.PacketFactories", true, pcap4jLoader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("pcap4j's PacketFactories is missing", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
