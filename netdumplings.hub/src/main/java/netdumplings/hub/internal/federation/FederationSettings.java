package netdumplings.hub.internal.federation;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
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
 * @param credsFile          a NATS credentials file (a user JWT and its NKey seed, as
 *                           {@code nsc} writes it), or null; read at each connection
 * @param nkeyFile           a file holding a NATS user's NKey seed ({@code SU...}), for a
 *                           server that knows the user by its public key, or null; at most
 *                           one of the two
 * @param storage            where a stream the hub creates keeps the dumplings:
 *                           {@code file} (kept across nats-server restarts) or {@code memory}
 *                           (lost at a restart, which starts a new epoch; measured by
 *                           {@code nd-bench --section nats} on 2 cores at 10,000 messages/s,
 *                           nats-server's own p99 was 3 to 5 ms in memory and 20 to 80 ms on
 *                           file); null for the default
 */
public record FederationSettings(List<String> servers, String token, Path truststore, String truststorePassword,
        String subjectPrefix, String stream, Duration maxAge, long maxBytes, String hubName, int historySize,
        Path credsFile, Path nkeyFile, String storage) {

    // Before OFF, which they check.
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]+");

    /** Default {@link #subjectPrefix()}. */
    public static final String DEFAULT_SUBJECT_PREFIX = "netdumplings";
    /** Default {@link #stream()}. */
    public static final String DEFAULT_STREAM = "NETDUMPLINGS";
    /** Default {@link #maxAge()}: an hour. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);
    /** Default {@link #storage()}: file, kept across nats-server restarts. */
    public static final String DEFAULT_STORAGE = "file";
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

    /** Without a credentials or NKey file. */
    public FederationSettings(List<String> servers, String token, Path truststore, String truststorePassword,
            String subjectPrefix, String stream, Duration maxAge, long maxBytes, String hubName, int historySize) {
        this(servers, token, truststore, truststorePassword, subjectPrefix, stream, maxAge, maxBytes, hubName,
                historySize, null, null, DEFAULT_STORAGE);
    }

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
        if (credsFile != null && nkeyFile != null) {
            throw new IllegalArgumentException("nats_creds_file and nats_nkey_file: give one of them, not both");
        }
        storage = storage == null || storage.isBlank() ? DEFAULT_STORAGE : storage.trim().toLowerCase(java.util.Locale.ROOT);
        if (!storage.equals("file") && !storage.equals("memory")) {
            throw new IllegalArgumentException("nats_storage must be file or memory, not '" + storage + "'");
        }
    }

    /** @return whether a stream the hub creates keeps the dumplings in memory rather than on file */
    public boolean memoryStorage() {
        return storage.equals("memory");
    }

    /**
     * Checks a file holding a secret (a NATS credentials or NKey seed file) as ssh checks a
     * private key: a readable regular file that neither its group nor others may read or
     * write (on a file system with POSIX permissions). Never reads or shows its content.
     *
     * @param field the setting's name, for the message
     * @throws IllegalArgumentException with a one-line reason
     */
    public static void checkSecretFile(String field, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(field + " '" + file + "' is not a readable file");
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions here to check
        } catch (IOException e) {
            throw new IllegalArgumentException(field + " '" + file + "' cannot be checked: " + e.getMessage(), e);
        }
        EnumSet<PosixFilePermission> others = EnumSet.of(PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
        others.retainAll(permissions);
        if (!others.isEmpty()) {
            throw new IllegalArgumentException(field + " '" + file + "' holds a secret but others may read or write it ("
                    + PosixFilePermissions.toString(permissions) + "): chmod 600 it");
        }
    }

    /** @return these settings with a credentials file or an NKey seed file (or neither) */
    public FederationSettings withCredentials(Path credsFile, Path nkeyFile) {
        return new FederationSettings(servers, token, truststore, truststorePassword, subjectPrefix, stream, maxAge,
                maxBytes, hubName, historySize, credsFile, nkeyFile, storage);
    }

    /** @return these settings with another {@link #storage()} */
    public FederationSettings withStorage(String storage) {
        return new FederationSettings(servers, token, truststore, truststorePassword, subjectPrefix, stream, maxAge,
                maxBytes, hubName, historySize, credsFile, nkeyFile, storage);
    }

    /** @return whether the hub federates (has NATS servers) */
    public boolean enabled() {
        return !servers.isEmpty();
    }

    /** @return these settings with other servers */
    public FederationSettings withServers(List<String> servers) {
        return new FederationSettings(servers, token, truststore, truststorePassword, subjectPrefix, stream, maxAge,
                maxBytes, hubName, historySize, credsFile, nkeyFile, storage);
    }

    /** @return these settings with another hub name */
    public FederationSettings withHubName(String hubName) {
        return new FederationSettings(servers, token, truststore, truststorePassword, subjectPrefix, stream, maxAge,
                maxBytes, hubName, historySize, credsFile, nkeyFile, storage);
    }

    /** @return these settings with another history size */
    public FederationSettings withHistorySize(int historySize) {
        return new FederationSettings(servers, token, truststore, truststorePassword, subjectPrefix, stream, maxAge,
                maxBytes, hubName, historySize, credsFile, nkeyFile, storage);
    }

    /** Never shows the token or the password (the files' names only, never their content). */
    @Override
    public String toString() {
        return "FederationSettings[servers=" + servers + ", token=" + (token == null ? "none" : "***") + ", truststore="
                + truststore + ", subjectPrefix=" + subjectPrefix + ", stream=" + stream + ", maxAge=" + maxAge
                + ", maxBytes=" + maxBytes + ", storage=" + storage + ", hubName=" + hubName + ", historySize="
                + historySize + ", credsFile=" + credsFile + ", nkeyFile=" + nkeyFile + "]";
    }
}
