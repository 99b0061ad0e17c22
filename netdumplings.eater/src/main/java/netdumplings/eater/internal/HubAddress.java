package netdumplings.eater.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Turns what a user types as a hub address into the WebSocket URI to connect to. */
public final class HubAddress {

    private HubAddress() {
    }

    /**
     * @param hub         {@code host:port}, {@code host} alone, {@code [v6addr]:port}, or a
     *                    {@code ws://} / {@code wss://} URI; never null
     * @param defaultPort the port when none is given
     * @return the URI, such as {@code ws://localhost:11348}
     * @throws IllegalArgumentException if it is not a usable address
     */
    public static URI toUri(String hub, int defaultPort) {
        requireNonNull(hub, "hub");
        String text = hub.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("hub address is empty");
        }
        boolean hasScheme = text.contains("://");
        URI uri;
        try {
            uri = new URI(hasScheme ? text : "ws://" + text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid hub address \"" + hub + "\": " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("invalid hub address \"" + hub + "\": the scheme must be ws or wss");
        }
        if (uri.getHost() == null) {
            // new URI(...) accepts "host:notaport" as a registry-based authority without a host.
            throw new IllegalArgumentException("invalid hub address \"" + hub + "\": expected HOST:PORT");
        }
        int port = uri.getPort();
        if (port == -1) {
            port = hasScheme ? (scheme.equals("wss") ? 443 : 80) : defaultPort;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid hub address \"" + hub + "\": port out of range");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "" : uri.getRawPath();
        try {
            return new URI(scheme + "://" + hostForUri(uri.getHost()) + ":" + port + path
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid hub address \"" + hub + "\": " + e.getReason());
        }
    }

    private static String hostForUri(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
