package netdumplings.hub.internal.federation;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a hub joins other hubs through NATS JetStream. {@link #OFF} (no servers) is the
 * default: the hub then serves its own kitchens and eaters only, as the original.
 *
 * @param servers            NATS server URLs ({@code nats://host:4222}, {@code tls://...});
 *                           empty for no federation
 * @param token              the NATS token, or null for none
 * @param truststore         a PKCS#12/JKS truststore for TLS to NATS, or null (TLS then
 *                           only where a URL says {@code tls://}, with the JVM's trust)
 * @param truststorePassword its password, or null
 * @param subjectPrefix      the first subject tokens of everything the hubs publish; one
 *                           or more tokens of letters, digits, {@code _} and {@code -}
 *                           separated by dots
 * @param stream             the JetStream stream that keeps the dumplings (its name: letters,
 *                           digits, {@code _} and {@code -})
 * @param maxAge             how long the stream keeps a dumpling; positive
 * @param maxBytes           how many bytes the stream keeps at most; positive
 * @param hubName            this hub's name in the federation (subjects, status), or null
 *                           for {@code host:eater-port}
 * @param historySize        without NATS: how many dumplings the hub keeps in memory for
 *                           eaters that ask for history; 0 for none
 */
public record FederationSettings(List<String> servers, String token, Path truststore, String truststorePassword,
        String subjectPrefix, String stream, Duration maxAge, long maxBytes, String hubName, int historySize) {

    // Before OFF, which they check.
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]+");

    /** Default {@link #subjectPrefix()}. */
    public static final String DEFAULT_SUBJECT_PREFIX = "netdumplings";
    /** Default {@link #stream()}. */
    public static final String DEFAULT_STREAM = "NETDUMPLINGS";
    /** Default {@link #maxAge()}: an hour. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);
    /** Default {@link #maxBytes()}: 1 GiB. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /**
     * Default {@link #historySize()}: none, so that a hub given no setting sends exactly
     * what the original sends (no offsets).
     */
    public static final int DEFAULT_HISTORY_SIZE = 0;
    /** The largest {@link #historySize()}. */
    public static final int MAX_HISTORY_SIZE = 10_000_000;
    /** No federation, no history. */
    public static final FederationSettings OFF = new FederationSettings(List.of(), null, null, null,
            DEFAULT_SUBJECT_PREFIX, DEFAULT_STREAM, DEFAULT_MAX_AGE, DEFAULT_MAX_BYTES, null, DEFAULT_HISTORY_SIZE);

    /**
     * @throws IllegalArgumentException naming the invalid value, by its configuration name
     */
    public FederationSettings {
        servers = List.copyOf(requireNonNull(servers, "servers"));
        for (String server : servers) {
            if (server.isBlank() || server.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("nats_servers: not a server URL: '" + server + "'");
            }
        }
        token = token == null || token.isEmpty() ? null : token;
        truststorePassword = truststorePassword == null || truststorePassword.isEmpty() ? null : truststorePassword;
        hubName = hubName == null || hubName.isBlank() ? null : hubName.trim();
        requireNonNull(subjectPrefix, "subjectPrefix");
        if (!PREFIX.matcher(subjectPrefix).matches()) {
            throw new IllegalArgumentException("nats_subject_prefix must be dot-separated tokens of letters, digits, _ and -, not '"
                    + subjectPrefix + "'");
        }
        requireNonNull(stream, "stream");
        if (!STREAM.matcher(stream).matches()) {
            throw new IllegalArgumentException("nats_stream must be letters, digits, _ and -, not '" + stream + "'");
        }
        requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("nats_max_age must be positive, not " + maxAge);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("nats_max_bytes must be positive, not " + maxBytes);
        }
        if (historySize < 0 || historySize > MAX_HISTORY_SIZE) {
            throw new IllegalArgumentException("history_size must be 0.." + MAX_HISTORY_SIZE + ", not " + historySize);
        }
    }

    /** @return whether the hub federates (has NATS servers) */
    public boolean enabled() {
        return !servers.isEmpty();
    }

    /** @return these settings with other servers */
    public FederationSettings withServers(List<String> servers) {
        return new FederationSettings(servers, token, truststore, truststorePassword, subjectPrefix, stream, maxAge,
                maxBytes, hubName, historySize);
    }

    /** @return these settings with another hub name */
    public FederationSettings withHubName(String hubName) {
        return new FederationSettings(servers, token, truststore, truststorePassword, subjectPrefix, stream, maxAge,
                maxBytes, hubName, historySize);
    }

    /** @return these settings with another history size */
    public FederationSettings withHistorySize(int historySize) {
        return new FederationSettings(servers, token, truststore, truststorePassword, subjectPrefix, stream, maxAge,
                maxBytes, hubName, historySize);
    }

    /** Never shows the token or the password. */
    @Override
    public String toString() {
        return "FederationSettings[servers=" + servers + ", token=" + (token == null ? "none" : "***") + ", truststore="
                + truststore + ", subjectPrefix=" + subjectPrefix + ", stream=" + stream + ", maxAge=" + maxAge
                + ", maxBytes=" + maxBytes + ", hubName=" + hubName + ", historySize=" + historySize + "]";
    }
}
