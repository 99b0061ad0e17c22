package netdumplings.hub.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The hub's bounds against clients that do not play fair (issue 11), each with a default
 * that no real client comes near.
 *
 * @param requestHeaderTimeout  how long a connection may take from accept to its WebSocket
 *                              upgrade (TLS handshake and request headers); a plain HTTP
 *                              connection (the dashboard) is closed this long after accept;
 *                              default 10 s
 * @param maxPendingConnections connections accepted but not through their hello (HTTP phase
 *                              and upgraded ones without hello) at most; a new connection
 *                              over it closes the oldest of them, so they can never fill the
 *                              slots of clients that said hello; default 256
 * @param maxHelloBytes         the largest hello, in UTF-8 bytes; a bigger one closes with
 *                              1008; default 4096 (the original's clients send about 200)
 * @param maxNameChars          the longest name in a hello ({@code kitchen_name},
 *                              {@code eater_name}, any {@code *_name}, each entry of
 *                              {@code chefs}); a longer one closes with 1008; default 256
 * @param statusListLimit       entries of {@code dumpling_kitchens} and of
 *                              {@code dumpling_eaters} in a status dumpling at most; the
 *                              rest is counted in {@code dumpling_kitchens_more} and
 *                              {@code dumpling_eaters_more}; default 100
 * @param totalEaterQueueBytes  bytes waiting to be written to all eaters together at most;
 *                              past it the eaters with most unwritten bytes are closed (1008
 *                              "eater too slow"), first, until the rest is below 3/4 of it,
 *                              and counted; default 512 MiB
 */
public record HubLimits(Duration requestHeaderTimeout, int maxPendingConnections, int maxHelloBytes,
        int maxNameChars, int statusListLimit, long totalEaterQueueBytes) {

    /** Default {@link #requestHeaderTimeout()}. */
    public static final Duration DEFAULT_REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link #maxPendingConnections()}. */
    public static final int DEFAULT_MAX_PENDING_CONNECTIONS = 256;
    /** Default {@link #maxHelloBytes()}. */
    public static final int DEFAULT_MAX_HELLO_BYTES = 4096;
    /** Default {@link #maxNameChars()}. */
    public static final int DEFAULT_MAX_NAME_CHARS = 256;
    /** Default {@link #statusListLimit()}. */
    public static final int DEFAULT_STATUS_LIST_LIMIT = 100;
    /** Default {@link #totalEaterQueueBytes()}. */
    public static final long DEFAULT_TOTAL_EATER_QUEUE_BYTES = 512L << 20;

    /** Every default. */
    public static final HubLimits DEFAULTS = new HubLimits(DEFAULT_REQUEST_HEADER_TIMEOUT,
            DEFAULT_MAX_PENDING_CONNECTIONS, DEFAULT_MAX_HELLO_BYTES, DEFAULT_MAX_NAME_CHARS,
            DEFAULT_STATUS_LIST_LIMIT, DEFAULT_TOTAL_EATER_QUEUE_BYTES);

    /** @throws IllegalArgumentException if a value is not positive; the message names it */
    public HubLimits {
        requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
        if (requestHeaderTimeout.isNegative() || requestHeaderTimeout.isZero()) {
            throw new IllegalArgumentException("requestHeaderTimeout must be positive, not " + requestHeaderTimeout);
        }
        positive("maxPendingConnections", maxPendingConnections);
        positive("maxHelloBytes", maxHelloBytes);
        positive("maxNameChars", maxNameChars);
        positive("statusListLimit", statusListLimit);
        positive("totalEaterQueueBytes", totalEaterQueueBytes);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    /** @return a copy with another {@link #requestHeaderTimeout()} */
    public HubLimits withRequestHeaderTimeout(Duration d) {
        return new HubLimits(d, maxPendingConnections, maxHelloBytes, maxNameChars, statusListLimit, totalEaterQueueBytes);
    }

    /** @return a copy with another {@link #maxPendingConnections()} */
    public HubLimits withMaxPendingConnections(int n) {
        return new HubLimits(requestHeaderTimeout, n, maxHelloBytes, maxNameChars, statusListLimit, totalEaterQueueBytes);
    }

    /** @return a copy with another {@link #maxHelloBytes()} */
    public HubLimits withMaxHelloBytes(int n) {
        return new HubLimits(requestHeaderTimeout, maxPendingConnections, n, maxNameChars, statusListLimit, totalEaterQueueBytes);
    }

    /** @return a copy with another {@link #maxNameChars()} */
    public HubLimits withMaxNameChars(int n) {
        return new HubLimits(requestHeaderTimeout, maxPendingConnections, maxHelloBytes, n, statusListLimit, totalEaterQueueBytes);
    }

    /** @return a copy with another {@link #statusListLimit()} */
    public HubLimits withStatusListLimit(int n) {
        return new HubLimits(requestHeaderTimeout, maxPendingConnections, maxHelloBytes, maxNameChars, n, totalEaterQueueBytes);
    }

    /** @return a copy with another {@link #totalEaterQueueBytes()} */
    public HubLimits withTotalEaterQueueBytes(long n) {
        return new HubLimits(requestHeaderTimeout, maxPendingConnections, maxHelloBytes, maxNameChars, statusListLimit, n);
    }
}
