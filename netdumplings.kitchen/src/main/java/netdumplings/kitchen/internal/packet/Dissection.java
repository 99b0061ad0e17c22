package netdumplings.kitchen.internal.packet;

import java.util.List;

import netdumplings.api.Arp;
import netdumplings.api.Dns;
import netdumplings.api.Icmp;
import netdumplings.api.Ip;
import netdumplings.api.Protocol;
import netdumplings.api.Tcp;
import netdumplings.api.Udp;

/**
 * What {@link PacketDissector} found in one packet: its protocols as bits, its layers in
 * order (packed 6 bits each into two longs: no array per packet), and the offsets of the
 * headers the views read. It is itself every view ({@link Ip}, {@link Tcp}...): a
 * {@link CapturedPacket} hands this one object out, so a view costs no allocation.
 * <p>
 * Every offset stored was bounds-checked by the dissector for the bytes its view reads.
 * Filled by the dissector before it is published (through a volatile field of
 * {@link CapturedPacket}); after that only the lazily decoded texts are written, with the
 * racy single-check idiom (immutable Strings: at worst decoded twice).
 */
public final class Dissection implements Ip, Tcp, Udp, Icmp, Arp, Dns {

    static final int MAX_LAYERS = 20;
    private static final int BITS = 6;
    private static final int PER_LONG = 10;

    final byte[] d;
    long mask;
    private long layers0;
    private long layers1;
    int layerCount;

    int vlanOffset = -1;
    int llcOffset = -1;
    int snapOffset = -1;
    /** The IP (carrying the transport) or ARP header. */
    int networkOffset = -1;
    int ipVersion;
    int ipProtocol;
    int firstExtensionOffset = -1;
    int transportOffset = -1;
    int payloadOffset = -1;
    int payloadEnd = -1;
    int dnsOffset = -1;
    int dnsEnd = -1;
    int innerIpOffset = -1;
    int rawOffset = -1;
    int paddingOffset = -1;

    private String questionName;
    private List<String> names;

    Dissection(byte[] data) {
        this.d = data;
    }

    void add(Protocol p) {
        mask |= p.bit();
        if (layerCount < PER_LONG) {
            layers0 |= (long) p.ordinal() << (BITS * layerCount);
        } else if (layerCount < MAX_LAYERS) {
            layers1 |= (long) p.ordinal() << (BITS * (layerCount - PER_LONG));
        } else {
            return;
        }
        layerCount++;
    }

    /** @return the protocols as bits */
    public long protocols() {
        return mask;
    }

    /** @return the number of layers */
    public int layerCount() {
        return layerCount;
    }

    /**
     * @param index 0 to {@link #layerCount()} - 1
     * @return the layer's protocol
     */
    public Protocol layer(int index) {
        if (index < 0 || index >= layerCount) {
            throw new IndexOutOfBoundsException(index);
        }
        long packed = index < PER_LONG ? layers0 >>> (BITS * index) : layers1 >>> (BITS * (index - PER_LONG));
        return Protocol.ofOrdinal((int) (packed & ((1 << BITS) - 1)));
    }

    /** @return the layer names, made on first use and kept */
    public List<String> layers() {
        List<String> result = names;
        if (result == null) {
            String[] n = new String[layerCount];
            for (int i = 0; i < n.length; i++) {
                n[i] = layer(i).layerName();
            }
            result = List.of(n);
            names = result;
        }
        return result;
    }

    boolean has(Protocol p) {
        return (mask & p.bit()) != 0;
    }

    /**
     * @param p a protocol
     * @return its header's offset, or -1
     */
    public int offset(Protocol p) {
        if (!has(p)) {
            return -1;
        }
        return switch (p) {
            case ETHERNET, DOT3, SLL, SLL2, LOOPBACK -> 0;
            case DOT1Q, DOT1AD -> vlanOffset;
            case LLC -> llcOffset;
            case SNAP -> snapOffset;
            case ARP, IPV4, IPV6 -> networkOffset;
            case IPV6_HOP_BY_HOP, IPV6_ROUTING, IPV6_FRAGMENT, IPV6_DESTINATION -> firstExtensionOffset;
            case ICMP, ICMPV6, TCP, UDP -> transportOffset;
            case DNS, LLMNR_QUERY, LLMNR_RESPONSE -> dnsOffset;
            case IP_IN_ICMP -> innerIpOffset;
            case RAW -> rawOffset;
            case PADDING -> paddingOffset;
            default -> -1; // quoted transport headers: after IP_IN_ICMP's header
        };
    }

    /** @return this as the IP view, or null */
    public Ip ip() {
        return ipVersion != 0 ? this : null;
    }

    /** @return this as the TCP view, or null */
    public Tcp tcp() {
        return has(Protocol.TCP) ? this : null;
    }

    /** @return this as the UDP view, or null */
    public Udp udp() {
        return has(Protocol.UDP) ? this : null;
    }

    /** @return this as the ICMP view, or null */
    public Icmp icmp() {
        return (mask & (Protocol.ICMP.bit() | Protocol.ICMPV6.bit())) != 0 ? this : null;
    }

    /** @return this as the ARP view, or null */
    public Arp arp() {
        return has(Protocol.ARP) ? this : null;
    }

    /** @return this as the DNS view, or null */
    public Dns dns() {
        return dnsOffset >= 0 ? this : null;
    }

    /** @return the transport payload's offset, or -1 */
    public int transportPayloadOffset() {
        return payloadOffset;
    }

