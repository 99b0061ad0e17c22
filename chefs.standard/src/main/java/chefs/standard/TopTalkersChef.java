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

/**
 * Who talks most: per IP address (IPv4 and IPv6), packets and bytes sent and received, as
 * Wireshark's Statistics &gt; Endpoints counts them ({@code tshark -q -z endpoints,ip}): a
 * packet counts for its source as sent and for its destination as received, with the
 * frame's length on the wire ({@link SniffedPacket#originalLength()}) as its bytes.
 * Packets without an IP header (ARP, CDP...) are not counted.
 * <p>
 * No packet dumplings. Every interval, the {@link Config#top()} addresses with the most bytes
 * (sent plus received) since the chef started, most first, each with its rates over the
 * last interval, and the totals:
 * <pre>{@code
 * {"top_talkers": [{"address": "10.0.0.1", "packets_sent": 1965, "bytes_sent": 294720,
 *                   "packets_received": 2697, "bytes_received": 2553103, "packets": 4662,
 *                   "bytes": 2847823, "bytes_per_second": 1520.5, "packets_per_second": 2.5}],
 *  "hosts": 68, "packets": 4699, "bytes": 2853559, "bytes_per_second": 1553.8,
 *  "packets_per_second": 2.47, "interval_seconds": 1.0, "hosts_forgotten": 0}
 * }</pre>
 * ({@code hosts} is how many addresses are remembered now; {@code packets} and {@code bytes}
 * count every IP packet once, forgotten hosts' included.)
 * <p>
 * Rates are measured on the packets' clock ({@link PacketClock}): {@code interval_seconds} is
 * the capture time elapsed from the last packet seen at the previous interval (or from the
 * first packet) to the last packet seen now, a step backwards (a looping replay's new pass)
 * counting nothing. A replay at full speed so gets the capture's real rates, and a live
 * capture its rates over the interval; an interval without packets has rates 0, and after a
 * quiet spell the first interval's rates are averaged over the quiet time too.
 * <p>
 * At most {@link Config#max__hosts()} ({@code max_hosts}) addresses are kept: when a new one would exceed it,
 * the eighth of them with the fewest bytes is forgotten at once (counted in
 * {@code hosts_forgotten}). The per-packet path allocates nothing for a known address,
 * IPv4 or IPv6: addresses are keys of 128 bits in an open-addressing table of primitive
 * arrays; text is made only for the interval dumplings (and once per new IPv6 address).
 */
// PROTOTYPE: each kitchen gets an instance (and state) of its own; a kitchen calls it from
// one thread at a time.
@Component(service = DumplingChef.class, configurationPid = TopTalkersChef.PID, scope = ServiceScope.PROTOTYPE)
@Designate(ocd = TopTalkersChef.Config.class)
public class TopTalkersChef implements DumplingChef {

    /** The configuration PID: {@code deploy/chefs.standard.top_talkers.cfg}. */
    public static final String PID = "chefs.standard.top_talkers";

    /** The chef's configuration, with its defaults. */
    @ObjectClassDefinition(name = "Top talkers chef",
            description = "Packets and bytes sent and received per IP address; the top ones every interval.")
    public @interface Config {
        /** @return how many addresses each interval dumpling lists; default 10 */
        @AttributeDefinition(name = "Top", min = "1",
                description = "Addresses listed in each interval dumpling, most bytes first.")
        int top() default 10;

        /**
         * The property {@code max_hosts}: Declarative Services maps a method name's single
         * {@code _} to a dot and a double {@code __} to one {@code _} (OSGi Compendium 112.8.2.2).
         *
         * @return how many addresses are remembered at most; default 65536
         */
        @AttributeDefinition(name = "Addresses kept", min = "8",
                description = "Addresses remembered; past this, the eighth with the fewest bytes is forgotten.")
        int max__hosts() default 65536;
    }

    private static final int FIRST_CAPACITY = 256;
    private static final byte EMPTY = 0;
    private static final byte V4 = 4;
    private static final byte V6 = 6;

    private volatile int top;
    private volatile int maxHosts;

    // The table: open addressing, linear probing, at most half full; slot i holds an address
    // when version[i] != EMPTY. Deletion only happens by rebuilding (see forgetSmallest).
    private int mask;
    private byte[] version;
    private long[] high;
    private long[] low;
    private String[] v6Text;
    private long[] packetsSent;
    private long[] bytesSent;
    private long[] packetsReceived;
    private long[] bytesReceived;
    /** Each address's packets and bytes (sent + received) at the previous interval, for rates. */
    private long[] markPackets;
    private long[] markBytes;
    private int size;

