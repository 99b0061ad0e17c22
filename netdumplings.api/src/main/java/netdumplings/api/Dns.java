package netdumplings.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A DNS message ({@link SniffedPacket#dns()}): on UDP 53 and 5353 (mDNS), TCP 53, and
 * LLMNR (UDP 5355, which has DNS's format). The header fields are read directly; the
 * question is decoded on demand (compression pointers followed, every bound checked).
 */
@ProviderType
public interface Dns {

    /** @return the message id */
    int id();

    /** @return whether the QR bit says response */
    boolean isResponse();

    /** @return the question count of the header */
    int questionCount();

    /**
     * @return the first question's name without the trailing dot ({@code www.example.com}),
     *         decoded on the first call and kept; null when there is no question or it does
     *         not decode within the message
     */
    String questionName();

    /** @return the first question's type (1 A, 28 AAAA...), or -1 */
    int questionType();

    /** @return where the DNS header starts in {@link SniffedPacket#rawData()} */
    int messageOffset();

    /** @return the message's length in the captured bytes */
    int messageLength();
}
