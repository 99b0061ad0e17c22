package chefs.standard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import netdumplings.api.ChefContext;
import netdumplings.api.DumplingChef;
import netdumplings.api.DumplingDriver;
import netdumplings.api.Ip;
import netdumplings.api.SniffedPacket;
import netdumplings.api.Tcp;
import netdumplings.api.Udp;

/**
 * TCP and UDP conversations keyed by their 5-tuple, reported as Zeek's {@code conn.log}
 * reports them, with its field names.
 * <p>
 * A packet dumpling when a connection ends:
 * <pre>{@code
 * {"connection": {"ts": 1258133614.430569, "uid": "C3kTqJ8lW0mZ", "orig_h": "192.168.1.2",
 *                 "orig_p": 49486, "resp_h": "77.67.44.206", "resp_p": 80, "proto": "tcp",
 *                 "duration": 0.640097, "orig_pkts": 7, "orig_bytes": 367, "orig_ip_bytes": 659,
 *                 "resp_pkts": 8, "resp_bytes": 3549, "resp_ip_bytes": 3881,
 *                 "conn_state": "SF", "ended_by": "fin"}}
 * }</pre>
 * and every interval, the counts and the last {@link Config#recent()} connections ended,
 * newest first, as above:
 * <pre>{@code
 * {"connections": {"open": 12, "open_tcp": 9, "open_udp": 3, "ended": 5310, "evicted": 0,
 *                  "packets_after_end": 41, "recent": [{"ts": 1258133614.430569, "uid": "C3kTqJ8lW0mZ", ...}]}}
 * }</pre>
 * <b>Fields.</b> {@code ts}: the first packet's capture time; {@code uid}: unique per chef
 * instance; {@code orig_*}: the originator, the side that sent the first packet seen, except
 * that a SYN-ACK seen first makes its receiver the originator (as Zeek flips it);
 * {@code duration}: packet time up to the last packet, or for TCP up to the packet that
 * closed the second side (Zeek's duration leaves out trailing ACKs), in seconds to the
 * microsecond; {@code *_pkts}: packets;
 * {@code *_ip_bytes}: the IP total length summed (IPv6: 40 + payload length);
 * {@code *_bytes}: payload bytes: for UDP the UDP length minus 8 summed, for TCP taken from
 * sequence numbers as Zeek does (the highest sequence number sent minus the first,
 * SYN and FIN not counted: retransmitted bytes count once).
 * <p>
 * <b>conn_state</b>, as Zeek decides it from each side's TCP state (inactive, SYN sent,
 * SYN-ACK sent, partial = active without a SYN, established, closed = sent a FIN,
 * reset = sent a RST), following Zeek's own transitions: {@code S0} (SYN, no reply),
 * {@code S1} (established, not closed), {@code SF} (established and closed by both sides, or
 * by a FIN from both), {@code REJ} (the responder answered the SYN with a RST),
 * {@code S2}/{@code S3} (established, only the originator/responder closed),
 * {@code RSTO}/{@code RSTR} (the originator/responder aborted with a RST),
 * {@code RSTOS0} (SYN then RST from the originator, no SYN-ACK), {@code RSTRH} (SYN-ACK then
 * RST from the responder, no SYN seen), {@code SH}/{@code SHR} (SYN then FIN from the
 * originator, no reply / SYN-ACK then FIN from the responder, no SYN seen), {@code OTH}
 * (midstream traffic). UDP: {@code SF} when both sides sent, {@code S0} when only the
 * originator did. Not implemented: Zeek's history letters, its port-based flip of midstream
 * connections, and its RSTOS0 check of the originator's other flags before the RST.
 * <p>
 * <b>ended_by</b>: {@code fin} when both sides sent a FIN and the second FIN was
 * acknowledged (or a RST came after both FINs, or the connection went idle after both FINs);
 * {@code rst} at a RST; {@code idle} when no packet was seen for
 * {@link Config#idle__timeout__seconds()} ({@code idle_timeout_seconds}) of packet time
 * ({@link PacketClock}: a looping replay's step back to the capture's start counts nothing),
 * checked as packets arrive and at each interval (so a live capture without packets ends
 * nothing); {@code evicted} when the table was full. After a TCP connection ends by FIN or
 * RST its key is remembered until it has been idle for the timeout: packets after the end
 * (a repeated RST, data in flight after a RST) are counted in {@code packets_after_end} rather
 * than made a new connection, unless one is a SYN (the ports reused). (Zeek and tshark count
 * them in the connection: Zeek reports a connection seconds after its end.) At the end of a replay, connections still open are counted as open.
 * <p>
 * At most {@link Config#max__connections()} ({@code max_connections}) connections (and
 * remembered ended keys) are kept: the one without a packet for longest goes first; a
 * connection so ended is reported with {@code ended_by} {@code evicted} and counted in
 * {@code evicted}. Packet dumplings for connections ended by the idle check or eviction are
 * sent through the kitchen's context as they end. The per-packet path allocates nothing for
 * a packet of a known connection: the 5-tuple is looked up with a reused key of primitives.
 */
