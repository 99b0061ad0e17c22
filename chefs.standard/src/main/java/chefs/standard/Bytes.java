package chefs.standard;

import java.util.HexFormat;

/** Reading numbers and addresses out of captured bytes; callers check the bounds. */
final class Bytes {

    private static final HexFormat MAC = HexFormat.ofDelimiter(":");

    private Bytes() {
    }

    /** @return the big-endian unsigned 16 bits at {@code at} */
    static int uint16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    /** @return the big-endian unsigned 24 bits at {@code at} */
    static int uint24(byte[] b, int at) {
        return (b[at] & 0xff) << 16 | uint16(b, at + 1);
    }

    /** @return the big-endian 32 bits at {@code at} */
    static int int32(byte[] b, int at) {
        return uint16(b, at) << 16 | uint16(b, at + 2);
    }

    /** @return the IPv4 address at {@code at} as text */
    static String ipv4(byte[] b, int at) {
        return (b[at] & 0xff) + "." + (b[at + 1] & 0xff) + "." + (b[at + 2] & 0xff) + "." + (b[at + 3] & 0xff);
    }

    /** @return the six bytes at {@code at} as a MAC address, {@code 00:0e:86:11:c0:75} */
    static String mac(byte[] b, int at) {
        return MAC.formatHex(b, at, at + 6);
    }

    /**
     * @param address an IPv4 or IPv6 address as text
     * @param port    a port
     * @return {@code 10.0.0.1:443}, or {@code [2001:db8::1]:443} for IPv6
     */
    static String endpoint(String address, int port) {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
