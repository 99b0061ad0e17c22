package netdumplings.kitchen.internal.packet;

import java.nio.charset.StandardCharsets;

/**
 * DNS names in captured bytes: checked and skipped without allocating (the dissector),
 * decoded on demand (the DNS view). Compression pointers are followed at most
 * {@link #MAX_POINTERS} times and must point inside the message; a name longer than 255
 * bytes, a label longer than 63, or anything past the message's end makes it invalid.
 */
final class DnsNames {

    static final int MAX_POINTERS = 16;
    private static final int MAX_NAME = 255;

    private DnsNames() {
    }

    /**
     * @param d       the bytes
     * @param message where the DNS header starts (pointers are relative to it)
     * @param end     the message's end (exclusive)
     * @param at      where the name starts
     * @return whether the name is valid
     */
    static boolean valid(byte[] d, int message, int end, int at) {
        return walk(d, message, end, at, null) >= 0;
    }

    /** @return where the bytes after the name (in place, not after a pointer target) start, or -1 */
    static int skip(byte[] d, int at, int end) {
        while (at < end) {
            int length = d[at] & 0xff;
            if (length == 0) {
                return at + 1;
            }
            if ((length & 0xc0) == 0xc0) {
                return at + 2 <= end ? at + 2 : -1;
            }
            if (length > 63) {
                return -1;
            }
            at += 1 + length;
        }
        return -1;
    }

    /** @return the name without the trailing dot, or null when invalid */
    static String decode(byte[] d, int message, int end, int at) {
        byte[] name = new byte[MAX_NAME];
        int length = walk(d, message, end, at, name);
        return length >= 0 ? new String(name, 0, Math.max(0, length - 1), StandardCharsets.UTF_8) : null;
    }

    /**
     * @param out where to copy the labels joined by dots (at least {@link #MAX_NAME} bytes), or null
     * @return the name's length in bytes with a dot after each label, or -1 when invalid
     */
    private static int walk(byte[] d, int message, int end, int at, byte[] out) {
        int pointers = 0;
        int total = 0;
        while (true) {
            if (at < message || at >= end) {
                return -1;
            }
            int length = d[at] & 0xff;
            if (length == 0) {
                return total;
            }
            if ((length & 0xc0) == 0xc0) {
                if (at + 1 >= end || ++pointers > MAX_POINTERS) {
                    return -1;
                }
                at = message + ((length & 0x3f) << 8 | d[at + 1] & 0xff);
                continue;
            }
            if (length > 63 || at + 1 + length > end) {
                return -1;
            }
            if (total + length + 1 > MAX_NAME) {
                return -1;
            }
            if (out != null) {
                System.arraycopy(d, at + 1, out, total, length);
                out[total + length] = '.';
            }
            total += length + 1;
            at += 1 + length;
        }
    }
}