// PROTOTYPE: each kitchen gets an instance (and state) of its own; a kitchen calls it from
// one thread at a time.
@Component(service = DumplingChef.class, configurationPid = ConnectionsChef.PID, scope = ServiceScope.PROTOTYPE)
@Designate(ocd = ConnectionsChef.Config.class)
public class ConnectionsChef implements DumplingChef {

    /** The configuration PID: {@code deploy/chefs.standard.connections.cfg}. */
    public static final String PID = "chefs.standard.connections";

    /**
     * The chef's configuration, with its defaults. Declarative Services maps a method name's
     * double {@code __} to one {@code _} in the property name (OSGi Compendium 112.8.2.2): the
     * properties are {@code idle_timeout_seconds}, {@code max_connections} and {@code recent}.
     */
    @ObjectClassDefinition(name = "Connections chef",
            description = "TCP and UDP connections as Zeek's conn.log: a dumpling when one ends.")
    public @interface Config {
        /** @return seconds of packet time without a packet after which a connection ends; default 60 */
        @AttributeDefinition(name = "Idle timeout (s)", min = "1",
                description = "A connection without a packet for this long (packet time) ends as idle.")
        int idle__timeout__seconds() default 60;

        /** @return how many connections are kept at most; default 100000 */
        @AttributeDefinition(name = "Connections kept", min = "1",
                description = "Connections tracked at once; past this, the one idle longest ends as evicted.")
        int max__connections() default 100000;

        /** @return how many ended connections each interval dumpling lists; default 20 */
        @AttributeDefinition(name = "Recent", min = "0",
                description = "Ended connections listed in each interval dumpling, newest first.")
        int recent() default 20;
    }

    // A TCP endpoint's states, as Zeek's.
    static final byte INACTIVE = 0;
    static final byte SYN_SENT = 1;
    static final byte SYN_ACK_SENT = 2;
    static final byte PARTIAL = 3;
    static final byte ESTABLISHED = 4;
    static final byte CLOSED = 5;
    static final byte RESET = 6;

    private static final byte TCP = 6;
    private static final byte UDP = 17;

    /** The idle timeout in microseconds of the packet clock. */
    private volatile long idleTimeout;
    private volatile int maxConnections;
    private volatile int recentKept;

    private final HashMap<Key, Connection> table = new HashMap<>();
    /** Reused for every lookup: no key is made for a packet of a known connection. */
    private final Key probe = new Key();
    /** Every connection in the table, the one without a packet for longest first. */
    private Connection oldest;
    private Connection newest;
    private final ArrayDeque<Map<String, Object>> recent = new ArrayDeque<>();
    private final long uidSalt = ThreadLocalRandom.current().nextLong();
    private long uids;
    private int openTcp;
    private int openUdp;
    private long ended;
    private long evicted;
    private long afterEnd;
    private final PacketClock clock = new PacketClock();
    private ChefContext context;

    /** @param config the configuration (Declarative Services passes it) */
    @Activate
    public ConnectionsChef(Config config) {
        configure(config);
    }

    @Modified
    void configure(Config config) {
        idleTimeout = Math.max(1, config.idle__timeout__seconds()) * 1_000_000L;
        maxConnections = Math.max(1, config.max__connections());
        recentKept = Math.max(0, config.recent());
    }

