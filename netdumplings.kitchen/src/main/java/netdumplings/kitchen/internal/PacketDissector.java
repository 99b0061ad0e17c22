package netdumplings.kitchen.internal;

import java.util.Arrays;
import java.util.List;

/**
 * A small, fast dissector of the common headers, made for {@link CapturedPacket#layers()}
 * and {@link CapturedPacket#summary()}: no allocation beyond its result, no pcap4j.
 * <p>
 * It never throws on bad input: it stops at the first header it does not know, that is
 * truncated, or that is inconsistent, and reports the layers found until then.
 */
public final class PacketDissector {

    // Link-layer types (pcap DLT values as libpcap reports them).
    static final int DLT_NULL = 0;
    static final int DLT_EN10MB = 1;
    static final int DLT_RAW = 12;
    static final int DLT_RAW_OPENBSD = 14;
    static final int LINKTYPE_RAW = 101;
    static final int DLT_LOOP = 108;
    static final int DLT_LINUX_SLL = 113;
    static final int DLT_IPV4 = 228;
    static final int DLT_IPV6 = 229;
    static final int DLT_LINUX_SLL2 = 276;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int ETHERTYPE_IPV6 = 0x86dd;

    private static final int PROTO_ICMP = 1;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_ICMPV6 = 58;

    /** More nested VLAN tags or IPv6 extension headers than this is not a real packet. */
    private static final int MAX_NESTING = 8;
    private static final int DNS_HEADER_BYTES = 12;
    private static final int DNS_PORT = 53;

    private PacketDissector() {
    }

    /**
     * What the dissector found: the layer names, and where the network and transport
     * headers are (for summaries and for chefs that read the payload themselves).
     *
     * @param layers           layer names, outermost first
     * @param ipVersion        4 or 6, or 0 when there is no IP layer
     * @param networkOffset    offset of the IP (or ARP) header, or -1
     * @param transport        {@code "TCP"}, {@code "UDP"}, {@code "ICMP"}, {@code "ICMPv6"} or null
     * @param transportOffset  offset of the transport header, or -1
     * @param payloadOffset    offset of the transport payload, or -1
     * @param payloadEnd       end (exclusive) of the transport payload, or -1
     */
    public record Dissection(List<String> layers, int ipVersion, int networkOffset,
            String transport, int transportOffset, int payloadOffset, int payloadEnd) {
    }

    /**
     * @param data the captured bytes, starting with the link-layer header; never modified
     * @param dlt  the link-layer type
     * @return the dissection; never null
     */
    public static Dissection dissect(byte[] data, int dlt) {
        Walker w = new Walker(data);
        try {
            w.link(dlt);
        } catch (RuntimeException e) {
            // Defensive only: every read is bounds-checked, so this is a bug, not bad input.
        }
        return w.result();
    }

    /** Mutable state of one dissection. */
    private static final class Walker {
        private final byte[] d;
        /** End of the meaningful bytes: shrinks to an IP header's total length. */
        private int end;
        private final String[] names = new String[16];
        private int count;
        private int ipVersion;
        private int networkOffset = -1;
        private String transport;
        private int transportOffset = -1;
        private int payloadOffset = -1;
        private int payloadEnd = -1;

        Walker(byte[] data) {
            this.d = data;
            this.end = data.length;
        }

        Dissection result() {
            return new Dissection(List.of(Arrays.copyOf(names, count)), ipVersion, networkOffset,
                    transport, transportOffset, payloadOffset, payloadEnd);
        }

        private void add(String name) {
            if (count < names.length) {
                names[count++] = name;
            }
        }

        private boolean has(int offset, int length) {
            return offset >= 0 && length >= 0 && offset <= end - length;
        }

        private int u8(int offset) {
            return d[offset] & 0xff;
        }

        private int u16(int offset) {
            return (d[offset] & 0xff) << 8 | d[offset + 1] & 0xff;
        }

        void link(int dlt) {
            switch (dlt) {
                case DLT_EN10MB -> ethernet(0);
                case DLT_LINUX_SLL -> {
                    if (has(0, 16)) {
                        add("cooked linux");
                        etherType(u16(14), 16, 0);
                    }
                }
                case DLT_LINUX_SLL2 -> {
                    if (has(0, 20)) {
                        add("cooked linux");
                        etherType(u16(0), 20, 0);
                    }
                }
                case DLT_NULL, DLT_LOOP -> loopback(dlt);
                case DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW -> rawIp(0);
                case DLT_IPV4 -> ipv4(0);
                case DLT_IPV6 -> ipv6(0);
                default -> {
                    // Unknown link layer: no layers.
                }
            }
        }

        private void ethernet(int offset) {
            if (!has(offset, 14)) {
                return;
            }
            add("Ethernet");
            int type = u16(offset + 12);
            // A value up to 1500 is an 802.3 length (LLC follows, e.g. CDP, STP): stop there.
            if (type > 1500) {
                etherType(type, offset + 14, 0);
            }
        }

        private void etherType(int type, int offset, int depth) {
            switch (type) {
                case ETHERTYPE_IPV4 -> ipv4(offset);
                case ETHERTYPE_IPV6 -> ipv6(offset);
                case ETHERTYPE_ARP -> arp(offset);
                case ETHERTYPE_VLAN, ETHERTYPE_QINQ -> {
                    if (depth < MAX_NESTING && has(offset, 4)) {
                        add("802.1Q");
                        etherType(u16(offset + 2), offset + 4, depth + 1);
                    }
                }
                default -> {
                    // Not dissected.
                }
            }
        }

