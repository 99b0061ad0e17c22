package netdumplings.api;

import org.osgi.annotation.versioning.ProviderType;

/** The TCP header of a packet ({@link SniffedPacket#tcp()}); no method throws or allocates. */
@ProviderType
public interface Tcp {

    /** Flag bits of {@link #flags()}. */
    int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20;

    /** @return the source port */
    int srcPort();

    /** @return the destination port */
    int dstPort();

    /** @return the flags byte ({@link #SYN}, {@link #ACK}...) */
    int flags();

    /** @return whether SYN is set and ACK is not: a connection being opened */
    default boolean isSyn() {
        return (flags() & (SYN | ACK)) == SYN;
    }

    /** @return the sequence number (unsigned 32 bits) */
    long seq();

    /** @return the acknowledgement number (unsigned 32 bits) */
    long ack();

    /** @return the header length in bytes (data offset x 4) */
    int tcpHeaderLength();

    /** @return where the payload starts in {@link SniffedPacket#rawData()} */
    int payloadOffset();

    /** @return the payload's length in the captured bytes (0 for none) */
    int payloadLength();
}
