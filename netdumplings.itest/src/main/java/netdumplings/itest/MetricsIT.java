package netdumplings.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.KitchenInfo;
import netdumplings.api.management.KitchenManagement;

/**
 * The metrics endpoint of a running runtime (netdumplings.metrics in this framework):
 * protected by the hub's eater token, it shows a replay's figures as the kitchen's own
 * management snapshot reports them, and they move with a second replay.
 */
@ExtendWith({ BundleContextExtension.class, ServiceExtension.class })
class MetricsIT {

    private static final int KITCHEN_PORT = 21567;
    private static final int EATER_PORT = 21568;
    private static final String KITCHEN = "metrics_kitchen";
    private static final String TOKEN = "metrics-it-token";
    /** {@code capinfos -c dns.pcap}: "Number of packets: 464". */
    private static final long DNS_PACKETS = 464;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    private final TestConfigurations configurations = new TestConfigurations();

    @AfterEach
    void tearDown() throws Exception {
        configurations.deleteAll();
    }

    @Test
    void scrapesShowAReplayAsTheKitchenReportsIt() throws Exception {
        int metricsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            metricsPort = free.getLocalPort();
        }
        configurations.update(configAdmin.getConfiguration("netdumplings.metrics", "?"),
                Map.of("host", "localhost", "port", metricsPort));
        configurations.update(configAdmin.getConfiguration("netdumplings.hub", "?"), Map.of("address", "localhost",
                "in_port", KITCHEN_PORT, "out_port", EATER_PORT, "eater_token", TOKEN));

        // The endpoint restarts whenever either configuration changes: await the token's.
        String before = awaitScrape(metricsPort, text -> text.contains("netdumplings_hub_running 1.0"));
        assertFalse(before.contains("kitchen=\"" + KITCHEN + "\""), before);
        assertEquals(401, scrape(metricsPort, null).statusCode(), "no token, no metrics");
        assertEquals(401, scrape(metricsPort, "not-" + TOKEN).statusCode(), "a wrong token, no metrics");

        Path pcap = Path.of(context.getProperty("netdumplings.pcaps"), "dns.pcap").toAbsolutePath();
        Configuration kitchen = configAdmin.getFactoryConfiguration("netdumplings.kitchen", "metrics", "?");
        Map<String, Object> replay = Map.of("kitchen_name", KITCHEN, "pcap", pcap.toString(), "speed", 0.0,
                "loop", 1, "filter", "", "hub", "localhost:" + KITCHEN_PORT);
        configurations.update(kitchen, replay);
        KitchenManagement management = Kitchens.awaitKitchen(context, KITCHEN);
        KitchenInfo once = Kitchens.await(management, k -> done(k, DNS_PACKETS));
        assertEquals(DNS_PACKETS, once.packetsCaptured());
        String first = awaitScrape(metricsPort, text -> true);
        assertMatches(first, once);

        // A second replay, twice over: the kitchen is replaced and counts afresh.
        Map<String, Object> twice = new java.util.HashMap<>(replay);
        twice.put("loop", 2);
        configurations.update(kitchen, twice);
        KitchenInfo again = Kitchens.await(Kitchens.awaitKitchen(context, KITCHEN), k -> done(k, 2 * DNS_PACKETS));
        String second = awaitScrape(metricsPort, text -> value(text,
                "netdumplings_kitchen_packets_captured_total{kitchen=\"" + KITCHEN + "\"}").orElse(0)
                == 2 * DNS_PACKETS);
        assertMatches(second, again);
        assertTrue(value(second, "netdumplings_hub_dumplings_in_total").orElseThrow()
                >= value(first, "netdumplings_hub_dumplings_in_total").orElseThrow(), "the hub's counter moved back");
        assertTrue(value(second, "netdumplings_hub_dumplings_in_total").orElseThrow() > 0,
                "the hub received the kitchen's dumplings");
    }

    /** Every figure of the snapshot that stands still once a replay ended, as scraped. */
    private static void assertMatches(String text, KitchenInfo info) {
        String k = "{kitchen=\"" + KITCHEN + "\"}";
        assertEquals(info.packetsCaptured(), value(text, "netdumplings_kitchen_packets_captured_total" + k)
                .orElseThrow(() -> new AssertionError("no packets captured in\n" + text)));
        assertEquals(info.packetsDropped(), value(text, "netdumplings_kitchen_packets_dropped_total" + k)
                .orElseThrow());
        assertEquals(info.kernelDrops(), value(text, "netdumplings_kitchen_kernel_drops_total" + k).orElseThrow());
        assertEquals(0.0, value(text, "netdumplings_kitchen_running" + k).orElseThrow(), "the replay ended");
        assertFalse(info.chefs().isEmpty());
        for (ChefInfo chef : info.chefs()) {
            String labels = "{bundle=\"" + (chef.bundle() == null ? "" : chef.bundle()) + "\",chef=\"" + chef.name()
                    + "\",kitchen=\"" + KITCHEN + "\"}";
            assertEquals(chef.packetsHandled(), value(text, "netdumplings_chef_packets_handled_total" + labels)
                    .orElseThrow(() -> new AssertionError("no " + labels + " in\n" + text)), chef.name());
            assertEquals(chef.errors(), value(text, "netdumplings_chef_errors_total" + labels).orElseThrow());
            assertEquals(chef.enabled() ? 1.0 : 0.0, value(text, "netdumplings_chef_enabled" + labels)
                    .orElseThrow());
        }
    }

    private static boolean done(KitchenInfo k, long packets) {
        return !k.running() && k.packetsCaptured() == packets && !k.chefs().isEmpty()
                && k.chefs().stream().allMatch(c -> c.packetsHandled() + c.packetsDropped() == packets);
    }

    /** The value of one series (name and labels exactly as exposed), if the text has it. */
    private static OptionalDouble value(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim().split(" ")[0]))
                .findFirst();
    }

    private static HttpResponse<String> scrape(int port, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String awaitScrape(int port, Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = scrape(port, TOKEN);
                last = response.statusCode() + "\n" + response.body();
                if (response.statusCode() == 200 && wanted.test(response.body())) {
                    return response.body();
                }
            } catch (java.io.IOException e) {
                last = e.toString(); // not listening yet, or restarting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no wanted scrape within 60 s; last: " + last);
    }
}