    @Override
    public void start(ChefContext kitchen) {
        this.context = kitchen;
    }

    @Override
    public Object packetHandler(SniffedPacket packet) {
        Ip ip = packet.ip();
        if (ip == null) {
            return null;
        }
        Tcp tcp = packet.tcp();
        Udp udp = tcp == null ? packet.udp() : null;
        if (tcp == null && udp == null) {
            return null;
        }
        double time = packet.time();
        long at = clock.advance(time);
        endIdle();

        byte[] b = packet.rawData();
        boolean srcIsA = tcp != null ? probe.set(TCP, ip, b, tcp.srcPort(), tcp.dstPort())
                : probe.set(UDP, ip, b, udp.srcPort(), udp.dstPort());
        Connection c = table.get(probe);
        Map<String, Object> endedNow = null;
        if (c != null && (c.over || tcp != null && tcp.isSyn() && c.finished())) {
            if (!c.over) {
                endedNow = end(c, c.bothClosed() ? "fin" : "rst"); // the ports are reused
            }
            if (!(tcp != null && tcp.isSyn())) {
                touch(c, at); // a trailing ACK or RST of a connection reported: counted apart
                afterEnd++;
                return null;
            }
            unlink(c);
            table.remove(c);
            c = null;
        }
        if (c == null) {
            while (table.size() >= maxConnections) { // more than one after max_connections was lowered
                Connection victim = oldest;
                unlink(victim);
                table.remove(victim);
                if (!victim.over) {
                    evicted++;
                    send(end(victim, "evicted"));
                }
            }
            // A SYN-ACK seen first: its receiver opened the connection.
            boolean flip = tcp != null && (tcp.flags() & (Tcp.SYN | Tcp.ACK)) == (Tcp.SYN | Tcp.ACK);
            c = new Connection(probe, srcIsA, srcIsA != flip, time, at, ++uids, ip);
            table.put(c, c);
            if (c.proto == TCP) {
                openTcp++;
            } else {
                openUdp++;
            }
        } else {
            unlink(c);
        }
        append(c);
        c.lastSeen = at;
        boolean fromOrig = srcIsA == c.origIsA;
        Side side = fromOrig ? c.orig : c.resp;
        side.packets++;
        side.ipBytes += ip.totalLength();
        if (udp != null) {
            int udpAt = udp.payloadOffset() - 8;
            side.udpBytes += Math.max(0, Bytes.uint16(b, udpAt + 4) - 8);
            c.durationEnd = at;
            return endedNow;
        }
        int ipStart = ip.srcAddressOffset() - (ip.version() == 4 ? 12 : 8);
        int length = Math.max(0, ipStart + ip.totalLength() - tcp.payloadOffset());
        if (!c.bothClosed()) {
            c.durationEnd = at; // as Zeek: trailing packets after both FINs are not in the duration
        }
        String why = tcpPacket(c, side, fromOrig ? c.resp : c.orig, fromOrig, tcp, length);
        if (why != null) {
            Map<String, Object> connection = end(c, why);
            if (endedNow != null) {
                send(endedNow);
            }
            return connection;
        }
        return endedNow;
    }

