package netdumplings.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An ARP packet ({@link SniffedPacket#arp()}). The ints are for Ethernet/IPv4 ARP
 * (6-byte hardware and 4-byte protocol addresses), 0 otherwise; the texts work for any.
 */
@ProviderType
public interface Arp {

    /** @return the operation: 1 request, 2 reply */
    int operation();

    /** @return whether this is a request (operation 1) */
    default boolean isRequest() {
        return operation() == 1;
    }

    /** @return the sender's IPv4 address as an int, or 0 */
    int senderIpv4();

    /** @return the target's IPv4 address as an int, or 0 */
    int targetIpv4();

    /** @return where the sender's hardware address starts in {@link SniffedPacket#rawData()} */
    int senderMacOffset();

    /** @return where the target's hardware address starts in {@link SniffedPacket#rawData()} */
    int targetMacOffset();

    /** @return the sender's hardware address, {@code aa:bb:cc:dd:ee:ff} */
    String senderMacText();

    /** @return the sender's protocol address ({@code 10.0.0.1}) */
    String senderIpText();

    /** @return the target's hardware address */
    String targetMacText();

    /** @return the target's protocol address */
    String targetIpText();
}
