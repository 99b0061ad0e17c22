package netdumplings.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The IPv4 or IPv6 header of a packet, laid over its captured bytes
 * ({@link SniffedPacket#ip()}). Every method reads only bytes the dissector checked: none
 * throws, none allocates except the {@code ...Text} ones.
 */
@ProviderType
public interface Ip {

    /** @return 4 or 6 */
    int version();

    /** @return the transport protocol number (IPv6: after the extension headers): 6 TCP, 17 UDP... */
    int protocol();

    /** @return the TTL (IPv4) or hop limit (IPv6) */
    int ttl();

    /** @return the header length in bytes: IPv4 IHL x 4, IPv6 40 (extension headers not included) */
    int ipHeaderLength();

    /** @return the datagram length the header gives: IPv4 total length, IPv6 40 + payload length */
    int totalLength();

    /** @return the IPv4 source address as an int (10.0.0.1 is 0x0a000001); 0 for IPv6 */
    int srcIpv4();

    /** @return the IPv4 destination address as an int; 0 for IPv6 */
    int dstIpv4();

    /** @return 4 or 16: the length of the addresses in {@link SniffedPacket#rawData()} */
    int addressLength();

    /** @return where the source address starts in {@link SniffedPacket#rawData()} */
    int srcAddressOffset();

    /** @return where the destination address starts in {@link SniffedPacket#rawData()} */
    int dstAddressOffset();

    /** @return the source address as text ({@code 10.0.0.1}, {@code 2001:db8::1}) */
    String srcText();

    /** @return the destination address as text */
    String dstText();
}
