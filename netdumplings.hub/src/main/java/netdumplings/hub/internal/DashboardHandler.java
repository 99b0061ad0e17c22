package netdumplings.hub.internal;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the live dashboard over plain HTTP on the eater port: {@code GET /} is the page,
 * its own scripts and styles are under {@code /dashboard/}, and Chart.js (from its WebJar,
 * embedded in this bundle) under {@code /webjars/chart.js/<version>/}. The page itself is
 * just another eater: it connects back with a WebSocket to the same port.
 * <p>
 * Only the fixed list of assets below is served, read once from this bundle at start and
 * kept in memory (about 300 KB): no directory listing, no file system, every other path is
 * 404, every other method 405. Only GET and HEAD exist; request bodies are never read.
 * <p>
 * Caching: the versioned Chart.js path is immutable for a year; the page and its own assets
 * are {@code no-cache} with a strong ETag (revalidated with 304, so a new hub version is
 * picked up at once). Text assets are also held gzipped, sent to clients that accept it.
 */
final class DashboardHandler extends Handler.Abstract.NonBlocking {

    /** Where the dashboard's own files are, relative to this class. */
    private static final String OWN_ROOT = "dashboard/";
    /** Written by Maven resource filtering: the Chart.js WebJar version embedded by bnd. */
    private static final String VERSIONS = OWN_ROOT + "versions.properties";

    private static final String NO_CACHE = "no-cache";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /**
     * The page's Content-Security-Policy: only its own scripts and styles, WebSocket and
     * fetch only to itself ('self' covers ws: and wss: on the same host in CSP 3) and to the
     * fail-over hubs configured, no framing. Chart.js sets canvas sizes through the CSSOM,
     * which style-src does not govern.
     */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'{{failover}}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final HttpField NOSNIFF = new PreEncodedHttpField("X-Content-Type-Options", "nosniff");
    private static final HttpField ALLOW = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD");
    private static final HttpField VARY = new PreEncodedHttpField(HttpHeader.VARY, "Accept-Encoding");

    /** One servable file, fully prepared. */
    private record Asset(String contentType, String cacheControl, byte[] body, byte[] gzipped, String etag,
            boolean isPage) {
    }

    private final Predicate<Request> servesHere;
    private final Map<String, Asset> assets;
    private final String chartJsPath;
    private final String csp;

    /** A dashboard with no fail-over hub. */
    DashboardHandler(Predicate<Request> servesHere) {
        this(servesHere, List.of());
    }