    /**
     * Updates the sending side's sequence numbers and both sides' states with one TCP segment.
     *
     * @return why the connection ends with it ({@code fin}, {@code rst}), or null
     */
    private static String tcpPacket(Connection c, Side e, Side peer, boolean fromOrig, Tcp tcp, int length) {
        int flags = tcp.flags();
        boolean syn = (flags & Tcp.SYN) != 0;
        boolean fin = (flags & Tcp.FIN) != 0;
        boolean rst = (flags & Tcp.RST) != 0;
        boolean ack = (flags & Tcp.ACK) != 0;
        long seq = tcp.seq();

        // Payload bytes from sequence numbers: the highest end of data minus the first.
        if (!e.seqStarted) {
            e.seqStarted = true;
            e.seqBase = syn ? seq + 1 : seq;
        }
        if (!rst) { // a RST's data is not part of the stream
            long dataEnd = seq + (syn ? 1 : 0) + length;
            if (e.finSent && (int) (dataEnd - (e.finAck - 1)) > 0) {
                dataEnd = e.finAck - 1; // after its FIN a side's ACKs have the FIN's number + 1
            }
            int advance = (int) (dataEnd - (e.seqBase + e.seqTop));
            if (advance > 0) {
                e.seqTop += advance;
            }
        }
        if (fin) {
            e.finSent = true;
            e.finAck = (seq + (syn ? 1 : 0) + length + 1) & 0xffffffffL;
        }
        if (ack && peer.finSent && (int) (tcp.ack() - peer.finAck) >= 0) {
            peer.finAcked = true;
        }

        switch (e.state) {
            case INACTIVE -> {
                if (syn) {
                    if (fromOrig) {
                        e.setState(ack ? SYN_ACK_SENT : SYN_SENT);
                    } else {
                        if (peer.state == SYN_SENT) {
                            peer.setState(ESTABLISHED);
                        }
                        e.setState(ESTABLISHED);
                    }
                }
                if (fin) {
                    e.setState(CLOSED);
                }
                if (rst) {
                    e.setState(RESET);
                }
                if (e.state == INACTIVE) {
                    if (!fromOrig && length == 0 && peer.state == SYN_SENT) {
                        // an ACK of the SYN before the SYN-ACK: not yet a partial connection
                    } else if (ack && peer.state == ESTABLISHED) {
                        e.setState(ESTABLISHED); // the SYN was missed, the SYN-ACK seen
                    } else {
                        e.setState(PARTIAL);
                    }
                }
            }
            case SYN_SENT, SYN_ACK_SENT -> {
                if (fin) {
                    e.setState(CLOSED);
                }
                if (rst) {
                    e.setState(RESET);
                }
            }
            case ESTABLISHED, PARTIAL -> {
                if (syn && !ack && e.state == PARTIAL && peer.state == INACTIVE) {
                    e.setState(SYN_SENT);
                }
                if (fin && !rst) {
                    e.setState(CLOSED);
                    if (peer.state == RESET && peer.previous == CLOSED) {
                        peer.setState(CLOSED); // the peer's FIN then RST was a normal close
                    }
                }
                if (rst) {
                    e.setState(RESET);
                }
            }
            case CLOSED -> {
                if (rst && peer.state != CLOSED) {
                    e.setState(RESET);
                }
            }
            default -> { }
        }
        if (c.bothClosed()) {
            if (rst || e.finAcked && peer.finAcked) {
                return "fin";
            }
            return null;
        }
        return e.state == RESET || peer.state == RESET ? "rst" : null;
    }

    /** Ends every connection idle past the timeout (by packet time), oldest first. */
    private void endIdle() {
        while (oldest != null && clock.now() - oldest.lastSeen > idleTimeout) {
            Connection c = oldest;
            unlink(c);
            table.remove(c);
            if (!c.over) {
                send(end(c, c.bothClosed() ? "fin" : "idle"));
            }
        }
    }

    /** Reports a connection's end: counts it, keeps it among the recent; it stays as a marker. */
    private Map<String, Object> end(Connection c, String why) {
        c.over = true;
        if (c.proto == TCP) {
            openTcp--;
        } else {
            openUdp--;
        }
        ended++;
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("ts", c.ts);
        log.put("uid", uid(c.uid));
        log.put("orig_h", c.origIsA ? c.aText() : c.bText());
        log.put("orig_p", c.origIsA ? c.aPort : c.bPort);
        log.put("resp_h", c.origIsA ? c.bText() : c.aText());
        log.put("resp_p", c.origIsA ? c.bPort : c.aPort);
        log.put("proto", c.proto == TCP ? "tcp" : "udp");
        log.put("duration", (c.durationEnd - c.startClock) / 1e6);
        side(log, "orig_", c.orig, c.proto);
        side(log, "resp_", c.resp, c.proto);
        log.put("conn_state", connState(c));
        log.put("ended_by", why);
        if (recentKept > 0) {
            recent.addFirst(log);
            while (recent.size() > recentKept) {
                recent.removeLast();
            }
        }
        return Map.of("connection", log);
    }

