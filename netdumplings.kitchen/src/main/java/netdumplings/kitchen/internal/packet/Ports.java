package netdumplings.kitchen.internal.packet;

/**
 * The ports on which the original's dissector (scapy 2.5 with its default layers) claims a
 * payload for an application protocol we do not dissect: there, the payload is not
 * {@code Raw}. Read from scapy's bindings ({@code UDP.payload_guess}, {@code TCP.payload_guess});
 * DNS (53, 5353) and LLMNR (5355) are dissected and not listed.
 */
final class Ports {

    private Ports() {
    }

    /** Either port is enough (scapy's single-port bindings). */
    private static boolean udpEither(int port) {
        return switch (port) {
            case 88, // Kerberos
                 1985, 2029, // HSRP
                 4500, // ESP in UDP
                 500, // ISAKMP
                 1701, // L2TP
                 389, // CLDAP
                 2727, // MGCP
                 434, // Mobile IP
                 137, // NBNS
                 2055, 2056, 9995, 9996, 6343, // NetFlow, sFlow
                 123, // NTP
                 1812, 1813, 3799, // RADIUS
                 520, // RIP
                 161, 162, // SNMP
                 4789, 4790, 6633, 8472, 48879 // VXLAN
                 -> true;
            default -> false;
        };
    }

    static boolean udpClaimed(int src, int dst) {
        if (udpEither(src) || udpEither(dst)) {
            return true;
        }
        return dst == 67 && (src == 68 || src == 67) || dst == 68 && src == 67 // BOOTP/DHCP
                || dst == 546 || dst == 547 // DHCPv6
                || dst == 138 // NetBIOS datagram
                || dst == 69 // TFTP
                || src == 17754; // ZigBee encapsulation
    }

    static boolean tcpClaimed(int src, int dst) {
        return tcpEither(src) || tcpEither(dst);
    }

    private static boolean tcpEither(int port) {
        return switch (port) {
            case 88, // Kerberos
                 135, // DCE/RPC
                 389, 3268, // LDAP
                 139, 445, // NetBIOS session, SMB
                 1723, // PPTP
                 2000 // Skinny
                 -> true;
            default -> false;
        };
    }
}
