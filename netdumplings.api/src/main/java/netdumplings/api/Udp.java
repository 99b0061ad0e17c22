package netdumplings.api;

import org.osgi.annotation.versioning.ProviderType;

/** The UDP header of a packet ({@link SniffedPacket#udp()}); no method throws or allocates. */
@ProviderType
public interface Udp {

    /** @return the source port */
    int srcPort();

    /** @return the destination port */
    int dstPort();

    /** @return where the payload starts in {@link SniffedPacket#rawData()} */
    int payloadOffset();

    /** @return the payload's length in the captured bytes (as far as the UDP length allows) */
    int payloadLength();
}
