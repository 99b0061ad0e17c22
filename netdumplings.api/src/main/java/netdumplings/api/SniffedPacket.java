package netdumplings.api;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A packet as a kitchen hands it to every chef: when it was captured, its bytes, typed
 * views of its headers laid over those bytes, its layer names, and pcap4j's full
 * dissection on demand.
 * <p>
 * The views ({@link #has(Protocol)}, {@link #ip()}, {@link #tcp()}, {@link #udp()},
 * {@link #icmp()}, {@link #arp()}, {@link #dns()}, {@link #payloadOffset()}) come from one
 * dissection per packet, shared by every chef: presence is a bit test, ports and IPv4
 * addresses are ints, and nothing is allocated except where a method says it returns text.
 * A malformed or truncated header ends the dissection there; no view reads past the
 * captured bytes, and none throws.
 * <p>
 * One instance is shared by every chef of a kitchen, possibly from several threads:
 * implementations are thread-safe, and nobody may modify {@link #rawData()}.
 */
@ProviderType
public interface SniffedPacket {

    /** @return when the packet was captured (microsecond precision) */
    Instant timestamp();

    /** @return the capture time in seconds since the epoch, as the wire format's floats */
    default double time() {
        Instant t = timestamp();
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /** @return the length of the packet on the wire, which may exceed the bytes captured */
    int originalLength();

    /**
     * @return the captured bytes, starting with the link-layer header. The array is shared:
     *         never modify it
     */
    byte[] rawData();

    /** @return the link-layer type (pcap DLT value: 1 Ethernet, 113 Linux cooked, ...) */
    int dataLinkType();

    /**
     * The layer names, outermost first, as the original (scapy) names them: those of
     * {@link Protocol#layerName()}, including {@code Raw} (payload no dissector claimed)
     * and {@code Padding} (bytes after a datagram's end, such as an Ethernet trailer).
     * Application layers scapy names (BOOTP, RIP, NTP, NBNS, DHCPv6...) are not named, but
     * their payload is not {@code Raw} either, as in the original.
     *
     * @return the layers found, outermost first; never null
     */
    List<String> layers();

    /**
     * @return how many layers {@link #layers()} has, without making the list
     * @since 1.1
     */
    default int layerCount() {
        return layers().size();
    }

    /**
     * @param index 0 for the outermost layer, up to {@link #layerCount()} - 1
     * @return that layer's protocol, without making a list or a String (the kitchen's
     *         packets); by default looked up by name, null for a name no {@link Protocol} has
     * @throws IndexOutOfBoundsException if there is no such layer
     * @since 1.1
     */
    default Protocol layer(int index) {
        return Protocol.ofLayerName(layers().get(index));
    }

    /**
     * @return every protocol of the packet as bits ({@link Protocol#bit()})
     * @since 1.1
     */
    default long protocols() {
        return 0;
    }

    /**
     * @param protocol a protocol
     * @return whether the packet has it (a bit test)
     * @since 1.1
     */
    default boolean has(Protocol protocol) {
        return (protocols() & protocol.bit()) != 0;
    }

    /**
     * @param protocol a protocol
     * @return where its header starts in {@link #rawData()} (the first, for stacked VLAN
     *         tags; the one carrying the transport, for IP in IP), or -1 when absent
     * @since 1.1
     */
    default int offset(Protocol protocol) {
        return -1;
    }

    /**
     * @return the IPv4 or IPv6 header (of the datagram carrying the transport), or null
     * @since 1.1
     */
    default Ip ip() {
        return null;
    }

    /**
     * @return the TCP header, or null
     * @since 1.1
     */
    default Tcp tcp() {
        return null;
    }

    /**
     * @return the UDP header, or null
     * @since 1.1
     */
    default Udp udp() {
        return null;
    }

    /**
     * @return the ICMP or ICMPv6 header, or null
     * @since 1.1
     */
    default Icmp icmp() {
        return null;
    }

    /**
     * @return the ARP packet, or null
     * @since 1.1
     */
    default Arp arp() {
        return null;
    }

    /**
     * @return the DNS (or LLMNR) message, or null
     * @since 1.1
     */
    default Dns dns() {
        return null;
    }

    /**
     * @return where the transport payload (after the TCP, UDP or ICMP header) starts in
     *         {@link #rawData()}, or -1 without a transport layer
     * @since 1.1
     */
    default int payloadOffset() {
        return -1;
    }

    /**
     * @return the transport payload's length in the captured bytes (0 for none)
     * @since 1.1
     */
    default int payloadLength() {
        return 0;
    }

    /**
     * pcap4j's full dissection, made on the first call and then kept.
     * Malformed parts become pcap4j {@code IllegalRawDataPacket}s, never an exception.
     *
     * @return the parsed packet
     */
    org.pcap4j.packet.Packet packet();

    /** @return a one-line summary of the packet, such as {@code Ethernet / IP / TCP 10.0.0.1:80 > 10.0.0.2:5000} */
    String summary();
}
