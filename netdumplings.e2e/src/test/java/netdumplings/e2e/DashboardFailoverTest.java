package netdumplings.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import chefs.examples.DNSLookupChef;
import netdumplings.hub.internal.HubSecurity;
import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.hub.internal.federation.FederationSettings;
import netdumplings.kitchen.internal.Kitchen;
import netdumplings.testing.Await;
import netdumplings.testing.HeadlessChromium;
import netdumplings.testing.NatsServer;
import netdumplings.testing.SampleCaptures;

/**
 * Issue 17: the dashboard moves to the next hub of its federation when its own goes away,
 * and recovers what it missed by offset. Two real hubs federated through a real
 * nats-server (JetStream history on a temporary directory); hub A names hub B as its
 * fail-over hub, hub B allows hub A's page as a browser origin; a real kitchen replaying
 * {@code dns.pcap} knows both hubs. The page, opened on A, is on B after A stops, and every
 * offset it saw followed the one before: none skipped, none twice.
 */
class DashboardFailoverTest {

    /** Generous: the page and Chromium share a loaded 2-core machine with the build (10x the usual). */
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path temp;

    private NatsServer nats;
    private HubServer a;
    private HubServer b;
    private Kitchen kitchen;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {chromium, kitchen, a, b}) {
            if (c != null) {
                c.close();
            }
        }
        if (nats != null) {
            nats.stop();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HubServer hub(String name, int kitchenPort, int eaterPort, HubSecurity security) throws Exception {
        HubServer hub = new HubServer(HubSettings.ephemeral().withKitchenPort(kitchenPort).withEaterPort(eaterPort)
                .withStatusInterval(Duration.ofSeconds(1)).withSecurity(security),
                FederationSettings.OFF.withServers(List.of(nats.url())).withHubName(name));
        hub.start();
        Await.until(hub::isFederating, () -> name + " federating", WAIT);
        return hub;
    }

    private <T> T waitFor(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, WAIT, Duration.ofMillis(100)).withMessage(what).until(condition);
    }

    private String page(String script) {
        return String.valueOf(((JavascriptExecutor) browser).executeScript("return " + script + ";"));
    }

    private long offset() {
        String offset = page("document.body.dataset.offset");
        return offset.matches("[0-9]+") ? Long.parseLong(offset) : -1; // "" before any, "null" before the first render
    }

    @Test
    void thePageMovesToTheNextHubAndMissesNothing() throws Exception {
        HeadlessChromium.assumeInstalled();
        nats = NatsServer.start(temp.resolve("nats"));
        int aIn = freePort();
        int aOut = freePort();
        int bIn = freePort();
        int bOut = freePort();
        b = hub("hub-b", bIn, bOut, HubSecurity.NONE.withAllowedOrigins(List.of("http://localhost:" + aOut)));
        a = hub("hub-a", aIn, aOut, HubSecurity.NONE.withFailoverHubs(List.of("ws://localhost:" + bOut)));
        // dns.pcap at 20x, gaps cut to 100 ms, for ever: a steady trickle of lookups.
        kitchen = Kitchen.builder().name("failover_kitchen").pcapFile(SampleCaptures.path("dns.pcap")).filter("")
                .speed(20).maxGap(Duration.ofMillis(100)).loop(0).pokeInterval(Duration.ofSeconds(1))
                .chef(new DNSLookupChef()).hub("localhost:" + aIn + ",localhost:" + bIn).build();
        kitchen.start();

        chromium = HeadlessChromium.start(HeadlessChromium.options(temp.resolve("chromium-profile"), 1280, 900),
                temp.resolve("chromedriver.log"));
        browser = chromium.browser();
        browser.get("http://localhost:" + aOut + "/");
        waitFor("the page live on hub A", d -> "open".equals(page("document.body.dataset.connection"))
                && page("document.getElementById('hub-url').textContent").equals("ws://localhost:" + aOut + "/"));
        waitFor("lookups on hub A", d -> offset() >= 20);

        long before = offset();
        long stopped = System.nanoTime();
        a.close();
        waitFor("the page live on hub B", d -> "open".equals(page("document.body.dataset.connection"))
                && page("document.getElementById('hub-url').textContent").equals("ws://localhost:" + bOut + "/"));
        // Printed, not asserted: the machine may be loaded (issue 17 asks for 2 s).
        System.out.printf("dashboard: on hub B %.1f s after hub A stopped (last offset seen on A: %d)%n",
                (System.nanoTime() - stopped) / 1e9, before);
        waitFor("lookups through hub B", d -> offset() >= before + 20);

        assertEquals("0", page("document.body.dataset.offsetGaps"), "offsets skipped");
        assertEquals("0", page("document.body.dataset.offsetRepeats"), "offsets twice");
        assertTrue(!page("document.getElementById('received').textContent").contains("missed"),
                page("document.getElementById('received').textContent"));
        assertTrue(page("document.querySelector('#dns-table tbody').innerText").contains("failover_kitchen"));
    }
}
