package netdumplings.kitchen.internal.packet;

import static netdumplings.api.Protocol.*;

import netdumplings.api.Protocol;

/**
 * The kitchen's dissector: one walk over a packet's headers, made once per packet and
 * shared by every chef ({@link Dissection}). No pcap4j, no allocation beyond the
 * {@link Dissection}, and never an exception or a read past the captured bytes: each
 * header is checked to be whole before it is read, and a header that is not ends the walk
 * (what follows is {@code Raw}).
 * <p>
 * It follows the original's dissector (scapy 2.5) so that the layer names are the
 * original's: which EtherTypes, IP protocols and ports lead to which layer, that an
 * IPv4 total length (an 802.3 length, a UDP length, an ARP header) shorter than the bytes
 * leaves {@code Padding}, that unclaimed payload is {@code Raw}, and that an ICMP error's
 * quoted headers are layers ({@code IP in ICMP}...). Where scapy dissects an application
 * protocol we do not (BOOTP, DHCPv6, RIP, NTP, NBNS, SNMP... on their ports), the payload
 * is claimed without a name, as the original has no {@code Raw} there.
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

    /** More nested VLAN tags, tunnels or IPv6 extension headers than this is not a real packet. */
    private static final int MAX_NESTING = 8;

    private PacketDissector() {
    }

    /**
     * @param data the captured bytes, starting with the link-layer header; never modified
     * @param dlt  the link-layer type
     * @return the dissection; never null
     */
    public static Dissection dissect(byte[] data, int dlt) {
        Dissection r = new Dissection(data);
        try {
            new Walker(r, data).link(dlt);
        } catch (RuntimeException e) {
            // Defensive only: every read is bounds-checked, so this would be a bug, not bad
            // input; the layers found until then stay.
        }
        return r;
    }

    /** For tests: {@link #dissect} without its defensive catch, so a read past the bytes shows. */
    static Dissection dissectStrict(byte[] data, int dlt) {
        Dissection r = new Dissection(data);
        new Walker(r, data).link(dlt);
        return r;
    }

    /** One walk; each method gets the bytes [at, end) its layer may use. */
    private static final class Walker {
        private final Dissection r;
        private final byte[] d;
        private int depth;

        Walker(Dissection r, byte[] d) {
            this.r = r;
            this.d = d;
        }

        private int u8(int at) {
            return d[at] & 0xff;
        }

        private int u16(int at) {
            return (d[at] & 0xff) << 8 | d[at + 1] & 0xff;
        }

        private void raw(int at, int end) {
            if (end > at) {
                if (r.rawOffset < 0) {
                    r.rawOffset = at;
                }
                r.add(RAW);
            }
        }

        private void padding(int at, int end) {
            if (end > at) {
                if (r.paddingOffset < 0) {
                    r.paddingOffset = at;
                }
                r.add(PADDING);
            }
        }

        /** The total length ends the datagram (the rest is padding); one shorter than the header, none. */
        private int ipv4PayloadEnd(int at, int headerLength, int end) {
            int dataLength = u16(at + 2) - headerLength;
            return dataLength < 0 ? end : Math.min(end, at + headerLength + dataLength);
        }

        /** The UDP length ends the payload; as scapy's (Python's) slicing, one below 8 cuts that much from the end. */
        private int udpPayloadEnd(int at, int end) {
            int dataLength = u16(at + 4) - 8;
            return dataLength >= 0 ? Math.min(end, at + 8 + dataLength) : Math.max(at + 8, end + dataLength);
        }

        void link(int dlt) {
            int end = d.length;
            switch (dlt) {
                case DLT_EN10MB -> ethernet(0, end);
                case DLT_LINUX_SLL -> {
                    if (end >= 16) {
                        r.add(SLL);
                        cookedProtocol(u16(14), 16, end);
                    } else {
                        raw(0, end);
                    }
                }
                case DLT_LINUX_SLL2 -> {
                    if (end >= 20) {
                        r.add(SLL2);
                        cookedProtocol(u16(0), 20, end);
                    } else {
                        raw(0, end);
                    }
                }
                case DLT_NULL, DLT_LOOP -> loopback(dlt, end);
                case DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW -> {
                    if (end > 0 && u8(0) >>> 4 == 6) {
                        ipv6(0, end);
                    } else {
                        ipv4(0, end);
                    }
                }
                case DLT_IPV4 -> ipv4(0, end);
                case DLT_IPV6 -> ipv6(0, end);
                default -> raw(0, end);
            }
        }

        private void ethernet(int at, int end) {
            if (end - at < 14) {
                raw(at, end);
                return;
            }
            int type = u16(at + 12);
            if (type <= 1500) {
                // An 802.3 frame: the field is the length of the LLC data; the rest is padding.
                r.add(DOT3);
                int payloadEnd = Math.min(end, at + 14 + type);
                llc(at + 14, payloadEnd);
                padding(payloadEnd, end);
                return;
            }
            r.add(ETHERNET);
            etherType(type, at + 14, end, false);
        }

        /** After Ethernet, SNAP or a VLAN tag (whose type is > 1500). */
        private void etherType(int type, int at, int end, boolean snap) {
            switch (type) {
                case 0x0800 -> ipv4(at, end);
                case 0x86dd -> ipv6(at, end);
                case 0x0806 -> arp(at, end);
                case 0x8100 -> vlan(DOT1Q, at, end);
                case 0x88a8 -> vlan(DOT1AD, at, end);
                case 0x0001 -> {
                    if (depth >= MAX_NESTING) {
                        raw(at, end);
                    } else {
                        depth++;
                        ethernet(at, end);
                        depth--;
                    }
                }
                case 0x007a -> {
                    if (snap) {
                        raw(at, end);
                    } else {
                        llc(at, end);
                    }
                }
                default -> raw(at, end);
            }
        }

        /** After a Linux cooked header: its protocol field. */
        private void cookedProtocol(int protocol, int at, int end) {
            switch (protocol) {
                case 0x0800 -> ipv4(at, end);
                case 0x86dd -> ipv6(at, end);
                case 0x0806 -> arp(at, end);
                case 0x8100 -> vlan(DOT1Q, at, end);
                case 0x0001 -> ethernet(at, end);
                case 0x007a -> llc(at, end);
                default -> raw(at, end);
            }
        }

        private void vlan(Protocol tag, int at, int end) {
            if (end - at < 4 || depth >= MAX_NESTING) {
                raw(at, end);
                return;
            }
            r.add(tag);
            if (r.vlanOffset < 0) {
                r.vlanOffset = at;
            }
            int type = u16(at + 2);
            depth++;
            if (type <= 1500) {
                int payloadEnd = Math.min(end, at + 4 + type);
                llc(at + 4, payloadEnd);
                padding(payloadEnd, end);
            } else {
                etherType(type, at + 4, end, false);
            }
            depth--;
        }

        private void llc(int at, int end) {
            if (end - at < 3) {
                raw(at, end);
                return;
            }
            r.add(LLC);
            r.llcOffset = at;
            if (u8(at) == 0xaa && u8(at + 1) == 0xaa && u8(at + 2) == 3) {
                if (end - at - 3 < 5) {
                    raw(at + 3, end);
                    return;
                }
                r.add(SNAP);
                r.snapOffset = at + 3;
                etherType(u16(at + 6), at + 8, end, true);
            } else {
                raw(at + 3, end); // STP, NetBIOS...: not dissected
            }
        }

        private void loopback(int dlt, int end) {
            if (end < 4) {
                raw(0, end);
                return;
            }
            r.add(LOOPBACK);
            // DLT_LOOP is in network byte order; DLT_NULL in the capturing host's, which
            // scapy reads as little-endian: 0 and 2 are IPv4, 10 (Linux) and 24 (BSD)
            // IPv6, anything else (macOS's 30, say) stays Raw, as in the original.
            int family = dlt == DLT_LOOP ? u16(0) << 16 | u16(2) : u8(0) | u8(1) << 8 | u8(2) << 16 | u8(3) << 24;
            switch (family) {
                case 0, 2 -> ipv4(4, end);
                case 10, 24 -> ipv6(4, end);
                default -> raw(4, end);
            }
        }

        private void arp(int at, int end) {
            if (end - at < 8) {
                raw(at, end);
                return;
            }
            int size = 8 + 2 * (u8(at + 4) + u8(at + 5));
            if (end - at < size) {
                raw(at, end);
                return;
            }
            r.add(ARP);
            r.networkOffset = at;
            padding(at + size, end); // ARP has no payload: whatever follows is padding
        }

        private void ipv4(int at, int end) {
            if (end - at < 20 || depth >= MAX_NESTING) {
                raw(at, end);
                return;
            }
            int headerLength = (u8(at) & 0x0f) * 4;
            if (headerLength < 20 || headerLength > end - at) {
                raw(at, end);
                return;
            }
            r.add(IPV4);
            r.networkOffset = at;
            r.ipVersion = 4;
            int protocol = u8(at + 9);
            r.ipProtocol = protocol;
            int payloadAt = at + headerLength;
            int payloadEnd = ipv4PayloadEnd(at, headerLength, end);
            boolean first = (u16(at + 6) & 0x1fff) == 0;
            depth++;
            switch (first ? protocol : protocol == 41 ? 41 : -1) {
                case 1 -> icmp(payloadAt, payloadEnd);
                case 6 -> tcp(payloadAt, payloadEnd);
                case 17 -> udp(payloadAt, payloadEnd);
                case 4 -> ipv4(payloadAt, payloadEnd);
                case 41 -> ipv6(payloadAt, payloadEnd);
                default -> raw(payloadAt, payloadEnd);
            }
            depth--;
            padding(payloadEnd, end);
        }

        private void ipv6(int at, int end) {
            if (end - at < 40 || depth >= MAX_NESTING) {
                raw(at, end);
                return;
            }
            r.add(IPV6);
            r.networkOffset = at;
            r.ipVersion = 6;
            int payloadLength = u16(at + 4);
            int next = u8(at + 6);
            // A payload length of 0 with hop-by-hop options is a jumbogram: up to the end.
            int payloadEnd = payloadLength == 0 && next == 0 ? end : Math.min(end, at + 40 + payloadLength);
            depth++;
            ipv6Next(next, at + 40, payloadEnd);
            depth--;
            padding(payloadEnd, end);
        }

        private void ipv6Next(int next, int at, int end) {
            r.ipProtocol = next;
            switch (next) {
                case 6 -> tcp(at, end);
                case 17 -> udp(at, end);
                case 58 -> icmpv6(at, end);
                case 4 -> ipv4(at, end);
                case 41 -> ipv6(at, end);
                case 0 -> extension(IPV6_HOP_BY_HOP, at, end);
                case 43 -> extension(IPV6_ROUTING, at, end);
                case 44 -> extension(IPV6_FRAGMENT, at, end);
                case 60 -> extension(IPV6_DESTINATION, at, end);
                default -> raw(at, end);
            }
        }

        private void extension(Protocol kind, int at, int end) {
            if (end - at < 8 || depth >= MAX_NESTING) {
                raw(at, end);
                return;
            }
            int length = kind == IPV6_FRAGMENT ? 8 : (u8(at + 1) + 1) * 8;
            if (length > end - at) {
                raw(at, end);
                return;
            }
            r.add(kind);
            if (r.firstExtensionOffset < 0) {
                r.firstExtensionOffset = at;
            }
            if (kind == IPV6_FRAGMENT && (u16(at + 2) >>> 3) != 0) {
                raw(at + 8, end); // a later fragment: no transport header in it
                return;
            }
            depth++;
            ipv6Next(u8(at), at + length, end);
            depth--;
        }

        /** Sets the transport fields of the views (only for the outermost transport found). */
        private void transport(int at, int payloadAt, int payloadEnd) {
            r.transportOffset = at;
            r.payloadOffset = payloadAt;
            r.payloadEnd = Math.max(payloadAt, payloadEnd);
        }

        private void tcp(int at, int end) {
            if (end - at < 20) {
                raw(at, end);
                return;
            }
            r.add(TCP);
            int headerLength = Math.max(20, Math.min((u8(at + 12) >>> 4) * 4, end - at));
            int payloadAt = at + headerLength;
            transport(at, payloadAt, end);
            if (payloadAt >= end) {
                return;
            }
            int src = u16(at);
            int dst = u16(at + 2);
            if (src == 53 || dst == 53) {
                // DNS over TCP: a two-byte length, then the message.
                dns(payloadAt + 2, end, payloadAt, DNS);
            } else if (!Ports.tcpClaimed(src, dst)) {
                raw(payloadAt, end);
            }
        }

        private void udp(int at, int end) {
            if (end - at < 8) {
                raw(at, end);
                return;
            }
            r.add(UDP);
            int payloadAt = at + 8;
            int payloadEnd = udpPayloadEnd(at, end);
            transport(at, payloadAt, payloadEnd);
            if (payloadAt < payloadEnd) {
                int src = u16(at);
                int dst = u16(at + 2);
                if (dst == 5353 || src == 5353 || dst == 53 || src == 53) {
                    dns(payloadAt, payloadEnd, payloadAt, DNS);
                } else if (dst == 5355 || src == 5355) {
                    boolean response = payloadEnd - payloadAt > 2 && (u8(payloadAt + 2) & 0x80) != 0;
                    dns(payloadAt, payloadEnd, payloadAt, response ? LLMNR_RESPONSE : LLMNR_QUERY);
                } else if (!Ports.udpClaimed(src, dst)) {
                    raw(payloadAt, payloadEnd);
                }
            }
            padding(payloadEnd, end);
        }

        /** A DNS message at {@code at}; when its header or first question does not parse, Raw from {@code rawAt}. */
        private void dns(int at, int end, int rawAt, Protocol kind) {
            if (end - at < 12 || u16(at + 4) > 0 && !DnsNames.valid(d, at, end, at + 12)) {
                raw(rawAt, end);
                return;
            }
            r.add(kind);
            r.dnsOffset = at;
            r.dnsEnd = end;
        }

        /** @return the ICMP header's length as scapy reads it for this type */
        private static int icmpHeaderLength(int type) {
            return switch (type) {
                case 13, 14 -> 20; // timestamps
                case 17, 18 -> 12; // address mask
                default -> 8;
            };
        }

        private static boolean icmpError(int type) {
            return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
        }

        private void icmp(int at, int end) {
            if (end - at < 4) {
                raw(at, end);
                return;
            }
            r.add(ICMP);
            int type = u8(at);
            int payloadAt = Math.min(end, at + icmpHeaderLength(type));
            transport(at, payloadAt, end);
            if (icmpError(type)) {
                quotedIp(payloadAt, end);
            } else {
                raw(payloadAt, end);
            }
        }

        private void icmpv6(int at, int end) {
            if (end - at < 4) {
                raw(at, end);
                return;
            }
            r.add(ICMPV6);
            transport(at, Math.min(end, at + 8), end);
            // ICMPv6's messages and options are not dissected further.
        }

        // --- Headers quoted in an ICMP error: named, never the views' headers.

        private void quotedIp(int at, int end) {
            if (end - at < 20 || depth >= MAX_NESTING) {
                raw(at, end);
                return;
            }
            int headerLength = Math.max(20, Math.min((u8(at) & 0x0f) * 4, end - at));
            r.add(IP_IN_ICMP);
            if (r.innerIpOffset < 0) {
                r.innerIpOffset = at;
            }
            int payloadAt = at + headerLength;
            int payloadEnd = ipv4PayloadEnd(at, headerLength, end);
            boolean first = (u16(at + 6) & 0x1fff) == 0;
            depth++;
            switch (first ? u8(at + 9) : -1) {
                case 1 -> quotedIcmp(payloadAt, payloadEnd);
                case 6 -> quotedTcp(payloadAt, payloadEnd);
                case 17 -> quotedUdp(payloadAt, payloadEnd);
                case 4 -> quotedIp(payloadAt, payloadEnd);
                default -> raw(payloadAt, payloadEnd);
            }
            depth--;
            padding(payloadEnd, end);
        }

        private void quotedIcmp(int at, int end) {
            if (end - at < 4) {
                raw(at, end);
                return;
            }
            r.add(ICMP_IN_ICMP);
            int type = u8(at);
            int payloadAt = Math.min(end, at + icmpHeaderLength(type));
            if (icmpError(type)) {
                quotedIp(payloadAt, end);
            } else {
                raw(payloadAt, end);
            }
        }

        private void quotedTcp(int at, int end) {
            int available = end - at;
            // An ICMP error quotes at least 8 bytes: ports and sequence number. Scapy names a
            // header cut at a field's end, and gives up (Raw) on one cut within a field.
            if (available < 20 && available != 2 && available != 4 && available != 8 && available != 12) {
                raw(at, end);
                return;
            }
            r.add(TCP_IN_ICMP);
            if (available >= 20) {
                raw(at + Math.max(20, Math.min((u8(at + 12) >>> 4) * 4, available)), end);
            }
        }

        private void quotedUdp(int at, int end) {
            int available = end - at;
            if (available < 8 && available != 2 && available != 4 && available != 6) {
                raw(at, end);
                return;
            }
            r.add(UDP_IN_ICMP);
            if (available >= 8) {
                int payloadEnd = udpPayloadEnd(at, end);
                raw(at + 8, payloadEnd);
                padding(payloadEnd, end);
            }
        }
    }
}
