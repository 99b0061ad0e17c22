package netdumplings.hub.internal;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses (403) every request, on both ports, upgrade or plain HTTP, whose {@code Host}
 * header names a host that is not this hub: DNS rebinding. A page of {@code evil.example}
 * whose name is re-pointed at 127.0.0.1 is same-origin with {@code http://evil.example:P},
 * so its {@code Origin} matches the {@code Host} it sends and the Origin check alone lets it
 * in; the name in {@code Host} gives it away. Runs before everything else, so before the
 * Origin check.
 * <p>
 * Allowed: {@code localhost} and {@code *.localhost} (always loopback, RFC 6761), the
 * configured listen address, this machine's host name (short and canonical), the configured
 * extra names, and every IP literal: a browser sends an IP literal only when the page's own
 * origin is that address, which no rebinding can fake. A request without {@code Host}
 * (HTTP/1.0; browsers always send one) is not a browser's and is let through.
 */
final class HostCheck extends Handler.Wrapper {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> names;
    private final LongAdder refused = new LongAdder();
    private final RateLimitedWarning warning;

    /**
     * @param next         the handler of allowed requests
     * @param address      the hub's listen address (a name or an IP literal)
     * @param allowedHosts extra names allowed
     * @param warning      where refusals are logged, rate-limited
     */
    HostCheck(Handler next, String address, java.util.Collection<String> allowedHosts, RateLimitedWarning warning) {
        super(next);
        this.warning = requireNonNull(warning, "warning");
        Set<String> n = new LinkedHashSet<>();
        n.add("localhost");
        n.add(normalizeHost(address));
        try {
            InetAddress local = InetAddress.getLocalHost();
            n.add(normalizeHost(local.getHostName()));
            n.add(normalizeHost(local.getCanonicalHostName()));
        } catch (UnknownHostException e) {
            // No name of our own: localhost, the address and the configured names remain.
        }
        for (String h : allowedHosts) {
            n.add(normalizeHost(h));
        }
        n.remove("");
        names = Set.copyOf(n);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host != null && !allowed(host)) {
            refused.increment();
            warning.warn("refused a request from {}: HTTP 403 (Host {} is not this hub; allowed_hosts adds names)",
                    Request.getRemoteAddr(request), HubEndpoint.shorten(host));
            Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "host not allowed");
            return true;
        }
        return super.handle(request, response, callback);
    }

    /** @return whether a {@code Host} header value ({@code name[:port]}) names this hub */
    boolean allowed(String hostHeader) {
        String h = normalizeHost(hostHeader);
        if (h.startsWith("[") || IPV4.matcher(h).matches()) {
            return true;
        }
        return names.contains(h) || h.endsWith(".localhost");
    }

    /** @return requests refused so far */
    long refused() {
        return refused.sum();
    }

    /**
     * @return the host of a {@code Host} value or a configured name: lower case, without port
     *         and without a trailing dot ({@code [::1]} keeps its brackets)
     */
    static String normalizeHost(String host) {
        if (host == null) {
            return "";
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            // A bare IPv6 address (configured, not from a Host header) has several colons.
            if (h.indexOf(':', colon + 1) >= 0) {
                return "[" + h + "]";
            }
            h = h.substring(0, colon);
        }
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }
}
