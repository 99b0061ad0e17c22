package netdumplings.api;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A packet as a kitchen hands it to every chef: when it was captured, its bytes, a cheap
 * view of its protocol layers, and pcap4j's full dissection on demand.
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
     * A cheap dissection of the common headers, outermost first, made without pcap4j's
     * packet factory. The names are those of the original's (scapy's) layers:
     * {@code Ethernet}, {@code cooked linux}, {@code Loopback}, {@code 802.1Q},
     * {@code ARP}, {@code IP}, {@code IPv6}, {@code ICMP}, {@code ICMPv6}, {@code TCP},
     * {@code UDP} and {@code DNS} (UDP or TCP port 53). Dissection stops at the first
     * header it does not know or that is truncated.
     *
     * @return the layers found, outermost first; never null
     */
    List<String> layers();

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
