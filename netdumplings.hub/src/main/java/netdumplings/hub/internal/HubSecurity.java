package netdumplings.hub.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who may use a hub: every part is optional and off by default, so that a client that
 * knows only PROTOCOL.md works against a hub configured with nothing.
 *
 * @param kitchenToken        the shared secret kitchens must present, or null for none
 *                            (default); blank counts as none
 * @param eaterToken          the shared secret eaters must present, or null for none
 *                            (default); blank counts as none
 * @param tlsKeystore         a PKCS#12 (or JKS) keystore holding the hub's key and
 *                            certificate: both ports then speak TLS only ({@code wss://});
 *                            null for plain WebSockets (default)
 * @param tlsKeystorePassword the keystore's password; null (or empty) for none (default)
 * @param allowedOrigins      the browser origins (e.g. {@code https://example.org:8443})
 *                            allowed to connect; a request WITH an {@code Origin} header not
 *                            in this list and not the hub's own eater address is refused
 *                            with 403; requests without {@code Origin} (every non-browser
 *                            client) are never affected; default empty
 * @param allowedHosts        host names (without port) a request's {@code Host} header may
 *                            name besides the hub's own names and addresses and
 *                            {@code localhost}; any other is refused with 403 on both ports,
 *                            before the Origin check (DNS rebinding); default empty
 * @param failoverHubs        the eater addresses ({@code ws://host:port} or
 *                            {@code wss://host:port}) of other hubs of this hub's federation:
 *                            the dashboard served here moves to them, in order, when this hub
 *                            goes away, and its Content-Security-Policy lets it connect to
 *                            them (and only them); default empty. Each must allow this hub's
 *                            eater address as a browser origin ({@code allowedOrigins})
 * @throws IllegalArgumentException if a fail-over hub is not such an address
 */
public record HubSecurity(String kitchenToken, String eaterToken, Path tlsKeystore, String tlsKeystorePassword,
        List<String> allowedOrigins, List<String> allowedHosts, List<String> failoverHubs) {

    /**
     * A WebSocket address as a CSP source and a page attribute take it: scheme, host (a name,
     * IPv4, or [IPv6]) and an optional port; nothing that could end an attribute or a policy.
     */
    private static final Pattern HUB_ADDRESS =
            Pattern.compile("wss?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:[0-9]{1,5})?");

    /** No token, no TLS, no foreign browser origin: the original hub's behaviour. */
    public static final HubSecurity NONE = new HubSecurity(null, null, null, null, List.of(), List.of(), List.of());

    /** Normalises blanks to null, origins and fail-over hubs to lower case without a trailing slash. */
    public HubSecurity {
        kitchenToken = blankToNull(kitchenToken);
        eaterToken = blankToNull(eaterToken);
        tlsKeystorePassword = tlsKeystorePassword == null || tlsKeystorePassword.isEmpty() ? null : tlsKeystorePassword;
        allowedOrigins = allowedOrigins == null ? List.of()
                : allowedOrigins.stream().map(String::trim).filter(o -> !o.isEmpty()).map(HubSecurity::normalizeOrigin)
                        .toList();
        allowedHosts = allowedHosts == null ? List.of()
                : allowedHosts.stream().map(HostCheck::normalizeHost).filter(h -> !h.isEmpty()).toList();
        failoverHubs = failoverHubs == null ? List.of()
                : failoverHubs.stream().map(String::trim).filter(h -> !h.isEmpty()).map(HubSecurity::hubAddress)
                        .toList();
    }

    /** The original five, with no extra allowed host and no fail-over hub. */
    public HubSecurity(String kitchenToken, String eaterToken, Path tlsKeystore, String tlsKeystorePassword,
            List<String> allowedOrigins) {
        this(kitchenToken, eaterToken, tlsKeystore, tlsKeystorePassword, allowedOrigins, List.of());
    }

    /** Without fail-over hubs. */
    public HubSecurity(String kitchenToken, String eaterToken, Path tlsKeystore, String tlsKeystorePassword,
            List<String> allowedOrigins, List<String> allowedHosts) {
        this(kitchenToken, eaterToken, tlsKeystore, tlsKeystorePassword, allowedOrigins, allowedHosts, List.of());
    }

    private static String hubAddress(String address) {
        String a = (address.endsWith("/") ? address.substring(0, address.length() - 1) : address)
                .toLowerCase(Locale.ROOT);
        if (!HUB_ADDRESS.matcher(a).matches()) {
            throw new IllegalArgumentException("failover_hubs: not a hub's eater address (ws://HOST:PORT or "
                    + "wss://HOST:PORT): " + address);
        }
        return a;
    }

    /** @return whether both ports speak TLS */
    public boolean tls() {
        return tlsKeystore != null;
    }

    /** @return a copy with these tokens (null or blank for none) */
    public HubSecurity withTokens(String kitchenToken, String eaterToken) {
        return new HubSecurity(kitchenToken, eaterToken, tlsKeystore, tlsKeystorePassword, allowedOrigins, allowedHosts,
                failoverHubs);
    }

    /** @return a copy serving TLS from this keystore */
    public HubSecurity withTls(Path keystore, String password) {
        return new HubSecurity(kitchenToken, eaterToken, keystore, password, allowedOrigins, allowedHosts, failoverHubs);
    }

    /** @return a copy with these allowed browser origins */
    public HubSecurity withAllowedOrigins(List<String> origins) {
        return new HubSecurity(kitchenToken, eaterToken, tlsKeystore, tlsKeystorePassword, origins, allowedHosts,
                failoverHubs);
    }

    /** @return a copy whose dashboard moves to these hubs' eater addresses when this hub goes away */
    public HubSecurity withFailoverHubs(List<String> hubs) {
        return new HubSecurity(kitchenToken, eaterToken, tlsKeystore, tlsKeystorePassword, allowedOrigins, allowedHosts,
                hubs);
    }

    /** @return a copy with these extra allowed {@code Host} names */
    public HubSecurity withAllowedHosts(List<String> hosts) {
        return new HubSecurity(kitchenToken, eaterToken, tlsKeystore, tlsKeystorePassword, allowedOrigins, hosts,
                failoverHubs);
    }

    /**
     * Compares a presented token with the expected one in time independent of where they
     * differ (both are hashed first, so not even the length leaks).
     *
     * @param expected the configured token; null means none is required
     * @param presented what the client sent, or null
     * @return whether the client may in
     */
    static boolean tokenMatches(String expected, String presented) {
        if (expected == null) {
            return true;
        }
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(expected), sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    static String normalizeOrigin(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        // Never show the secrets (settings are logged and compared).
        return "HubSecurity[kitchenToken=" + (kitchenToken == null ? "none" : "***") + ", eaterToken="
                + (eaterToken == null ? "none" : "***") + ", tlsKeystore=" + tlsKeystore + ", allowedOrigins="
                + allowedOrigins + ", allowedHosts=" + allowedHosts + ", failoverHubs=" + failoverHubs + "]";
    }
}
