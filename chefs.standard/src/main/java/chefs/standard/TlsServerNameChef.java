package chefs.standard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import netdumplings.api.ChefContext;
import netdumplings.api.DumplingChef;
import netdumplings.api.Ip;
import netdumplings.api.SniffedPacket;
import netdumplings.api.Tcp;

/**
 * The server name (SNI) of every TLS ClientHello: which sites are visited over TLS 1.0 to
 * 1.3 (RFC 8446 section 4.1.2, RFC 6066 section 3), on any TCP port.
 * <p>
 * A ClientHello is a TCP payload starting with a handshake record (content type 22, record
 * version 0x0300 to 0x0304: RFC 5246 appendix E.1 lets a client's first record say 0x0300)
 * whose first message is a ClientHello (type 1). A ClientHello split over several TCP
 * segments is put together per connection, in a bounded buffer (at most
 * {@link Config#max__pending__hellos()} connections at once, each hello at most
 * {@link Config#max__hello__bytes()}); one that cannot be put together (a segment missing or
 * out of order, the capture cutting a segment short, too long, evicted, still unfinished
 * when another starts {@value #PENDING_SECONDS} s after it, or spread over more than one
 * record) or cannot be read is counted as {@code skipped}, never reported in part.
 * <p>
 * A packet dumpling for every ClientHello read:
 * <pre>{@code
 * {"tls_client_hello": {"server_name": "www.gstatic.com", "version": "TLS 1.3",
 *                       "client": "10.0.0.1:51234", "server": "1.2.3.4:443",
 *                       "alpn": ["h2", "http/1.1"], "when": 1601448819.986209}}
 * }</pre>
 * {@code server_name} is the first host_name of the server_name extension, left out when
 * the hello has none; bytes other than printable ASCII are written as {@code \xNN}.
 * {@code version} is the highest entry of the supported_versions extension when there is
 * one (as TLS 1.3 clients send), else the ClientHello's own version: {@code SSL 3.0},
 * {@code TLS 1.0} to {@code TLS 1.3}, {@code TLS 1.3 (draft 28)} for a draft, else
 * {@code 0x....}. {@code alpn} (the protocols offered, in order) is left out without the
 * ALPN extension. GREASE values (RFC 8701) are never reported. IPv6 endpoints are written
 * {@code [2001:db8::1]:443}; {@code when} is the capture time of the segment that completed
 * the hello.
 * <p>
 * Every interval, the server names seen since the chef started, with how many hellos named
 * each and when the latest was seen, and the totals:
 * <pre>{@code
 * {"tls_server_names": {"www.gstatic.com": {"count": 2, "latest": 1420290320.640785}},
 *  "client_hellos": 3, "without_server_name": 1, "skipped": 0, "names_forgotten": 0}
 * }</pre>
 * At most {@link Config#max__names()} names are kept: the one seen least recently is
 * forgotten first, and counted in {@code names_forgotten}.
 */
// PROTOTYPE: each kitchen gets an instance (and state) of its own; a kitchen calls it from
// one thread at a time.
@Component(service = DumplingChef.class, configurationPid = TlsServerNameChef.PID, scope = ServiceScope.PROTOTYPE)
@Designate(ocd = TlsServerNameChef.Config.class)
public class TlsServerNameChef implements DumplingChef {

    /** The configuration PID: {@code deploy/chefs.standard.tls.cfg}. */
    public static final String PID = "chefs.standard.tls";

    /** The chef's configuration, with its defaults. */
    @ObjectClassDefinition(name = "TLS server name chef",
            description = "The server name (SNI) of every TLS ClientHello, with counts per name.")
    public @interface Config {
        /** @return how many server names the interval dumplings list at most; default 10000 */
        @AttributeDefinition(name = "Names kept", min = "1",
                description = "Server names remembered; past this, the one seen least recently is forgotten.")
        int max__names() default 10000;

        /** @return how many split ClientHellos are put together at once; default 64 */
        @AttributeDefinition(name = "Split hellos at once", min = "0",
                description = "Connections whose ClientHello is split over TCP segments, put together at once; "
                        + "past this, the oldest is given up (counted as skipped). 0: split hellos are skipped.")
        int max__pending__hellos() default 64;

