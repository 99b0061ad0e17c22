package netdumplings.api;

/**
 * The protocols a kitchen's dissector knows, each with the layer name the original
 * netdumplings (scapy) gives it. {@link SniffedPacket#has(Protocol)} is a bit test:
 * {@link #bit()} is {@code 1L << ordinal()}, so {@link SniffedPacket#protocols()} holds
 * every protocol of a packet in one {@code long}, and a chef may count into an array
 * indexed by {@link #ordinal()}.
 * <p>
 * New protocols are only ever added at the end (the ordinals of existing ones never change).
 */
public enum Protocol {
    /** Ethernet II ({@code Ethernet}). */
    ETHERNET("Ethernet"),
    /** An IEEE 802.3 frame: an Ethernet header whose type field is a length ({@code 802.3}). */
    DOT3("802.3"),
    /** IEEE 802.2 LLC ({@code LLC}). */
    LLC("LLC"),
    /** SNAP, after LLC AA-AA-03 ({@code SNAP}). */
    SNAP("SNAP"),
    /** An 802.1Q VLAN tag; stacked tags are one layer each ({@code 802.1Q}). */
    DOT1Q("802.1Q"),
    /** An 802.1ad (QinQ, EtherType 0x88a8) service tag ({@code 802_1AD}). */
    DOT1AD("802_1AD"),
    /** Linux cooked capture v1, DLT 113 ({@code cooked linux}). */
    SLL("cooked linux"),
    /** Linux cooked capture v2, DLT 276 ({@code cooked linux v2}). */
    SLL2("cooked linux v2"),
    /** BSD null/loopback, DLT 0 and 108 ({@code Loopback}). */
    LOOPBACK("Loopback"),
    /** ARP ({@code ARP}). */
    ARP("ARP"),
    /** IPv4 ({@code IP}). */
    IPV4("IP"),
    /** IPv6 ({@code IPv6}). */
    IPV6("IPv6"),
    /** IPv6 hop-by-hop options. */
    IPV6_HOP_BY_HOP("IPv6 Extension Header - Hop-by-Hop Options Header"),
    /** IPv6 routing header. */
    IPV6_ROUTING("IPv6 Extension Header - Routing Header"),
    /** IPv6 fragment header. */
    IPV6_FRAGMENT("IPv6 Extension Header - Fragmentation header"),
    /** IPv6 destination options. */
    IPV6_DESTINATION("IPv6 Extension Header - Destination Options Header"),
    /** ICMP ({@code ICMP}). */
    ICMP("ICMP"),
    /** ICMPv6 (scapy names each message type apart; this view does not). */
    ICMPV6("ICMPv6"),
    /** TCP ({@code TCP}). */
    TCP("TCP"),
    /** UDP ({@code UDP}). */
    UDP("UDP"),
    /** DNS on UDP 53 or 5353 (mDNS), or TCP 53 ({@code DNS}). */
    DNS("DNS"),
    /** An LLMNR query, UDP 5355. */
    LLMNR_QUERY("Link Local Multicast Node Resolution - Query"),
    /** An LLMNR response, UDP 5355. */
    LLMNR_RESPONSE("Link Local Multicast Node Resolution - Response"),
    /** The IP header quoted in an ICMP error. */
    IP_IN_ICMP("IP in ICMP"),
    /** The ICMP header quoted in an ICMP error. */
    ICMP_IN_ICMP("ICMP in ICMP"),
    /** The TCP header quoted in an ICMP error (often only its first 8 bytes). */
    TCP_IN_ICMP("TCP in ICMP"),
    /** The UDP header quoted in an ICMP error. */
    UDP_IN_ICMP("UDP in ICMP"),
    /** Payload bytes no dissector claimed ({@code Raw}). */
    RAW("Raw"),
    /** Bytes after the end a header gave (Ethernet trailer after an IP datagram, say) ({@code Padding}). */
    PADDING("Padding");

    private static final Protocol[] VALUES = values();

    private final String layerName;

    Protocol(String layerName) {
        this.layerName = layerName;
    }

    /** @return the layer name, as the original's (scapy's) */
    public String layerName() {
        return layerName;
    }

    /** @return {@code 1L << ordinal()}: this protocol's bit in {@link SniffedPacket#protocols()} */
    public long bit() {
        return 1L << ordinal();
    }

    /**
     * @param ordinal an {@link #ordinal()}
     * @return the protocol with it (a shared array: no copy, unlike {@link #values()})
     */
    public static Protocol ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /**
     * @param layerName a layer name, such as {@code IP}
     * @return the protocol with that {@link #layerName()}, or null
     */
    public static Protocol ofLayerName(String layerName) {
        for (Protocol p : VALUES) {
            if (p.layerName.equals(layerName)) {
                return p;
            }
        }
        return null;
    }

    /** @return how many protocols there are: the length of an array indexed by ordinal */
    public static int count() {
        return VALUES.length;
    }
}
