package netdumplings.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.HubInfo;
import netdumplings.api.management.KitchenInfo;

/**
 * The collector behind a real Prometheus HTTP server (any free port): every figure of the
 * snapshots it is given appears under its name and labels, a second scrape sees the new
 * figures, and with a token a scrape without it gets 401.
 */
class ManagementCollectorTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void scrapesShowTheSnapshotsFigures() throws Exception {
        AtomicReference<KitchenInfo> kitchen = new AtomicReference<>(kitchen(100, 40));
        HubInfo hub = new HubInfo(true, 12.5, 30, 31, 2, 1,
                List.of(new HubInfo.Kitchen("k1", "127.0.0.1", 40000, 30, 2)),
                List.of(new HubInfo.Eater("e1", "::1", 40001, 3, 31, 1)));
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ManagementCollector(() -> List.of(kitchen.get()), () -> hub));
        try (HTTPServer server = HTTPServer.builder().hostname("localhost").port(0).registry(registry)
                .buildAndStart()) {
            String first = scrape(server.getPort(), null).body();
            assertTrue(first.contains("netdumplings_kitchen_packets_captured_total{kitchen=\"k1\"} 100.0"), first);
            assertTrue(first.contains(
                    "netdumplings_chef_packets_handled_total{bundle=\"chefs.examples\",chef=\"PacketCountChef\","
                            + "kitchen=\"k1\"} 40.0"), first);
            assertTrue(first.contains("netdumplings_chef_handler_mean_seconds{bundle=\"chefs.examples\","
                    + "chef=\"PacketCountChef\",kitchen=\"k1\"} 2.5E-6"), first);
            assertTrue(first.contains("netdumplings_kitchen_running{kitchen=\"k1\"} 1.0"), first);
            assertTrue(first.contains("netdumplings_kitchen_hub_connected{kitchen=\"k1\"} 1.0"), first);
            assertTrue(first.contains("netdumplings_kitchen_hub_connections_total{kitchen=\"k1\"} 2.0"), first);
            assertTrue(first.contains("netdumplings_kitchen_dumplings_buffered{kitchen=\"k1\"} 10.0"), first);
            assertTrue(first.contains("netdumplings_hub_dumplings_in_total 30.0"), first);
            assertTrue(first.contains("netdumplings_hub_kitchen_dumplings_in_total{kitchen=\"k1\","
                    + "remote=\"127.0.0.1:40000\"} 30.0"), first);
            assertTrue(first.contains("netdumplings_hub_eater_queued{eater=\"e1\",remote=\"[::1]:40001\"} 3.0"),
                    first);
            assertTrue(first.contains("# TYPE netdumplings_kitchen_packets_captured_total counter"), first);

            kitchen.set(kitchen(250, 90));
            String second = scrape(server.getPort(), null).body();
            assertTrue(second.contains("netdumplings_kitchen_packets_captured_total{kitchen=\"k1\"} 250.0"), second);
            assertFalse(second.contains("netdumplings_kitchen_packets_captured_total{kitchen=\"k1\"} 100.0"));
        }
    }

    @Test
    void noHubNoHubFigures() throws Exception {
        String text = collectText(new ManagementCollector(List::of, HubInfo::notRunning));
        assertTrue(text.contains("netdumplings_hub_running 0.0"), text);
        assertFalse(text.contains("netdumplings_hub_dumplings_in"), text);
    }

    @Test
    void twoKitchensOfOneNameAreOneSeries() throws Exception {
        // A series twice would make the whole scrape fail: the first kitchen counts.
        String text = collectText(new ManagementCollector(() -> List.of(kitchen(1, 1), kitchen(2, 2)),
                HubInfo::notRunning));
        assertTrue(text.contains("netdumplings_kitchen_packets_captured_total{kitchen=\"k1\"} 1.0"), text);
        assertFalse(text.contains("netdumplings_kitchen_packets_captured_total{kitchen=\"k1\"} 2.0"), text);
    }

    @Test
    void aTokenIsRequiredWhenSet() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ManagementCollector(() -> List.of(kitchen(5, 5)), HubInfo::notRunning));
        try (HTTPServer server = HTTPServer.builder().hostname("localhost").port(0).registry(registry)
                .authenticator(new MetricsComponent.BearerAuthenticator("s3cret")).buildAndStart()) {
            assertEquals(401, scrape(server.getPort(), null).statusCode());
            assertEquals(401, scrape(server.getPort(), "wrong").statusCode());
            HttpResponse<String> ok = scrape(server.getPort(), "s3cret");
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("netdumplings_kitchen_packets_captured_total{kitchen=\"k1\"} 5.0"));
        }
    }

    private static KitchenInfo kitchen(long packets, long handled) {
        ChefInfo chef = new ChefInfo("PacketCountChef", "netdumplings.chefs.PacketCountChef", "chefs.examples",
                "0.1.0", true, handled, 3, 0, 0, 0, 2.5);
        return new KitchenInfo("k1", "dns.pcap", false, "", "localhost:11347", true, null, packets, 10, 0, 3, 0,
                List.of(chef), 0, true, 2, 0, packets / 10);
    }

    private static String collectText(ManagementCollector collector) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        try (HTTPServer server = HTTPServer.builder().hostname("localhost").port(0).registry(registry)
                .buildAndStart()) {
            HttpResponse<String> response = scrape(server.getPort(), null);
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        }
    }

    private static HttpResponse<String> scrape(int port, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