        /** @return the longest ClientHello record put together, in bytes; default 16384 */
        @AttributeDefinition(name = "Longest split hello (bytes)", min = "0",
                description = "A split ClientHello whose record (with its 5-byte header) is longer is skipped.")
        int max__hello__bytes() default 16384;
    }

    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int RECORD_HEADER = 5;
    /**
     * A split hello started this long before a new one (capture time, seconds) is given up
     * when the new one starts: a client sends its hello's segments back to back.
     */
    static final int PENDING_SECONDS = 30;
    private static final int EXT_SERVER_NAME = 0;
    private static final int EXT_ALPN = 16;
    private static final int EXT_SUPPORTED_VERSIONS = 43;
    /** {@link #hostNameEntry}'s answers: no host_name, or an extension that cannot be read. */
    private static final int NONE = -1, MALFORMED = -2;

    private volatile int maxPending;
    private volatile int maxHelloBytes;

    private long clientHellos;
    private long withoutServerName;
    private long skipped;
    /** Hellos per server name. */
    private final NameCounts names = new NameCounts("count", 1);

    /** ClientHellos being put together, oldest first; {@link #pendingCount} of them. */
    private Pending[] pending = new Pending[0];
    private int pendingCount;

    /** @param config the configuration (Declarative Services passes it) */
    @Activate
    public TlsServerNameChef(Config config) {
        configure(config);
    }

    @Modified
    void configure(Config config) {
        names.max(config.max__names());
        maxPending = Math.max(0, config.max__pending__hellos());
        maxHelloBytes = Math.max(0, config.max__hello__bytes());
    }

    @Override
    public Object packetHandler(SniffedPacket packet) {
        Tcp tcp = packet.tcp();
        if (tcp == null || tcp.payloadLength() == 0) {
            return null;
        }
        byte[] b = packet.rawData();
        int at = tcp.payloadOffset();
        int length = tcp.payloadLength();
        if (pendingCount > 0) {
            int i = findPending(packet.ip(), tcp, b);
            if (i >= 0) {
                return continueHello(i, packet, tcp, b, at, length);
            }
        }
        if (length < RECORD_HEADER + 1 || b[at] != HANDSHAKE || b[at + 1] != 3 || (b[at + 2] & 0xff) > 4
                || b[at + RECORD_HEADER] != CLIENT_HELLO) {
            return null;
        }
        int record = RECORD_HEADER + Bytes.uint16(b, at + 3);
        if (record <= length) {
            return report(read(b, at, at + record), packet, packet.ip(), tcp.srcPort(), tcp.dstPort());
        }
        // The hello goes on in the next segments. A capture cut short (snap length) leaves
        // a hole no later segment fills.
        Ip ip = packet.ip();
        if (ip == null || record > maxHelloBytes || maxPending == 0 || packet.originalLength() > b.length) {
            skipped++;
            return null;
        }
        startPending(ip, tcp, b, at, length, record, packet.time());
        return null;
    }

    private Object continueHello(int i, SniffedPacket packet, Tcp tcp, byte[] b, int at, int length) {
        Pending p = pending[i];
        int ahead = (int) (tcp.seq() - p.nextSeq); // serial arithmetic: wraps as TCP does
        if (ahead > 0 || packet.originalLength() > b.length) {
            removePending(i); // a segment missing (or out of order), or cut short by the capture
            skipped++;
            return null;
        }
        int from = -ahead; // bytes of this segment already had (a retransmission overlapping)
        if (from >= length) {
            return null; // all of it already had
        }
        int n = Math.min(length - from, p.hello.length - p.filled);
        System.arraycopy(b, at + from, p.hello, p.filled, n);
        p.filled += n;
        p.nextSeq = (p.nextSeq + n) & 0xffffffffL;
        if (p.filled < p.hello.length) {
            return null;
        }
        removePending(i);
        return report(read(p.hello, 0, p.hello.length), packet, packet.ip(), tcp.srcPort(), tcp.dstPort());
    }

    private void startPending(Ip ip, Tcp tcp, byte[] b, int at, int length, int record, double now) {
        if (pending.length != maxPending) {
            skipped += pendingCount; // reconfigured: start afresh
            pending = new Pending[maxPending];
            pendingCount = 0;
        }
        while (pendingCount > 0 && now - pending[0].started > PENDING_SECONDS) {
            removePending(0); // its next segment never came
            skipped++;
        }
        if (pendingCount == pending.length) {
            removePending(0); // the oldest
            skipped++;
        }
        Pending p = new Pending(Arrays.copyOfRange(b, ip.srcAddressOffset(), ip.srcAddressOffset() + ip.addressLength()),
                Arrays.copyOfRange(b, ip.dstAddressOffset(), ip.dstAddressOffset() + ip.addressLength()),
                tcp.srcPort(), tcp.dstPort(), new byte[record], now);
        System.arraycopy(b, at, p.hello, 0, length);
        p.filled = length;
        p.nextSeq = (tcp.seq() + length) & 0xffffffffL;
        pending[pendingCount++] = p;
    }

