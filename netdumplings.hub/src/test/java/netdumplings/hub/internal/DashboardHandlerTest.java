package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard over plain HTTP on a real hub, beside WebSocket eaters on the same port. */
class DashboardHandlerTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    final HubFixture hubs = new HubFixture();
    private HubServer hub;

    @BeforeEach
    void startHub() {
        hub = hubs.start(HubFixture.quiet());
    }

    private HttpResponse<byte[]> send(int port, String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        return send(hub.eaterPort(), "GET", path, headers);
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void rootIsTheHtmlPage() throws Exception {
        HttpResponse<byte[]> page = get("/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html;charset=utf-8", header(page, "Content-Type"));
        assertEquals("no-cache", header(page, "Cache-Control"));
        assertTrue(header(page, "Content-Security-Policy").contains("default-src 'none'"));
        assertEquals("nosniff", header(page, "X-Content-Type-Options"));
        assertTrue(text(page).contains("<title>netdumplings"), text(page));
    }

    @Test
    void everyAssetThePageNamesIsServedWithItsType() throws Exception {
        String page = text(get("/"));
        Matcher m = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"").matcher(page);
        List<String> paths = new ArrayList<>();
        while (m.find()) {
            paths.add(m.group(1));
        }
        assertTrue(paths.contains(new DashboardHandler(r -> true).chartJsPath()), paths.toString());
        assertTrue(paths.contains("/dashboard/app.js"), paths.toString());
        assertTrue(paths.contains("/dashboard/dashboard.css"), paths.toString());
        for (String path : paths) {
            HttpResponse<byte[]> asset = get(path);
            assertEquals(200, asset.statusCode(), path);
            assertTrue(asset.body().length > 100, path);
            String expected = path.endsWith(".js") ? "text/javascript;charset=utf-8"
                    : path.endsWith(".css") ? "text/css;charset=utf-8" : "image/svg+xml";
            assertEquals(expected, header(asset, "Content-Type"), path);
        }
    }

    @Test
    void chartJsComesFromTheWebJarAndIsCachedForAYear() throws Exception {
        String path = new DashboardHandler(r -> true).chartJsPath();
        assertTrue(path.matches("/webjars/chart\\.js/[0-9.]+/dist/chart\\.umd\\.min\\.js"), path);
        HttpResponse<byte[]> js = get(path);
        assertEquals(200, js.statusCode());
        assertEquals("public, max-age=31536000, immutable", header(js, "Cache-Control"));
        assertTrue(text(js).contains("Chart.js v"), "not Chart.js");
    }

    @Test
    void unknownPathsAre404() throws Exception {
        for (String path : List.of("/nope", "/index.html", "/dashboard/", "/dashboard/versions.properties",
                "/webjars/chart.js/", "/../etc/passwd", "/%2e%2e/etc/passwd", "/dashboard/%2e%2e/index.html",
                "/netdumplings/hub/internal/dashboard/app.js", "/META-INF/MANIFEST.MF")) {
            HttpResponse<byte[]> response = get(path);
            assertTrue(response.statusCode() == 404 || response.statusCode() == 400,
                    path + " -> " + response.statusCode());
            // Jetty refuses ambiguous paths (400) before the dashboard sees them.
            assertFalse(text(response).contains("netdumplings") || text(response).contains("root:"), path);
        }
        HttpResponse<byte[]> missing = get("/nope");
        assertEquals(404, missing.statusCode());
        assertEquals("text/plain;charset=utf-8", header(missing, "Content-Type"));
    }

    @Test
    void theKitchenPortServesNoDashboard() throws Exception {
        assertEquals(404, send(hub.kitchenPort(), "GET", "/").statusCode());
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        HttpResponse<byte[]> post = send(hub.eaterPort(), "POST", "/");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", header(post, "Allow"));
        HttpResponse<byte[]> head = send(hub.eaterPort(), "HEAD", "/");
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
    }

    @Test
    void anUnchangedAssetIsRevalidatedWith304() throws Exception {
        HttpResponse<byte[]> first = get("/dashboard/app.js");
        String etag = header(first, "ETag");
        assertTrue(etag != null && etag.startsWith("\""), etag);
        HttpResponse<byte[]> again = get("/dashboard/app.js", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        assertEquals(200, get("/dashboard/app.js", "If-None-Match", "\"other\"").statusCode());
    }

    @Test
    void textIsGzippedForClientsThatAcceptIt() throws Exception {
        HttpResponse<byte[]> plain = get("/dashboard/app.js");
        HttpResponse<byte[]> zipped = get("/dashboard/app.js", "Accept-Encoding", "gzip");
        assertEquals("gzip", header(zipped, "Content-Encoding"));
        assertEquals("Accept-Encoding", header(zipped, "Vary"));
        assertTrue(zipped.body().length < plain.body().length);
        assertArrayEquals(plain.body(), gunzip(zipped.body()));
        assertEquals(null, header(get("/dashboard/app.js", "Accept-Encoding", "gzip;q=0"), "Content-Encoding"));
    }

    @Test
    void eatersStillConnectOnTheSamePortAnyPath() throws Exception {
        assertEquals(200, get("/").statusCode());
        WebSocketTestClient eater = hubs.client(hub.eaterPort());
        eater.send("{\"eater_name\": \"dashboard\"}");
        WebSocketTestClient other = hubs.closeLater(WebSocketTestClient.connect("ws://localhost:" + hub.eaterPort() + "/any/path"));
        other.send("{\"eater_name\": \"other\"}");
        WebSocketTestClient kitchen = hubs.client(hub.kitchenPort());
        kitchen.send("{\"kitchen_name\": \"k\", \"interface\": \"lo\", \"filter\": \"\", \"chefs\": [], "
                + "\"poke_interval\": 5.0}");
        hubs.await(s -> s.eaters().size() >= 2 && !s.kitchens().isEmpty()); // the clients joined
        String dumpling = "{\"metadata\": {\"chef\": \"C\", \"kitchen\": \"k\", \"creation_time\": 1.5, "
                + "\"driver\": \"packet\"}, \"payload\": \"x\"}";
        kitchen.send(dumpling);
        assertEquals(dumpling, eater.nextDumpling());
        assertEquals(dumpling, other.nextDumpling());
        // And plain HTTP still works beside the open WebSockets.
        assertEquals(200, get("/dashboard/dashboard.css").statusCode());
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }

    /**
     * Issue 17: a hub with fail-over hubs names them to its page and lets the page connect to
     * them, and to nothing else; an address that is not a hub's eater address is refused.
     */
    @Test
    void failoverHubsAreNamedToThePageAndAllowedByItsPolicy() throws Exception {
        HubServer withFailover = hubs.start(HubFixture.quiet().withSecurity(HubSecurity.NONE
                .withFailoverHubs(List.of("ws://hub-b.example:11348/", "WSS://[2001:db8::2]:8443"))));
        HttpResponse<byte[]> page = send(withFailover.eaterPort(), "GET", "/");
        assertTrue(text(page).contains(
                "<meta name=\"netdumplings-failover-hubs\" content=\"ws://hub-b.example:11348 wss://[2001:db8::2]:8443\">"),
                text(page));
        assertTrue(header(page, "Content-Security-Policy")
                .contains("connect-src 'self' ws://hub-b.example:11348 wss://[2001:db8::2]:8443;"),
                header(page, "Content-Security-Policy"));
        // Without any, only the page's own hub.
        assertTrue(header(get("/"), "Content-Security-Policy").contains("connect-src 'self';"));
        assertTrue(text(get("/")).contains("<meta name=\"netdumplings-failover-hubs\" content=\"\">"));
        for (String bad : List.of("http://hub-b:11348", "ws://hub-b:11348/path", "ws://hub b:1", "ws://x\"><script>",
                "ws://hub-b:11348; script-src *")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HubSecurity.NONE.withFailoverHubs(List.of(bad)), bad);
            assertTrue(e.getMessage().startsWith("failover_hubs: "), e.getMessage());
        }
    }
}
