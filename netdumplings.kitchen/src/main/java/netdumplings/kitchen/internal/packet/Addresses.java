package netdumplings.kitchen.internal.packet;

/** Addresses in captured bytes as text (the views' {@code ...Text} methods). */
final class Addresses {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Addresses() {
    }

    /** @return {@code a.b.c.d} for 4 bytes, RFC 5952 text for 16, hex with colons otherwise */
    static String ip(byte[] d, int at, int length) {
        if (length == 4) {
            return (d[at] & 0xff) + "." + (d[at + 1] & 0xff) + "." + (d[at + 2] & 0xff) + "." + (d[at + 3] & 0xff);
        }
        if (length == 16) {
            return ipv6(d, at);
        }
        return mac(d, at, length);
    }

    /** @return lower-case hex bytes joined by colons ({@code 6c:f0:49:b2:de:6e}) */
    static String mac(byte[] d, int at, int length) {
        if (length <= 0) {
            return "";
        }
        char[] c = new char[length * 3 - 1];
        for (int i = 0; i < length; i++) {
            int b = d[at + i] & 0xff;
            if (i > 0) {
                c[i * 3 - 1] = ':';
            }
            c[i * 3] = HEX[b >>> 4];
            c[i * 3 + 1] = HEX[b & 0x0f];
        }
        return new String(c);
    }

    /** RFC 5952: lower case, no leading zeros, the longest run (2 or more) of zero groups as {@code ::}. */
    private static String ipv6(byte[] d, int at) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (d[at + 2 * i] & 0xff) << 8 | d[at + 2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8;) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