    /** @return the index of the hello being put together for this segment's direction, or -1 */
    private int findPending(Ip ip, Tcp tcp, byte[] b) {
        if (ip == null) {
            return -1;
        }
        int n = ip.addressLength();
        for (int i = 0; i < pendingCount; i++) {
            Pending p = pending[i];
            if (p.srcPort == tcp.srcPort() && p.dstPort == tcp.dstPort() && p.src.length == n
                    && Arrays.equals(b, ip.srcAddressOffset(), ip.srcAddressOffset() + n, p.src, 0, n)
                    && Arrays.equals(b, ip.dstAddressOffset(), ip.dstAddressOffset() + n, p.dst, 0, n)) {
                return i;
            }
        }
        return -1;
    }

    private void removePending(int i) {
        System.arraycopy(pending, i + 1, pending, i, pendingCount - i - 1);
        pending[--pendingCount] = null;
    }

    private Object report(Hello hello, SniffedPacket packet, Ip ip, int clientPort, int serverPort) {
        if (hello == null || ip == null) {
            skipped++;
            return null;
        }
        clientHellos++;
        double when = packet.time();
        Map<String, Object> dumpling = new LinkedHashMap<>();
        if (hello.serverName != null) {
            dumpling.put("server_name", hello.serverName);
            names.count(hello.serverName, when);
        } else {
            withoutServerName++;
        }
        dumpling.put("version", versionName(hello.version));
        dumpling.put("client", Bytes.endpoint(ip.srcText(), clientPort));
        dumpling.put("server", Bytes.endpoint(ip.dstText(), serverPort));
        if (hello.alpn != null) {
            dumpling.put("alpn", hello.alpn);
        }
        dumpling.put("when", when);
        return Map.of("tls_client_hello", dumpling);
    }

    /**
     * Reads a ClientHello record.
     *
     * @param b   bytes holding the record
     * @param at  where the record (its 5-byte header) starts
     * @param end where the record ends (within {@code b})
     * @return what the hello says, or null if it cannot be read
     */
    static Hello read(byte[] b, int at, int end) {
        int hs = at + RECORD_HEADER;
        if (hs + 4 > end) {
            return null;
        }
        int helloEnd = hs + 4 + Bytes.uint24(b, hs + 1);
        if (helloEnd > end) {
            return null; // the hello goes on in another record
        }
        int p = hs + 4;
        if (p + 2 + 32 + 1 > helloEnd) {
            return null;
        }
        int version = Bytes.uint16(b, p);
        p += 2 + 32; // version, random
        p += 1 + (b[p] & 0xff); // session id
        if (p + 2 > helloEnd) {
            return null;
        }
        p += 2 + Bytes.uint16(b, p); // cipher suites
        if (p + 1 > helloEnd) {
            return null;
        }
        p += 1 + (b[p] & 0xff); // compression methods
        Hello hello = new Hello();
        hello.version = version;
        if (p == helloEnd) {
            return hello; // no extensions (allowed before TLS 1.3)
        }
        if (p + 2 > helloEnd || p + 2 + Bytes.uint16(b, p) > helloEnd) {
            return null;
        }
        int extEnd = p + 2 + Bytes.uint16(b, p);
        int bestRank = -1;
        for (p += 2; p + 4 <= extEnd; ) {
            int type = Bytes.uint16(b, p);
            int data = p + 4;
            int dataEnd = data + Bytes.uint16(b, p + 2);
            if (dataEnd > extEnd) {
                return null;
            }
            switch (type) {
                case EXT_SERVER_NAME -> {
                    int entry = hostNameEntry(b, data, dataEnd);
                    if (entry == MALFORMED) {
                        return null; // as tshark, which calls such a hello malformed
                    }
                    if (entry != NONE) {
                        hello.serverName = printable(b, entry + 3, Bytes.uint16(b, entry + 1));
                    }
                }
                case EXT_ALPN -> hello.alpn = alpn(b, data, dataEnd);
                case EXT_SUPPORTED_VERSIONS -> {
                    // A one-byte length, then two bytes per version (RFC 8446 section 4.2.1).
                    int listEnd = data < dataEnd ? Math.min(dataEnd, data + 1 + (b[data] & 0xff)) : data;
                    for (int v = data + 1; v + 2 <= listEnd; v += 2) {
                        int offered = Bytes.uint16(b, v);
                        if (!isGrease(offered) && rank(offered) > bestRank) {
                            bestRank = rank(offered);
                            hello.version = offered;
                        }
                    }
                }
                default -> { }
            }
            p = dataEnd;
        }
        return hello;
    }