    /** @return the transport payload's captured length */
    public int transportPayloadLength() {
        return payloadOffset < 0 ? 0 : payloadEnd - payloadOffset;
    }

    private int u8(int at) {
        return d[at] & 0xff;
    }

    private int u16(int at) {
        return (d[at] & 0xff) << 8 | d[at + 1] & 0xff;
    }

    private int u32(int at) {
        return (d[at] & 0xff) << 24 | (d[at + 1] & 0xff) << 16 | (d[at + 2] & 0xff) << 8 | d[at + 3] & 0xff;
    }

    // --- Ip

    @Override
    public int version() {
        return ipVersion;
    }

    @Override
    public int protocol() {
        return ipProtocol;
    }

    @Override
    public int ttl() {
        return ipVersion == 4 ? u8(networkOffset + 8) : u8(networkOffset + 7);
    }

    @Override
    public int ipHeaderLength() {
        return ipVersion == 4 ? (u8(networkOffset) & 0x0f) * 4 : 40;
    }

    @Override
    public int totalLength() {
        return ipVersion == 4 ? u16(networkOffset + 2) : 40 + u16(networkOffset + 4);
    }

    @Override
    public int srcIpv4() {
        return ipVersion == 4 ? u32(networkOffset + 12) : 0;
    }

    @Override
    public int dstIpv4() {
        return ipVersion == 4 ? u32(networkOffset + 16) : 0;
    }

    @Override
    public int addressLength() {
        return ipVersion == 4 ? 4 : 16;
    }

    @Override
    public int srcAddressOffset() {
        return networkOffset + (ipVersion == 4 ? 12 : 8);
    }

    @Override
    public int dstAddressOffset() {
        return networkOffset + (ipVersion == 4 ? 16 : 24);
    }

    @Override
    public String srcText() {
        return Addresses.ip(d, srcAddressOffset(), addressLength());
    }

    @Override
    public String dstText() {
        return Addresses.ip(d, dstAddressOffset(), addressLength());
    }

    // --- Tcp and Udp

    @Override
    public int srcPort() {
        return u16(transportOffset);
    }

    @Override
    public int dstPort() {
        return u16(transportOffset + 2);
    }

    @Override
    public int flags() {
        return u8(transportOffset + 13);
    }

    @Override
    public long seq() {
        return u32(transportOffset + 4) & 0xffffffffL;
    }

    @Override
    public long ack() {
        return u32(transportOffset + 8) & 0xffffffffL;
    }

    @Override
    public int tcpHeaderLength() {
        return (u8(transportOffset + 12) >>> 4) * 4;
    }

    @Override
    public int payloadOffset() {
        return payloadOffset;
    }

    @Override
    public int payloadLength() {
        return transportPayloadLength();
    }

    // --- Icmp

    @Override
    public int icmpVersion() {
        return has(Protocol.ICMPV6) ? 6 : 4;
    }

    @Override
    public int type() {
        return u8(transportOffset);
    }

    @Override
    public int code() {
        return u8(transportOffset + 1);
    }

    // --- Arp

    private int arpHardwareLength() {
        return u8(networkOffset + 4);
    }

    private int arpProtocolLength() {
        return u8(networkOffset + 5);
    }

    private boolean ethernetIpv4Arp() {
        return arpHardwareLength() == 6 && arpProtocolLength() == 4;
    }

    @Override
    public int operation() {
        return u16(networkOffset + 6);
    }

    @Override
    public int senderMacOffset() {
        return networkOffset + 8;
    }

    @Override
    public int targetMacOffset() {
        return networkOffset + 8 + arpHardwareLength() + arpProtocolLength();
    }

    private int senderIpOffset() {
        return networkOffset + 8 + arpHardwareLength();
    }

    private int targetIpOffset() {
        return targetMacOffset() + arpHardwareLength();
    }

    @Override
    public int senderIpv4() {
        return ethernetIpv4Arp() ? u32(senderIpOffset()) : 0;
    }

    @Override
    public int targetIpv4() {
        return ethernetIpv4Arp() ? u32(targetIpOffset()) : 0;
    }

    @Override
    public String senderMacText() {
        return Addresses.mac(d, senderMacOffset(), arpHardwareLength());
    }

    @Override
    public String targetMacText() {
        return Addresses.mac(d, targetMacOffset(), arpHardwareLength());
    }

    @Override
    public String senderIpText() {
        return Addresses.ip(d, senderIpOffset(), arpProtocolLength());
    }

    @Override
    public String targetIpText() {
        return Addresses.ip(d, targetIpOffset(), arpProtocolLength());
    }

    // --- Dns

    @Override
    public int id() {
        return u16(dnsOffset);
    }

    @Override
    public boolean isResponse() {
        return (u8(dnsOffset + 2) & 0x80) != 0;
    }

    @Override
    public int questionCount() {
        return u16(dnsOffset + 4);
    }

    @Override
    public String questionName() {
        String result = questionName;
        if (result == null && questionCount() > 0) {
            result = DnsNames.decode(d, dnsOffset, dnsEnd, dnsOffset + 12);
            questionName = result;
        }
        return result;
    }

    @Override
    public int questionType() {
        if (questionCount() == 0) {
            return -1;
        }
        int end = DnsNames.skip(d, dnsOffset + 12, dnsEnd);
        return end >= 0 && end + 2 <= dnsEnd ? u16(end) : -1;
    }

    @Override
    public int messageOffset() {
        return dnsOffset;
    }

    @Override
    public int messageLength() {
        return dnsEnd - dnsOffset;
    }
}
