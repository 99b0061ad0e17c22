package netdumplings.hub.internal;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * What the hub checks of a WebSocket upgrade request before a connection exists: the
 * connection limit and the browser {@code Origin}. Also reads the token a client may send
 * with the request. Stateless and thread-safe.
 */
final class UpgradeGate {

    private final HubSettings settings;

    UpgradeGate(HubSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /**
     * @param request         the upgrade request
     * @param openConnections connections open now
     * @return 0 to accept, else the HTTP status to refuse with (403 foreign origin,
     *         503 too many connections)
     */
    int refusal(Request request, int openConnections) {
        if (openConnections >= settings.maxConnections()) {
            return HttpStatus.SERVICE_UNAVAILABLE_503;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null && !originAllowed(origin, request.getHeaders().get(HttpHeader.HOST))) {
            return HttpStatus.FORBIDDEN_403;
        }
        return 0;
    }

    /**
     * A browser origin may connect if it is in the allow-list, or if it is the hub's own
     * address as the browser reached it (the dashboard page on the eater port connects back
     * to where it came from). Non-browser clients send no {@code Origin} and are not checked.
     */
    boolean originAllowed(String origin, String host) {
        String normalized = HubSecurity.normalizeOrigin(origin);
        if (settings.security().allowedOrigins().contains(normalized)) {
            return true;
        }
        if (host == null) {
            return false;
        }
        String scheme = settings.security().tls() ? "https://" : "http://";
        String self = scheme + host.trim().toLowerCase(Locale.ROOT);
        // A browser leaves out the default port in Origin but may send it in Host, or the reverse.
        String defaultPort = settings.security().tls() ? ":443" : ":80";
        return normalized.equals(self) || normalized.equals(stripSuffix(self, defaultPort))
                || (normalized + defaultPort).equals(self);
    }

    private static String stripSuffix(String s, String suffix) {
        return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
    }

    /**
     * @return the token sent with the upgrade request as {@code Authorization: Bearer <token>}
     *         or as the query parameter {@code token}, or null
     */
    static String presentedToken(Request request) {
        HttpField authorization = request.getHeaders().getField(HttpHeader.AUTHORIZATION);
        if (authorization != null) {
            String value = authorization.getValue().trim();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return value.substring(7).trim();
            }
        }
        String query = request.getHttpURI().getQuery();
        if (query != null && query.contains("token=")) {
            Fields fields = Request.extractQueryParameters(request);
            return fields.getValue("token");
        }
        return null;
    }
}
