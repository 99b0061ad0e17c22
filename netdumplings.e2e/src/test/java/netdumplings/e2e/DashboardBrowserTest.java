package netdumplings.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import chefs.examples.ARPChef;
import chefs.examples.DNSLookupChef;
import chefs.examples.PacketCountChef;
import netdumplings.api.DumplingChef;
import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.kitchen.internal.Kitchen;
import netdumplings.testing.HeadlessChromium;
import netdumplings.testing.PcapFiles;
import netdumplings.testing.SampleCaptures;

/**
 * The live dashboard in a real headless Chromium, against a real hub fed by a real kitchen
 * replaying {@code dns.pcap}, {@code many-protocols.pcap} and the two ARP captures
 * (joined into one file, looping) with the sample chefs plus one un-overridden chef.
 * <p>
 * The tests share one hub, kitchen and browser and run in order: the last one restarts
 * the hub to see the page reconnect.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    /** Generous: the page and Chromium share a loaded 2-core machine with the build (10x the usual). */
    private static final Duration WAIT = Duration.ofSeconds(120);

    /** A chef that overrides nothing: one summary string per packet, for the raw view. */
    static final class PacketSummaryChef implements DumplingChef {
    }

    @TempDir
    static Path temp;

    private static HubServer hub;
    private static Kitchen kitchen;
    private static HeadlessChromium chromium;
    private static WebDriver browser;
    private static int kitchenPort;
    private static int eaterPort;

    @BeforeAll
    static void startEverything() throws Exception {
        HeadlessChromium.assumeInstalled();
        hub = new HubServer(HubSettings.ephemeral().withStatusInterval(Duration.ofSeconds(1)));
        hub.start();
        kitchenPort = hub.kitchenPort();
        eaterPort = hub.eaterPort();

        Path capture = PcapFiles.join(temp.resolve("replay.pcap"), List.of(SampleCaptures.path("dns.pcap"),
                SampleCaptures.path("arp-request.pcap"), SampleCaptures.path("arp-response.pcap"),
                SampleCaptures.path("many-protocols.pcap")));
        // 20x, with recorded gaps cut to 100 ms (many-protocols.pcap spans years), for ever.
        kitchen = Kitchen.builder().name("e2e_kitchen").pcapFile(capture).filter("").speed(20)
                .maxGap(Duration.ofMillis(100)).loop(0).pokeInterval(Duration.ofSeconds(1))
                .chef(new PacketCountChef()).chef(new DNSLookupChef()).chef(new ARPChef())
                .chef(new PacketSummaryChef()).hub("localhost:" + kitchenPort).build();
        kitchen.start();

        ChromeOptions options = HeadlessChromium.options(temp.resolve("chromium-profile"), 1440, 1280);
        // The page's console, to check it logs no error (a CSP violation would be one).
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        chromium = HeadlessChromium.start(options, driverLog());
        browser = chromium.browser();
        browser.get("http://localhost:" + eaterPort + "/");
    }

    /** @return chromedriver's log, beside the screenshot */
    private static Path driverLog() throws IOException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("netdumplings.e2e.screenshot",
                "target/dashboard.png")).toAbsolutePath().getParent());
        return dir.resolve("chromedriver.log");
    }

    @AfterAll
    static void stopEverything() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        if (kitchen != null) {
            kitchen.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private static <T> T waitFor(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, WAIT, Duration.ofMillis(200)).withMessage(what).until(condition);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /**
     * The text of the first element matching, read in the page in one step: the tables are
     * redrawn several times a second, so element references soon go stale.
     */
    private static String text(String css) {
        Object text = js("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
        return text == null ? "" : text.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<String> texts(String css) {
        return (List<String>) js("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent);", css);
    }

    private static int count(String css) {
        return texts(css).size();
    }

    /** @return the page's count of dumplings received ("1,234 dumplings · ..."), digits only */
    private static long received() {
        String digits = text("#received").split(" ")[0].replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }

    @Test
    @Order(1)
    void connectsAsAnEater() {
        waitFor("the page to connect", d -> "open".equals(js("return document.body.dataset.connection;")));
        assertEquals("live", text("#connection-state"));
        assertTrue(text("#hub-url").equals("ws://localhost:" + eaterPort + "/"), text("#hub-url"));
    }

    @Test
    @Order(2)
    void statusPanelShowsTheKitchen() {
        waitFor("kitchens 1 in the status panel", d -> "1".equals(text("#status-kitchens")));
        // The dashboard itself is an eater of the hub.
        assertTrue(Integer.parseInt(text("#status-eaters")) >= 1);
        assertTrue(text("#status-clients").contains("e2e_kitchen"), text("#status-clients"));
        assertTrue(text("#status-uptime").matches("\\d\\d:\\d\\d:\\d\\d"), text("#status-uptime"));
    }

    @Test
    @Order(3)
    void chartPlotsPacketRatesByProtocol() {
        waitFor("chart data points", d -> Integer.parseInt(
                browser.findElement(By.id("rate-chart")).getDomAttribute("data-points")) >= 10);
        // Read the Chart.js instance itself, not only the page's own bookkeeping.
        @SuppressWarnings("unchecked")
        Map<String, Object> chart = (Map<String, Object>) js("""
                const chart = Chart.getChart('rate-chart');
                const sets = chart.data.datasets;
                return {labels: sets.map(s => s.label),
                        points: sets.reduce((n, s) => n + s.data.length, 0),
                        maxRate: Math.max(...sets.flatMap(s => s.data.map(p => p.y)))};""");
        @SuppressWarnings("unchecked")
        List<String> labels = (List<String>) chart.get("labels");
        assertTrue(labels.contains("Ethernet") && labels.contains("UDP") && labels.contains("DNS"), labels.toString());
        assertTrue(((Number) chart.get("points")).intValue() >= 10, chart.toString());
        assertTrue(((Number) chart.get("maxRate")).doubleValue() > 0, chart.toString());
        assertEquals(Boolean.TRUE, js("return document.getElementById('chart-empty').hidden;"));
    }

    @Test
    @Order(4)
    void dnsTableListsHostnamesFromTheCapture() {
        waitFor("www.google.com in the DNS table", d -> hostnames().contains("www.google.com"));
        List<String> hosts = hostnames();
        assertTrue(hosts.size() <= 50, "the list is bounded: " + hosts.size());
        assertTrue(text("#dns-table tbody tr").contains("e2e_kitchen"));
    }

    private static List<String> hostnames() {
        return texts("#dns-table tbody td.host");
    }

    @Test
    @Order(5)
    void devicesTableListsArpSenders() {
        waitFor("ARP devices", d -> count("#devices-table tbody tr") > 0);
        String table = text("#devices-table tbody");
        // The reply in arp-response.pcap comes from this MAC.
        assertTrue(table.matches("(?s).*([0-9a-f]{2}:){5}[0-9a-f]{2}.*"), table);
    }

    @Test
    @Order(6)
    void rawViewShowsOtherChefsAndFilters() {
        waitFor("PacketSummaryChef rows", d -> text("#raw-table tbody").contains("PacketSummaryChef"));
        WebElement chefFilter = browser.findElement(By.id("filter-chef"));
        chefFilter.sendKeys("no-such-chef");
        waitFor("the filter to hide every row", d -> count("#raw-table tbody tr") == 0);
        chefFilter.clear();
        browser.findElement(By.id("filter-kitchen")).sendKeys("e2e");
        browser.findElement(By.id("filter-all")).click();
        waitFor("rows of the panel chefs too", d -> text("#raw-table tbody").contains("PacketCountChef"));
        browser.findElement(By.id("filter-kitchen")).clear();
        browser.findElement(By.id("filter-all")).click();
    }

    @Test
    @Order(7)
    void screenshot() throws Exception {
        // Let the chart fill a little more, and the raw view settle after the filter test.
        Thread.sleep(3000);
        js("window.scrollTo(0, 0);");
        Path png = Path.of(System.getProperty("netdumplings.e2e.screenshot", "target/dashboard.png"));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertTrue(Files.size(png) > 10_000, "screenshot too small");
    }

    @Test
    @Order(8)
    void thePageLogsNoError() {
        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
        assertEquals(List.of(), errors);
    }

    @Test
    @Order(9)
    void textFromDumplingsIsNeverHtml() throws Exception {
        String evil = "<img src=x id=injected>";
        try (var kitchen = RawKitchen.connect(kitchenPort, "evil<b>kitchen</b>")) {
            String evilDumpling = "{\"metadata\": {\"chef\": \"" + evil.replace("\"", "\\\"")
                    + "\", \"kitchen\": \"<i>k</i>\", \"creation_time\": 1.0, \"driver\": \"packet\"}, "
                    + "\"payload\": {\"x\": \"<script>bad()</script>\"}}";
            String evilLookup = "{\"metadata\": {\"chef\": \"DNSLookupChef\", \"kitchen\": \"<i>k</i>\", "
                    + "\"creation_time\": 1.0, \"driver\": \"packet\"}, \"payload\": {\"lookup\": "
                    + "{\"hostname\": \"<b>bold</b>.example\", \"when\": 1.0}}}";
            // The replay floods the bounded views, so a single row can scroll out between two
            // looks on a loaded machine: the raw view shows only this kitchen's rows, and the
            // dumpling is sent again at every look until it is seen.
            WebElement kitchenFilter = browser.findElement(By.id("filter-kitchen"));
            kitchenFilter.sendKeys("<i>k</i>");
            waitFor("the injected chef name as text", d -> {
                kitchen.send(evilDumpling);
                return text("#raw-table tbody").contains(evil);
            });
            kitchenFilter.clear();
            waitFor("the injected hostname as text", d -> {
                kitchen.send(evilLookup);
                return hostnames().contains("<b>bold</b>.example");
            });
        }
        assertEquals(0, count("#injected"), "an <img> was created from dumpling text");
        assertEquals(0, count("#dns-table b, #raw-table i, #raw-table script, #raw-table img"));
    }

    @Test
    @Order(10)
    void reconnectsWhenTheHubComesBack() throws Exception {
        hub.close();
        waitFor("the page to notice", d -> "closed".equals(js("return document.body.dataset.connection;")));
        assertTrue(text("#connection-state").contains("retrying in"), text("#connection-state"));
        // A new hub on the same ports: the page (and the kitchen) come back by themselves.
        hub = new HubServer(HubSettings.ephemeral().withKitchenPort(kitchenPort).withEaterPort(eaterPort)
                .withStatusInterval(Duration.ofSeconds(1)));
        hub.start();
        waitFor("the page to reconnect", d -> "open".equals(js("return document.body.dataset.connection;")));
        long before = hub.statistics().dumplingsOut();
        waitFor("dumplings to flow again", d -> hub.statistics().dumplingsOut() > before);
        assertFalse(text("#connection-state").contains("retrying"));
    }

    /**
     * Issue 17: a page opened on a hub that keeps a history starts with it. The kitchen has
     * replayed dns.pcap and left before the page opens, so every lookup the page shows came
     * from the history its hello asked for.
     */
    @Test
    @Order(11)
    void aNewPageStartsWithTheHubsHistory() throws Exception {
        HubServer kept = new HubServer(HubSettings.ephemeral().withStatusInterval(Duration.ofSeconds(1)),
                netdumplings.hub.internal.federation.FederationSettings.OFF.withHistorySize(10_000));
        kept.start();
        Kitchen replay = Kitchen.builder().name("history_kitchen").pcapFile(SampleCaptures.path("dns.pcap"))
                .filter("").speed(0).loop(1).chef(new DNSLookupChef()).hub("localhost:" + kept.kitchenPort()).build();
        try {
            replay.start();
            assertTrue(replay.awaitCaptureEnd(WAIT));
            // Everything made reached the hub: its count stops moving, then the kitchen goes.
            long in = -1;
            while (in != kept.statistics().dumplingsIn() || in <= 0) {
                in = kept.statistics().dumplingsIn();
                Thread.sleep(1000);
            }
            replay.close();
            long lookups = in;
            browser.get("http://localhost:" + kept.eaterPort() + "/");
            waitFor("the history's lookups", d -> count("#dns-table tbody tr") > 0);
            assertTrue(text("#dns-table tbody tr").contains("history_kitchen"), text("#dns-table tbody tr"));
            // Every dumpling of the history reached the page (status dumplings come on top).
            waitFor("every history dumpling", d -> received() >= lookups);
        } finally {
            replay.close();
            kept.close();
        }
    }
}
