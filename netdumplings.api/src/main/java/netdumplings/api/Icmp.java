package netdumplings.api;

import org.osgi.annotation.versioning.ProviderType;

/** The ICMP or ICMPv6 header of a packet ({@link SniffedPacket#icmp()}). */
@ProviderType
public interface Icmp {

    /** @return 4 for ICMP, 6 for ICMPv6 */
    int icmpVersion();

    /** @return the message type (8 echo request, 0 echo reply, 3 unreachable...) */
    int type();

    /** @return the code */
    int code();
}