    private long packets;
    private long bytes;
    private long markTotalPackets;
    private long markTotalBytes;
    private long forgotten;
    private final PacketClock clock = new PacketClock();
    /** The packet clock at the previous interval (microseconds). */
    private long markClock;

    /** @param config the configuration (Declarative Services passes it) */
    @Activate
    public TopTalkersChef(Config config) {
        configure(config);
        allocate(FIRST_CAPACITY);
    }

    @Modified
    void configure(Config config) {
        top = Math.max(1, config.top());
        maxHosts = Math.max(8, config.max__hosts());
    }

    @Override
    public Object packetHandler(SniffedPacket packet) {
        Ip ip = packet.ip();
        if (ip == null) {
            return null;
        }
        long length = packet.originalLength();
        clock.advance(packet.time());
        packets++;
        bytes += length;
        // The sender is counted before the receiver is looked up: making the receiver's slot
        // may rebuild the table, which moves every slot.
        if (ip.version() == 4) {
            int src = slot(V4, 0, ip.srcIpv4() & 0xffffffffL, ip, true);
            packetsSent[src]++;
            bytesSent[src] += length;
            int dst = slot(V4, 0, ip.dstIpv4() & 0xffffffffL, ip, false);
            packetsReceived[dst]++;
            bytesReceived[dst] += length;
        } else {
            byte[] b = packet.rawData();
            int s = ip.srcAddressOffset();
            int src = slot(V6, AddressBits.int64(b, s), AddressBits.int64(b, s + 8), ip, true);
            packetsSent[src]++;
            bytesSent[src] += length;
            int d = ip.dstAddressOffset();
            int dst = slot(V6, AddressBits.int64(b, d), AddressBits.int64(b, d + 8), ip, false);
            packetsReceived[dst]++;
            bytesReceived[dst] += length;
        }
        return null;
    }

    /** @return the slot of the address, made (and the table grown or thinned) if new */
    private int slot(byte v, long hi, long lo, Ip ip, boolean source) {
        int i = find(v, hi, lo);
        if (version[i] != EMPTY) {
            return i;
        }
        if (size >= maxHosts) {
            forgetSmallest(size - maxHosts + Math.max(1, maxHosts / 8));
            i = find(v, hi, lo);
        } else if (2 * (size + 1) > mask + 1) {
            rebuild(2 * (mask + 1), Long.MIN_VALUE, 0);
            i = find(v, hi, lo);
        }
        version[i] = v;
        high[i] = hi;
        low[i] = lo;
        if (v == V6) {
            v6Text[i] = source ? ip.srcText() : ip.dstText(); // once per new IPv6 address
        }
        size++;
        return i;
    }