        private void loopback(int dlt) {
            if (!has(0, 4)) {
                return;
            }
            int family;
            if (dlt == DLT_LOOP) {
                family = u16(0) << 16 | u16(2);
            } else {
                // DLT_NULL: the family is in the byte order of the capturing host.
                int le = u8(0) | u8(1) << 8 | u8(2) << 16 | u8(3) << 24;
                family = (le & 0xffff0000) != 0 ? Integer.reverseBytes(le) : le;
            }
            add("Loopback");
            switch (family) {
                case 2 -> ipv4(4);
                case 10, 24, 28, 30 -> ipv6(4); // AF_INET6 on Linux, NetBSD/OpenBSD, FreeBSD, macOS
                default -> {
                    // Not IP.
                }
            }
        }

        private void rawIp(int offset) {
            if (has(offset, 1)) {
                int version = u8(offset) >>> 4;
                if (version == 4) {
                    ipv4(offset);
                } else if (version == 6) {
                    ipv6(offset);
                }
            }
        }

        private void arp(int offset) {
            if (!has(offset, 8)) {
                return;
            }
            int hlen = u8(offset + 4);
            int plen = u8(offset + 5);
            if (has(offset, 8 + 2 * (hlen + plen))) {
                add("ARP");
                networkOffset = offset;
            }
        }

        private void ipv4(int offset) {
            if (!has(offset, 20) || u8(offset) >>> 4 != 4) {
                return;
            }
            int headerLength = (u8(offset) & 0x0f) * 4;
            int totalLength = u16(offset + 2);
            if (headerLength < 20 || !has(offset, headerLength)) {
                return;
            }
            add("IP");
            ipVersion = 4;
            networkOffset = offset;
            if (totalLength >= headerLength) {
                // Ignore link-layer padding after the datagram (but TSO captures may say 0).
                end = Math.min(end, offset + totalLength);
            }
            int fragmentOffset = u16(offset + 6) & 0x1fff;
            if (fragmentOffset != 0) {
                return; // a later fragment: no transport header in it
            }
            transport(u8(offset + 9), offset + headerLength);
        }

        private void ipv6(int offset) {
            if (!has(offset, 40) || u8(offset) >>> 4 != 6) {
                return;
            }
            add("IPv6");
            ipVersion = 6;
            networkOffset = offset;
            int payloadLength = u16(offset + 4);
            if (payloadLength > 0) {
                end = Math.min(end, offset + 40 + payloadLength);
            }
            int next = u8(offset + 6);
            int at = offset + 40;
            for (int i = 0; i < MAX_NESTING; i++) {
                switch (next) {
                    case 0, 43, 60 -> { // hop-by-hop, routing, destination options
                        if (!has(at, 8)) {
                            return;
                        }
                        next = u8(at);
                        at += (u8(at + 1) + 1) * 8;
                    }
                    case 44 -> { // fragment
                        if (!has(at, 8) || (u16(at + 2) >>> 3) != 0) {
                            return;
                        }
                        next = u8(at);
                        at += 8;
                    }
                    case 51 -> { // authentication header
                        if (!has(at, 8)) {
                            return;
                        }
                        next = u8(at);
                        at += (u8(at + 1) + 2) * 4;
                    }
                    default -> {
                        transport(next, at);
                        return;
                    }
                }
            }
        }

        private void transport(int protocol, int offset) {
            switch (protocol) {
                case PROTO_TCP -> {
                    if (!has(offset, 20)) {
                        return;
                    }
                    int headerLength = (u8(offset + 12) >>> 4) * 4;
                    if (headerLength < 20 || !has(offset, headerLength)) {
                        return;
                    }
                    found("TCP", offset, offset + headerLength, end);
                    int payloadLength = end - payloadOffset;
                    // DNS over TCP: a two-byte length, then the message.
                    if (isDnsPort(offset) && payloadLength >= 2 + DNS_HEADER_BYTES) {
                        add("DNS");
                    }
                }
                case PROTO_UDP -> {
                    if (!has(offset, 8)) {
                        return;
                    }
                    int length = u16(offset + 4);
                    int payloadEnd = length >= 8 ? Math.min(end, offset + length) : end;
                    found("UDP", offset, offset + 8, payloadEnd);
                    if (isDnsPort(offset) && payloadEnd - payloadOffset >= DNS_HEADER_BYTES) {
                        add("DNS");
                    }
                }
                case PROTO_ICMP -> {
                    if (has(offset, 4)) {
                        found("ICMP", offset, offset + 4, end);
                    }
                }
                case PROTO_ICMPV6 -> {
                    if (has(offset, 4)) {
                        found("ICMPv6", offset, offset + 4, end);
                    }
                }
                default -> {
                    // Not dissected.
                }
            }
        }

        private boolean isDnsPort(int offset) {
            return u16(offset) == DNS_PORT || u16(offset + 2) == DNS_PORT;
        }

        private void found(String name, int offset, int payloadStart, int payloadStop) {
            add(name);
            transport = name;
            transportOffset = offset;
            payloadOffset = payloadStart;
            payloadEnd = Math.max(payloadStart, payloadStop);
        }
    }
}
