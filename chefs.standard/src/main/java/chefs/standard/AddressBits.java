package chefs.standard;

/**
 * IP addresses as numbers, for tables keyed without text: an IPv6 address is two longs read
 * from the captured bytes, an IPv4 address an int (its text made only when reported).
 */
final class AddressBits {

    /**
     * Starts every table's hashes: random per JVM, so that addresses and ports chosen to fall
     * into one bucket (spoofed sources, say) cannot be worked out from this code.
     */
    static final long SEED = java.util.concurrent.ThreadLocalRandom.current().nextLong();

    private AddressBits() {
    }

    /**
     * One step of a keyed hash: start with {@link #SEED}, mix in each word.
     *
     * @return {@code h} with {@code word} mixed in
     */
    static long mix(long h, long word) {
        long x = (h ^ word) * 0x9E3779B97F4A7C15L;
        return x ^ x >>> 29;
    }

    /** @return the big-endian 64 bits at {@code at}; callers check the bounds */
    static long int64(byte[] b, int at) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = v << 8 | (b[at + k] & 0xff);
        }
        return v;
    }

    /** @return the IPv4 address {@code a} ({@code 0x0a000001}) as text ({@code 10.0.0.1}) */
    static String ipv4(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }
}
