package netdumplings.hub.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

import netdumplings.api.json.DumplingJson;

/**
 * What a {@link HubServer} needs to run. Every value is checked when the record is made,
 * so a {@code HubSettings} is always usable.
 *
 * @param address         the host name or IP address both ports listen on; default
 *                        {@code "localhost"} (never on every interface unless asked for)
 * @param kitchenPort     the port kitchens connect to, 0..65535 (0 = any free port); default
 *                        11347, as the original {@code nd-hub --in-port}
 * @param eaterPort       the port eaters connect to, 0..65535 (0 = any free port); default
 *                        11348, as the original {@code nd-hub --out-port}
 * @param statusInterval  time between two {@code SystemStatusChef} dumplings, positive;
 *                        default 5 s, as the original {@code nd-hub --status-freq}
 * @param maxMessageBytes the largest message accepted from a client, in bytes, positive;
 *                        a bigger one closes the connection with 1009; default 1 MiB
 *                        ({@link DumplingJson#MAX_MESSAGE_BYTES})
 * @param eaterQueueLimit how many dumplings may wait to be written to one eater, positive;
 *                        more are dropped for that eater, and counted; default 10,000
 * @param eaterQueueBytes how many bytes of dumplings may wait to be written to one eater,
 *                        positive; more are dropped for that eater, and counted; default
 *                        64 MiB (with the 10,000 above it bounds the hub's memory per eater)
 * @param eaterStallTimeout how long an eater may leave dumplings unwritten (its queue not
 *                        empty and no write finishing) before it is closed with 1008
 *                        "eater stalled"; positive; default 60 s
 * @param helloTimeout    how long a client may take to say hello before it is closed with
 *                        1011; positive; default 30 s (every real client says it at once)
 * @param maxConnections  how many connections (kitchens, eaters, and clients not yet through
 *                        their hello, counted from the TCP accept) may be open at once; an
 *                        upgrade over it is refused with HTTP 503; positive; default 4,096
 *                        (those not through their hello have a smaller budget of their own,
 *                        {@link HubLimits#maxPendingConnections()})
 * @param security        tokens, TLS and browser origins; default {@link HubSecurity#NONE}
 * @param limits          bounds against unfair clients; default {@link HubLimits#DEFAULTS}
 */
public record HubSettings(String address, int kitchenPort, int eaterPort, Duration statusInterval,
        int maxMessageBytes, int eaterQueueLimit, long eaterQueueBytes, Duration eaterStallTimeout,
        Duration helloTimeout, int maxConnections, HubSecurity security, HubLimits limits) {

    /** Default {@link #address()}. */
    public static final String DEFAULT_ADDRESS = "localhost";
    /** Default {@link #kitchenPort()}. */
    public static final int DEFAULT_KITCHEN_PORT = 11347;
    /** Default {@link #eaterPort()}. */
    public static final int DEFAULT_EATER_PORT = 11348;
    /** Default {@link #statusInterval()}. */
    public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(5);
    /** Default {@link #maxMessageBytes()}. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = DumplingJson.MAX_MESSAGE_BYTES;
    /** Default {@link #eaterQueueLimit()}. */
    public static final int DEFAULT_EATER_QUEUE_LIMIT = 10_000;
    /** Default {@link #eaterQueueBytes()}. */
    public static final long DEFAULT_EATER_QUEUE_BYTES = 64L << 20;
    /** Default {@link #eaterStallTimeout()}. */
    public static final Duration DEFAULT_EATER_STALL_TIMEOUT = Duration.ofSeconds(60);
    /** Default {@link #helloTimeout()}. */
    public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link #maxConnections()}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;

    /** The original settings with the defaults of everything added since. */
    public HubSettings(String address, int kitchenPort, int eaterPort, Duration statusInterval, int maxMessageBytes,
            int eaterQueueLimit) {
        this(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                DEFAULT_EATER_QUEUE_BYTES, DEFAULT_EATER_STALL_TIMEOUT, DEFAULT_HELLO_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS, HubSecurity.NONE, HubLimits.DEFAULTS);
    }

    /**
     * @throws NullPointerException     if {@code address} or {@code statusInterval} is null
     * @throws IllegalArgumentException if a value is out of range; the message names it
     */
    public HubSettings {
        requireNonNull(address, "address");
        requireNonNull(statusInterval, "statusInterval");
        if (address.isBlank()) {
            throw new IllegalArgumentException("address must not be blank");
        }
        checkPort("kitchenPort", kitchenPort);
        checkPort("eaterPort", eaterPort);
        if (statusInterval.isNegative() || statusInterval.isZero()) {
            throw new IllegalArgumentException("statusInterval must be positive, not " + statusInterval);
        }
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, not " + maxMessageBytes);
        }
        if (eaterQueueLimit <= 0) {
            throw new IllegalArgumentException("eaterQueueLimit must be positive, not " + eaterQueueLimit);
        }
        if (eaterQueueBytes <= 0) {
            throw new IllegalArgumentException("eaterQueueBytes must be positive, not " + eaterQueueBytes);
        }
        checkPositive("eaterStallTimeout", eaterStallTimeout);
        checkPositive("helloTimeout", helloTimeout);
        if (maxConnections <= 0) {
            throw new IllegalArgumentException("maxConnections must be positive, not " + maxConnections);
        }
        requireNonNull(security, "security");
        requireNonNull(limits, "limits");
    }

    private static void checkPositive(String name, Duration d) {
        requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }

    /** @return the original hub's settings: localhost:11347/11348, status every 5 s, 1 MiB */
    public static HubSettings defaults() {
        return new HubSettings(DEFAULT_ADDRESS, DEFAULT_KITCHEN_PORT, DEFAULT_EATER_PORT,
                DEFAULT_STATUS_INTERVAL, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_EATER_QUEUE_LIMIT);
    }

    /** @return the defaults on ephemeral ports, for tests and embedding */
    public static HubSettings ephemeral() {
        return defaults().withKitchenPort(0).withEaterPort(0);
    }

    /** @return a copy with another {@link #address()} */
    public HubSettings withAddress(String address) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with another {@link #kitchenPort()} */
    public HubSettings withKitchenPort(int kitchenPort) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with another {@link #eaterPort()} */
    public HubSettings withEaterPort(int eaterPort) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with another {@link #statusInterval()} */
    public HubSettings withStatusInterval(Duration statusInterval) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with another {@link #maxMessageBytes()} */
    public HubSettings withMaxMessageBytes(int maxMessageBytes) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with another {@link #eaterQueueLimit()} */
    public HubSettings withEaterQueueLimit(int eaterQueueLimit) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with another {@link #eaterQueueBytes()} */
    public HubSettings withEaterQueueBytes(long eaterQueueBytes) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with another {@link #eaterStallTimeout()} */
    public HubSettings withEaterStallTimeout(Duration eaterStallTimeout) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with another {@link #helloTimeout()} */
    public HubSettings withHelloTimeout(Duration helloTimeout) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with another {@link #maxConnections()} */
    public HubSettings withMaxConnections(int maxConnections) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with other {@link #security()} */
    public HubSettings withSecurity(HubSecurity security) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    /** @return a copy with other {@link #limits()} */
    public HubSettings withLimits(HubLimits limits) {
        return new HubSettings(address, kitchenPort, eaterPort, statusInterval, maxMessageBytes, eaterQueueLimit,
                eaterQueueBytes, eaterStallTimeout, helloTimeout, maxConnections, security, limits);
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 0..65535, not " + port);
        }
    }
}