    /**
     * @return where the first non-empty host_name entry (type, length, name) of a server_name
     *         extension starts (RFC 6066 section 3), {@link #NONE} without one,
     *         {@link #MALFORMED} if a length goes past the extension
     */
    private static int hostNameEntry(byte[] b, int data, int end) {
        if (data + 2 > end || data + 2 + Bytes.uint16(b, data) > end) {
            return MALFORMED;
        }
        int listEnd = data + 2 + Bytes.uint16(b, data);
        for (int p = data + 2; p < listEnd; ) {
            if (p + 3 > listEnd || p + 3 + Bytes.uint16(b, p + 1) > listEnd) {
                return MALFORMED;
            }
            int length = Bytes.uint16(b, p + 1);
            if (b[p] == 0 && length > 0) { // host_name
                return p;
            }
            p += 3 + length;
        }
        return NONE;
    }

    /** @return the protocols of an ALPN extension (RFC 7301 section 3.1), GREASE left out */
    private static List<String> alpn(byte[] b, int data, int end) {
        List<String> protocols = new ArrayList<>(4);
        if (data + 2 > end) {
            return protocols;
        }
        int listEnd = Math.min(end, data + 2 + Bytes.uint16(b, data));
        for (int p = data + 2; p + 1 <= listEnd; ) {
            int length = b[p] & 0xff;
            if (p + 1 + length > listEnd) {
                break;
            }
            // GREASE ALPN identifiers are the two bytes 0x?A 0x?A (RFC 8701 section 2).
            if (!(length == 2 && isGrease(Bytes.uint16(b, p + 1)))) {
                protocols.add(printable(b, p + 1, length));
            }
            p += 1 + length;
        }
        return protocols;
    }

    /** @return the bytes as text: printable ASCII as is, any other byte as {@code \xNN} */
    private static String printable(byte[] b, int at, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = at; i < at + length; i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                s.append((char) c);
            } else {
                s.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return s.toString();
    }

    /** @return whether a 16-bit value is a GREASE value: 0x0a0a, 0x1a1a ... 0xfafa (RFC 8701 section 2) */
    static boolean isGrease(int value) {
        return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
    }

    /** @return an order of versions: SSL 3.0 < TLS 1.0 ... 1.2 < 1.3's drafts < TLS 1.3; -1 for unknown */
    private static int rank(int version) {
        if (version >= 0x0300 && version <= 0x0304) {
            return (version & 0xff) << 8;
        }
        if (version >> 8 == 0x7f) {
            return 0x0300 | (version & 0xff); // 0x7fNN: TLS 1.3 draft NN, between 1.2 and 1.3
        }
        return -1;
    }

    /** @return a version's name, as Wireshark writes it */
    static String versionName(int version) {
        return switch (version) {
            case 0x0300 -> "SSL 3.0";
            case 0x0301 -> "TLS 1.0";
            case 0x0302 -> "TLS 1.1";
            case 0x0303 -> "TLS 1.2";
            case 0x0304 -> "TLS 1.3";
            default -> version >> 8 == 0x7f ? "TLS 1.3 (draft " + (version & 0xff) + ")"
                    : String.format("0x%04x", version);
        };
    }

    @Override
    public Object intervalHandler(ChefContext context) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("tls_server_names", names.list());
        payload.put("client_hellos", clientHellos);
        payload.put("without_server_name", withoutServerName);
        payload.put("skipped", skipped);
        payload.put("names_forgotten", names.forgotten());
        return payload;
    }

    /** What a ClientHello says. */
    static final class Hello {
        /** The server name, or null. */
        String serverName;
        /** The highest version offered. */
        int version;
        /** The ALPN protocols offered, or null without the extension. */
        List<String> alpn;
    }

    /** A ClientHello being put together from one direction of a TCP connection. */
    private static final class Pending {
        final byte[] src;
        final byte[] dst;
        final int srcPort;
        final int dstPort;
        /** The whole record, filled up to {@link #filled}. */
        final byte[] hello;
        int filled;
        /** The capture time of the hello's first segment. */
        final double started;
        /** The sequence number of the next byte wanted. */
        long nextSeq;

        Pending(byte[] src, byte[] dst, int srcPort, int dstPort, byte[] hello, double started) {
            this.src = src;
            this.dst = dst;
            this.srcPort = srcPort;
            this.dstPort = dstPort;
            this.hello = hello;
            this.started = started;
        }
    }
}