    /**
     * Loads every asset from this bundle.
     *
     * @param servesHere   which requests may see the dashboard (the hub passes "on the eater
     *                     connector"); others get 404
     * @param failoverHubs other hubs' eater addresses, checked by {@link HubSecurity}
     *                     ({@code ws://host:port}): the page moves to them in order when its
     *                     hub goes away, and may connect to nothing else
     * @throws IllegalStateException if an asset is missing from the bundle (a build defect)
     */
    DashboardHandler(Predicate<Request> servesHere, List<String> failoverHubs) {
        this.servesHere = requireNonNull(servesHere, "servesHere");
        String hubs = String.join(" ", failoverHubs);
        this.csp = CSP.replace("{{failover}}", hubs.isEmpty() ? "" : " " + hubs);
        Properties versions = new Properties();
        try (InputStream in = open(VERSIONS)) {
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + VERSIONS, e);
        }
        String chartJs = versions.getProperty("chartjs.version");
        if (chartJs == null || !chartJs.matches("[0-9A-Za-z.-]+")) {
            throw new IllegalStateException("no valid chartjs.version in " + VERSIONS + ": " + chartJs);
        }
        String chartJsFile = "webjars/chart.js/" + chartJs + "/dist/chart.umd.min.js";
        this.chartJsPath = "/" + chartJsFile;
        String js = "text/javascript;charset=utf-8";
        this.assets = Map.of(
                "/", page(OWN_ROOT + "index.html", chartJs, hubs),
                "/dashboard/app.js", asset(OWN_ROOT + "app.js", js, NO_CACHE),
                "/dashboard/dashboard.css", asset(OWN_ROOT + "dashboard.css", "text/css;charset=utf-8", NO_CACHE),
                "/dashboard/favicon.svg", asset(OWN_ROOT + "favicon.svg", "image/svg+xml", NO_CACHE),
                // Where WebJars put their files; bnd copies it into the bundle (see bnd.bnd).
                chartJsPath, asset("/META-INF/resources/" + chartJsFile, js, IMMUTABLE));
    }

    /** @return the path the page loads Chart.js from, versioned */
    String chartJsPath() {
        return chartJsPath;
    }

    private static Asset asset(String resource, String contentType, String cacheControl) {
        return asset(read(resource), contentType, cacheControl, false);
    }

    private static Asset page(String resource, String chartJsVersion, String failoverHubs) {
        // The page names no version itself: the one this bundle holds is filled in here, and
        // the fail-over hubs (addresses HubSecurity checked: nothing in them ends an attribute).
        byte[] body = new String(read(resource), StandardCharsets.UTF_8)
                .replace("{{chartjs.version}}", chartJsVersion)
                .replace("{{failover.hubs}}", failoverHubs)
                .getBytes(StandardCharsets.UTF_8);
        return asset(body, "text/html;charset=utf-8", NO_CACHE, true);
    }

    private static Asset asset(byte[] body, String contentType, String cacheControl, boolean isPage) {
        return new Asset(contentType, cacheControl, body, gzip(body), etag(body), isPage);
    }

    private static byte[] read(String resource) {
        try (InputStream in = open(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static InputStream open(String resource) {
        // Relative names are beside this class; absolute ones from the bundle's root.
        InputStream in = DashboardHandler.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("dashboard resource missing from the hub bundle: " + resource);
        }
        return in;
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] zipped = out.toByteArray();
        // Not worth it for tiny or incompressible files.
        return zipped.length < body.length * 0.9 ? zipped : null;
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        response.getHeaders().put(NOSNIFF);
        Asset asset = servesHere.test(request) ? assets.get(Request.getPathInContext(request)) : null;
        if (asset == null) {
            return plain(response, callback, HttpStatus.NOT_FOUND_404, "404 not found\n");
        }
        String method = request.getMethod();
        boolean head = HttpMethod.HEAD.is(method);
        if (!head && !HttpMethod.GET.is(method)) {
            response.getHeaders().put(ALLOW);
            return plain(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "405 method not allowed\n");
        }
        var headers = response.getHeaders();
        headers.put(HttpHeader.CACHE_CONTROL, asset.cacheControl());
        headers.put(HttpHeader.ETAG, asset.etag());
        if (asset.isPage()) {
            headers.put("Content-Security-Policy", csp);
            headers.put("Referrer-Policy", "no-referrer");
        }
        if (asset.gzipped() != null) {
            headers.put(VARY);
        }
        String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (ifNoneMatch != null && matches(ifNoneMatch, asset.etag())) {
            response.setStatus(HttpStatus.NOT_MODIFIED_304);
            response.write(true, null, callback);
            return true;
        }
        byte[] body = asset.body();
        if (asset.gzipped() != null && acceptsGzip(request)) {
            body = asset.gzipped();
            headers.put(HttpHeader.CONTENT_ENCODING, "gzip");
        }
        response.setStatus(HttpStatus.OK_200);
        headers.put(HttpHeader.CONTENT_TYPE, asset.contentType());
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        // The arrays are never changed, so every response can share them read-only.
        response.write(true, head ? null : ByteBuffer.wrap(body).asReadOnlyBuffer(), callback);
        return true;
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static boolean acceptsGzip(Request request) {
        // Enough for browsers and curl: "gzip" listed and not refused with q=0.
        for (String value : request.getHeaders().getValuesList(HttpHeader.ACCEPT_ENCODING)) {
            for (String coding : value.split(",")) {
                String c = coding.trim().toLowerCase(Locale.ROOT);
                if (c.equals("gzip") || (c.startsWith("gzip;") && !c.replace(" ", "").matches("gzip;q=0(\\.0*)?"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean plain(Response response, Callback callback, int status, String text) {
        byte[] body = text.getBytes(StandardCharsets.US_ASCII);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}