    private static void side(Map<String, Object> log, String prefix, Side s, byte proto) {
        log.put(prefix + "pkts", s.packets);
        log.put(prefix + "bytes", proto == TCP ? s.seqTop : s.udpBytes);
        log.put(prefix + "ip_bytes", s.ipBytes);
    }

    /** @return the connection's state as Zeek's {@code conn_state} names it */
    static String connState(Connection c) {
        if (c.proto == UDP) {
            return c.resp.packets > 0 ? "SF" : "S0";
        }
        byte os = c.orig.state;
        byte rs = c.resp.state;
        boolean origInactive = os == INACTIVE || os == PARTIAL;
        boolean respInactive = rs == INACTIVE || rs == PARTIAL;
        if (rs == RESET) {
            if (os == SYN_SENT || os == SYN_ACK_SENT || os == RESET && c.orig.seqTop == 0 && c.resp.seqTop == 0) {
                return "REJ";
            }
            return origInactive ? "RSTRH" : "RSTR";
        }
        if (os == RESET) {
            if (respInactive) {
                return c.orig.previous == SYN_SENT ? "RSTOS0" : "OTH";
            }
            return "RSTO";
        }
        if (os == CLOSED && rs == CLOSED) {
            return "SF";
        }
        if (os == CLOSED) {
            return respInactive ? "SH" : "S2";
        }
        if (rs == CLOSED) {
            return origInactive ? "SHR" : "S3";
        }
        if (os == SYN_SENT && rs == INACTIVE) {
            return "S0";
        }
        return os == ESTABLISHED && rs == ESTABLISHED ? "S1" : "OTH";
    }

