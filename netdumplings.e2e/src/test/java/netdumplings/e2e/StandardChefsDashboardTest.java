package netdumplings.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import chefs.examples.PacketCountChef;
import chefs.standard.ConnectionsChef;
import chefs.standard.DhcpChef;
import chefs.standard.HttpRequestChef;
import chefs.standard.TlsServerNameChef;
import chefs.standard.TopTalkersChef;
import netdumplings.api.DumplingChef;
import netdumplings.chefkit.Configurations;
import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.kitchen.internal.Kitchen;
import netdumplings.testing.HeadlessChromium;
import netdumplings.testing.SampleCaptures;
import netdumplings.testing.Tshark;

/**
 * The dashboard's panels for the standard chefs (issue 15) in a real headless Chromium,
 * against a real hub fed by two real kitchens with every standard chef: {@code web}
 * replaying {@code http-three-streams.pcap} (three whole HTTP connections) and {@code tls}
 * replaying {@code tls-gstatic.pcap}, once each. Every figure a panel shows is compared
 * with tshark's on the same capture, run here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandardChefsDashboardTest {

    /** Generous: the page and Chromium share a loaded 2-core machine with the build (10x the usual). */
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Path WEB = SampleCaptures.path("http-three-streams.pcap");
    private static final Path TLS = SampleCaptures.path("tls-gstatic.pcap");

    @TempDir
    static Path temp;

    private static HubServer hub;
    private static Kitchen web;
    private static Kitchen tls;
    private static HeadlessChromium chromium;
    private static WebDriver browser;
    private static long kitchensStarted;

    @BeforeAll
    static void startEverything() throws Exception {
        HeadlessChromium.assumeInstalled();
        hub = new HubServer(HubSettings.ephemeral().withStatusInterval(Duration.ofSeconds(1)));
        hub.start();
        chromium = HeadlessChromium.start(HeadlessChromium.options(temp.resolve("chromium-profile"), 1440, 2200),
                temp.resolve("chromedriver.log"));
        browser = chromium.browser();
        browser.get("http://localhost:" + hub.eaterPort() + "/");
        waitFor("the page to connect", d -> "open".equals(js("return document.body.dataset.connection;")));
        kitchensStarted = System.nanoTime();
        web = kitchen("web", WEB);
        tls = kitchen("tls", TLS);
    }

    /** A kitchen replaying a capture once, as fast as it can, with every standard chef. */
    private static Kitchen kitchen(String name, Path capture) {
        Kitchen.Builder builder = Kitchen.builder().name(name).pcapFile(capture).filter("").speed(0).loop(1)
                .pokeInterval(Duration.ofSeconds(1)).hub("localhost:" + hub.kitchenPort());
        for (DumplingChef chef : List.of(new PacketCountChef(),
                new TopTalkersChef(Configurations.of(TopTalkersChef.Config.class)),
                new ConnectionsChef(Configurations.of(ConnectionsChef.Config.class)),
                new TlsServerNameChef(Configurations.of(TlsServerNameChef.Config.class)),
                new HttpRequestChef(Configurations.of(HttpRequestChef.Config.class)),
                new DhcpChef(Configurations.of(DhcpChef.Config.class)))) {
            builder.chef(chef);
        }
        Kitchen kitchen = builder.build();
        kitchen.start();
        return kitchen;
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {chromium, web, tls, hub}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static <T> T waitFor(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, WAIT, Duration.ofMillis(200)).withMessage(what).until(condition);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /** A table's rows as the page shows them, cell texts, read in one step (the page redraws often). */
    @SuppressWarnings("unchecked")
    private static List<List<String>> rows(String table) {
        return (List<List<String>>) js("return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
                + ".map(tr => [...tr.cells].map(td => td.innerText.trim()));", table);
    }

    private static String text(String id) {
        return String.valueOf(js("return document.getElementById(arguments[0]).innerText;", id));
    }

    private static long number(String text) {
        return Long.parseLong(text.replaceAll("[^0-9]", ""));
    }

    private static void select(String kitchen) {
        new Select(browser.findElement(By.id("kitchen-select"))).selectByValue(kitchen);
    }

    @Test
    @Order(1)
    void everyPanelFills() {
        waitFor("every standard chef's panel to fill", d -> (Boolean) js("""
                return Number(document.getElementById('talkers-chart').dataset.bars) > 0
                    && document.querySelectorAll('#connections-table tbody tr').length > 0
                    && document.querySelectorAll('#tls-table tbody tr').length > 0
                    && document.querySelectorAll('#http-table tbody tr').length > 0
                    && !['', '–'].includes(document.getElementById('total-hosts').innerText);"""));
        // Printed, not asserted: the machine may be loaded (issue 15 asks for 10 s).
        System.out.printf("dashboard: every standard chef's panel filled %.1f s after the kitchens started%n",
                (System.nanoTime() - kitchensStarted) / 1e9);
        assertEquals(List.of("", "tls", "web"), js("return [...document.querySelectorAll('#kitchen-select option')]"
                + ".map(o => o.value).sort();"));
    }

    /** Counted with {@code tshark -r tls-gstatic.pcap -Y tls.handshake.type==1 -T fields -e tls.handshake.extensions_server_name}. */
    @Test
    @Order(2)
    void tlsServerNamesAreTsharks() {
        Map<String, Long> expected = new TreeMap<>();
        for (String[] hello : Tshark.fields(TLS, "tls.handshake.type==1", "tls.handshake.extensions_server_name")) {
            if (!hello[0].isEmpty()) {
                expected.merge(hello[0], 1L, Long::sum);
            }
        }
        assertEquals(3, expected.size(), expected.toString());
        waitFor("the TLS panel to show tshark's names and counts", d -> expected.equals(nameCounts("#tls-table")));
        long hellos = Tshark.fields(TLS, "tls.handshake.type==1", "frame.number").size();
        waitFor("the TLS hellos tile", d -> text("total-tls").equals(String.valueOf(hellos)));
    }

    /** Counted with {@code tshark -r http-three-streams.pcap -Y http.request -T fields -e http.host} and {@code -e http.response.code}. */
    @Test
    @Order(3)
    void httpHostsAreTsharks() {
        Map<String, Long> expected = new TreeMap<>();
        for (String[] request : Tshark.fields(WEB, "http.request", "http.host")) {
            expected.merge(request[0], 1L, Long::sum);
        }
        assertEquals(3, expected.size(), expected.toString());
        waitFor("the HTTP panel to show tshark's hosts and counts", d -> expected.equals(nameCounts("#http-table")));
        Map<String, Long> codes = new TreeMap<>();
        for (String[] response : Tshark.fields(WEB, "http.response", "http.response.code")) {
            codes.merge(response[0], 1L, Long::sum);
        }
        String line = codes.entrySet().stream().map(e -> e.getKey() + " × " + e.getValue())
                .reduce((a, b) -> a + ", " + b).orElseThrow();
        waitFor("the response codes", d -> text("http-codes").equals("responses: " + line));
    }

    private static Map<String, Long> nameCounts(String table) {
        Map<String, Long> shown = new TreeMap<>();
        for (List<String> row : rows(table)) {
            shown.put(row.get(0), number(row.get(1)));
        }
        return shown;
    }

    /**
     * The web kitchen alone: the top talkers' bars carry each address's bytes and packets
     * as {@code tshark -r http-three-streams.pcap -q -z endpoints,ip} counts them.
     */
    @Test
    @Order(4)
    void topTalkersOfOneKitchenAreTsharksEndpoints() {
        Map<String, List<Long>> expected = new TreeMap<>();
        Pattern endpoint = Pattern.compile("^(\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");
        for (String line : Tshark.run(List.of("-r", WEB.toString(), "-q", "-z", "endpoints,ip"))) {
            Matcher m = endpoint.matcher(line);
            if (m.matches()) { // address, packets, bytes, tx packets, tx bytes, rx packets, rx bytes
                expected.put(m.group(1), List.of(Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                        Long.parseLong(m.group(6)), Long.parseLong(m.group(7))));
            }
        }
        assertEquals(4, expected.size(), expected.toString());
        select("web");
        waitFor("the web kitchen's talkers, as tshark counts them", d -> expected.equals(talkers()));
        assertEquals("web", text("traffic-scope"));
        assertEquals(String.valueOf(expected.size()), text("total-hosts"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<Long>> talkers() {
        Map<String, List<Long>> shown = new TreeMap<>();
        for (Map<String, Object> h : (List<Map<String, Object>>) js("""
                const chart = Chart.getChart('talkers-chart');
                return chart ? chart.$talkers : [];""")) {
            shown.put((String) h.get("address"), List.of(((Number) h.get("packets_sent")).longValue(),
                    ((Number) h.get("bytes_sent")).longValue(), ((Number) h.get("packets_received")).longValue(),
                    ((Number) h.get("bytes_received")).longValue()));
        }
        return shown;
    }

    /**
     * The web kitchen's three connections, SYN to FIN: each row's packets as {@code tshark -r
     * http-three-streams.pcap -q -z conv,tcp} counts the conversation's frames, state SF; and
     * the table sorts by a column when its header is clicked.
     */
    @Test
    @Order(5)
    void connectionsOfOneKitchenAreTsharksConversations() {
        Map<String, Long> expected = new TreeMap<>();
        Pattern conversation = Pattern.compile("^(\\S+)\\s+<->\\s+(\\S+)\\s+\\d+\\s+\\d+\\s+\\S+\\s+\\d+\\s+\\d+\\s+\\S+\\s+(\\d+)\\s.*");
        for (String line : Tshark.run(List.of("-r", WEB.toString(), "-q", "-z", "conv,tcp"))) {
            Matcher m = conversation.matcher(line);
            if (m.matches()) { // A <-> B, frames and bytes each way, then in total
                expected.put(pair(m.group(1), m.group(2)), Long.parseLong(m.group(3)));
            }
        }
        assertEquals(3, expected.size(), expected.toString());
        select("web");
        waitFor("the three connections with tshark's packet counts", d -> expected.equals(connections()));
        for (List<String> row : rows("#connections-table")) {
            assertEquals("tcp", row.get(1));
            assertEquals("SF", row.get(7), row.toString());
        }
        browser.findElement(By.cssSelector("#connections-table th[data-sort='pkts'] button")).click();
        waitFor("rows sorted by packets, most first", d -> sortedByPackets(true));
        browser.findElement(By.cssSelector("#connections-table th[data-sort='pkts'] button")).click();
        waitFor("rows sorted by packets, fewest first", d -> sortedByPackets(false));
        assertEquals("ascending", js("return document.querySelector(\"#connections-table th[data-sort='pkts']\")"
                + ".getAttribute('aria-sort');"));
    }

    /** Either direction: "a <-> b" with the two endpoints in order. */
    private static String pair(String a, String b) {
        return a.compareTo(b) < 0 ? a + " <-> " + b : b + " <-> " + a;
    }

    private static Map<String, Long> connections() {
        Map<String, Long> shown = new TreeMap<>();
        for (List<String> row : rows("#connections-table")) {
            shown.put(pair(row.get(2), row.get(3)), number(row.get(5)));
        }
        return shown;
    }

    private static boolean sortedByPackets(boolean descending) {
        List<Long> packets = rows("#connections-table").stream().map(r -> number(r.get(5))).toList();
        List<Long> sorted = packets.stream().sorted(descending ? java.util.Comparator.reverseOrder()
                : java.util.Comparator.naturalOrder()).toList();
        return packets.size() == 3 && packets.equals(sorted);
    }

    /** The other kitchen alone: its TLS names, none of the web kitchen's hosts or connections. */
    @Test
    @Order(6)
    void theKitchenSelectorShowsOneKitchen() {
        select("tls");
        waitFor("the tls kitchen's view", d -> rows("#http-table").isEmpty() && !rows("#tls-table").isEmpty()
                && "tls".equals(text("traffic-scope")));
        for (List<String> row : rows("#connections-table")) {
            assertTrue(row.get(3).endsWith(":443"), row.toString());
        }
        select("");
        waitFor("every kitchen again", d -> !rows("#http-table").isEmpty() && !rows("#tls-table").isEmpty());
    }

    @Test
    @Order(7)
    void screenshot() throws Exception {
        js("window.scrollTo(0, 0);");
        Path png = Path.of(System.getProperty("netdumplings.e2e.screenshot", "target/dashboard.png")).resolveSibling(
                "dashboard-standard-chefs.png");
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertTrue(Files.size(png) > 10_000, "screenshot too small");
    }
}