    /** @return the slot holding the address, or the empty slot where it would go */
    private int find(byte v, long hi, long lo) {
        long h = AddressBits.mix(AddressBits.mix(AddressBits.mix(AddressBits.SEED, lo), hi), v);
        int i = (int) (h ^ h >>> 32) & mask;
        while (version[i] != EMPTY && (version[i] != v || low[i] != lo || high[i] != hi)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Forgets {@code count} addresses, those with the fewest bytes (of equals, the first in the table). */
    private void forgetSmallest(int count) {
        long[] totals = new long[size];
        int n = 0;
        for (int i = 0; i <= mask; i++) {
            if (version[i] != EMPTY) {
                totals[n++] = total(i);
            }
        }
        Arrays.sort(totals);
        int k = Math.min(count, n);
        long threshold = totals[k - 1];
        int below = 0;
        while (totals[below] < threshold) {
            below++;
        }
        // Those below the threshold go, and as many at it as make count (a scan's many
        // one-packet addresses all have the same bytes: not all of them go).
        int before = size;
        rebuild(mask + 1, threshold, k - below);
        forgotten += before - size;
    }

    /**
     * Rehashes into a table of {@code capacity} slots, leaving out the addresses with fewer total
     * bytes than {@code threshold} and the first {@code equalsLeftOut} of those with exactly as many.
     */
    private void rebuild(int capacity, long threshold, int equalsLeftOut) {
        int oldCapacity = mask + 1;
        byte[] oVersion = version;
        long[] oHigh = high;
        long[] oLow = low;
        String[] oText = v6Text;
        long[][] oCounts = {packetsSent, bytesSent, packetsReceived, bytesReceived, markPackets, markBytes};
        allocate(capacity);
        size = 0;
        for (int j = 0; j < oldCapacity; j++) {
            if (oVersion[j] == EMPTY) {
                continue;
            }
            long bytes = oCounts[1][j] + oCounts[3][j];
            if (bytes < threshold || bytes == threshold && equalsLeftOut-- > 0) {
                continue;
            }
            int i = find(oVersion[j], oHigh[j], oLow[j]);
            version[i] = oVersion[j];
            high[i] = oHigh[j];
            low[i] = oLow[j];
            v6Text[i] = oText[j];
            packetsSent[i] = oCounts[0][j];
            bytesSent[i] = oCounts[1][j];
            packetsReceived[i] = oCounts[2][j];
            bytesReceived[i] = oCounts[3][j];
            markPackets[i] = oCounts[4][j];
            markBytes[i] = oCounts[5][j];
            size++;
        }
    }

    private void allocate(int capacity) {
        mask = capacity - 1;
        version = new byte[capacity];
        high = new long[capacity];
        low = new long[capacity];
        v6Text = new String[capacity];
        packetsSent = new long[capacity];
        bytesSent = new long[capacity];
        packetsReceived = new long[capacity];
        bytesReceived = new long[capacity];
        markPackets = new long[capacity];
        markBytes = new long[capacity];
    }

    private long total(int i) {
        return bytesSent[i] + bytesReceived[i];
    }

    private long totalPackets(int i) {
        return packetsSent[i] + packetsReceived[i];
    }

    /** @return whether slot a ranks before slot b: more bytes, then more packets, then the lower address */
    private boolean ranksBefore(int a, int b) {
        if (total(a) != total(b)) {
            return total(a) > total(b);
        }
        if (totalPackets(a) != totalPackets(b)) {
            return totalPackets(a) > totalPackets(b);
        }
        if (version[a] != version[b]) {
            return version[a] < version[b];
        }
        return high[a] != high[b] ? Long.compareUnsigned(high[a], high[b]) < 0
                : Long.compareUnsigned(low[a], low[b]) < 0;
    }

    @Override
    public Object intervalHandler(ChefContext context) {
        double seconds = (clock.now() - markClock) / 1e6;
        // The best slots so far, best first (insertion into a short sorted array: most slots
        // fail the first comparison).
        int[] best = new int[Math.min(top, size)];
        int n = 0;
        for (int i = 0; i <= mask; i++) {
            if (version[i] == EMPTY || (n == best.length && (n == 0 || !ranksBefore(i, best[n - 1])))) {
                continue;
            }
            int at = n < best.length ? n++ : n - 1;
            while (at > 0 && ranksBefore(i, best[at - 1])) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
        }
        List<Map<String, Object>> talkers = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int i = best[k];
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("address", version[i] == V4 ? AddressBits.ipv4((int) low[i]) : v6Text[i]);
            host.put("packets_sent", packetsSent[i]);
            host.put("bytes_sent", bytesSent[i]);
            host.put("packets_received", packetsReceived[i]);
            host.put("bytes_received", bytesReceived[i]);
            host.put("packets", totalPackets(i));
            host.put("bytes", total(i));
            host.put("bytes_per_second", rate(total(i) - markBytes[i], seconds));
            host.put("packets_per_second", rate(totalPackets(i) - markPackets[i], seconds));
            talkers.add(host);
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("top_talkers", talkers);
        payload.put("hosts", size);
        payload.put("packets", packets);
        payload.put("bytes", bytes);
        payload.put("bytes_per_second", rate(bytes - markTotalBytes, seconds));
        payload.put("packets_per_second", rate(packets - markTotalPackets, seconds));
        payload.put("interval_seconds", seconds);
        payload.put("hosts_forgotten", forgotten);

        for (int i = 0; i <= mask; i++) {
            markPackets[i] = totalPackets(i);
            markBytes[i] = total(i);
        }
        markTotalPackets = packets;
        markTotalBytes = bytes;
        markClock = clock.now();
        return payload;
    }

    private static double rate(long count, double seconds) {
        return seconds > 0 ? count / seconds : 0.0;
    }
}