    private String uid(long n) {
        // Zeek's look ("C" and base 62), unique within this chef instance.
        long x = (n + uidSalt) * 0x9E3779B97F4A7C15L;
        x ^= x >>> 31;
        StringBuilder s = new StringBuilder("C");
        String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < 11; i++) {
            s.append(digits.charAt((int) Long.remainderUnsigned(x, 62)));
            x = Long.divideUnsigned(x, 62);
        }
        return s.toString();
    }

    private void send(Map<String, Object> payload) {
        if (context != null) {
            context.send(DumplingDriver.PACKET, payload);
        }
    }

    @Override
    public Object intervalHandler(ChefContext kitchen) {
        if (clock.started()) {
            endIdle();
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("open", openTcp + openUdp);
        counts.put("open_tcp", openTcp);
        counts.put("open_udp", openUdp);
        counts.put("ended", ended);
        counts.put("evicted", evicted);
        counts.put("packets_after_end", afterEnd);
        counts.put("recent", new ArrayList<>(recent));
        return Map.of("connections", counts);
    }

    private void touch(Connection c, long at) {
        unlink(c);
        append(c);
        c.lastSeen = at;
    }

    private void unlink(Connection c) {
        if (c.older != null) {
            c.older.newer = c.newer;
        } else {
            oldest = c.newer;
        }
        if (c.newer != null) {
            c.newer.older = c.older;
        } else {
            newest = c.older;
        }
        c.older = null;
        c.newer = null;
    }

    private void append(Connection c) {
        c.older = newest;
        if (newest != null) {
            newest.newer = c;
        } else {
            oldest = c;
        }
        newest = c;
    }

    /**
     * A connection's 5-tuple with its two ends in a fixed order (the lower address and port
     * first), so both directions find it. Addresses are 128 bits (IPv4 in the low 32).
     */
    static class Key {
        byte proto;
        byte version;
        long aHigh;
        long aLow;
        long bHigh;
        long bLow;
        int aPort;
        int bPort;
        int hash;

        /** @return whether the packet's source is end a */
        final boolean set(byte protocol, Ip ip, byte[] b, int srcPort, int dstPort) {
            proto = protocol;
            long sHigh;
            long sLow;
            long dHigh;
            long dLow;
            if (ip.version() == 4) {
                version = 4;
                sHigh = 0;
                dHigh = 0;
                sLow = ip.srcIpv4() & 0xffffffffL;
                dLow = ip.dstIpv4() & 0xffffffffL;
            } else {
                version = 6;
                int s = ip.srcAddressOffset();
                int d = ip.dstAddressOffset();
                sHigh = AddressBits.int64(b, s);
                sLow = AddressBits.int64(b, s + 8);
                dHigh = AddressBits.int64(b, d);
                dLow = AddressBits.int64(b, d + 8);
            }
            int order = sHigh != dHigh ? Long.compareUnsigned(sHigh, dHigh)
                    : sLow != dLow ? Long.compareUnsigned(sLow, dLow) : Integer.compare(srcPort, dstPort);
            boolean srcIsA = order <= 0;
            aHigh = srcIsA ? sHigh : dHigh;
            aLow = srcIsA ? sLow : dLow;
            aPort = srcIsA ? srcPort : dstPort;
            bHigh = srcIsA ? dHigh : sHigh;
            bLow = srcIsA ? dLow : sLow;
            bPort = srcIsA ? dstPort : srcPort;
            long h = AddressBits.mix(AddressBits.mix(AddressBits.SEED, aLow), bLow);
            h = AddressBits.mix(AddressBits.mix(h, aHigh), bHigh);
            h = AddressBits.mix(h, (long) aPort << 32 | (long) bPort << 16 | proto << 8 | version);
            hash = (int) (h ^ h >>> 32);
            return srcIsA;
        }

        final void copy(Key k) {
            proto = k.proto;
            version = k.version;
            aHigh = k.aHigh;
            aLow = k.aLow;
            bHigh = k.bHigh;
            bLow = k.bLow;
            aPort = k.aPort;
            bPort = k.bPort;
            hash = k.hash;
        }

        @Override
        public final int hashCode() {
            return hash;
        }

        @Override
        public final boolean equals(Object o) {
            return o instanceof Key k && k.aLow == aLow && k.bLow == bLow && k.aPort == aPort && k.bPort == bPort
                    && k.aHigh == aHigh && k.bHigh == bHigh && k.proto == proto && k.version == version;
        }
    }

    /** One side of a connection. */
    static final class Side {
        long packets;
        long ipBytes;
        long udpBytes;
        byte state = INACTIVE;
        byte previous = INACTIVE;
        boolean seqStarted;
        long seqBase;
        /** Payload bytes by sequence numbers: the highest end of data seen, from seqBase. */
        long seqTop;
        boolean finSent;
        long finAck;
        boolean finAcked;

        void setState(byte s) {
            if (s != state) {
                previous = state;
                state = s;
            }
        }
    }

    /** A connection: its key (the table holds it as its own key), both sides, and its place by age. */
    static final class Connection extends Key {
        final boolean origIsA;
        /** The first packet's capture time. */
        final double ts;
        /** The packet clock (microseconds) at the first packet, the last, and the end of the duration. */
        final long startClock;
        final long uid;
        /** The addresses as text, IPv6 only (made once); IPv4 text is made when reported. */
        private final String aV6;
        private final String bV6;
        final Side orig = new Side();
        final Side resp = new Side();
        long lastSeen;
        long durationEnd;
        /** Reported (by FIN or RST): kept only to ignore the packets after its end. */
        boolean over;
        Connection older;
        Connection newer;

        Connection(Key key, boolean srcIsA, boolean origIsA, double ts, long at, long uid, Ip ip) {
            copy(key);
            this.origIsA = origIsA;
            this.ts = ts;
            this.startClock = at;
            this.lastSeen = at;
            this.durationEnd = at;
            this.uid = uid;
            aV6 = version == 6 ? (srcIsA ? ip.srcText() : ip.dstText()) : null;
            bV6 = version == 6 ? (srcIsA ? ip.dstText() : ip.srcText()) : null;
        }

        boolean bothClosed() {
            return orig.state == CLOSED && resp.state == CLOSED;
        }

        /** @return whether the connection is closed (both FINs) or reset */
        boolean finished() {
            return bothClosed() || orig.state == RESET || resp.state == RESET;
        }

        String aText() {
            return version == 4 ? AddressBits.ipv4((int) aLow) : aV6;
        }

        String bText() {
            return version == 4 ? AddressBits.ipv4((int) bLow) : bV6;
        }
    }
}
