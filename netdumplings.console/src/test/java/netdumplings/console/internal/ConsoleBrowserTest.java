package netdumplings.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import netdumplings.testing.HeadlessChromium;
import netdumplings.testing.SampleCaptures;

/**
 * The "Dumplings" page in a real headless Chromium: launches Felix with the bundles of the
 * all-in-one runtime that the page needs (SCR, Config Admin, Felix HTTP Jetty 12, the Web
 * Console, the hub, the kitchen, the example chefs and this bundle, from the test
 * classpath), two kitchens replaying sample captures, and checks that the console has no
 * default password, that the generated one works, and that the page shows both kitchens
 * and their chefs and disables a chef with its button.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    /** Bundles (by jar file name prefix) from the test classpath installed in the framework. */
    private static final List<String> BUNDLES = List.of("org.apache.felix.scr-", "org.osgi.service.component-",
            "org.osgi.util.promise-", "org.osgi.util.function-", "org.apache.felix.configadmin-", "org.apache.felix.log-",
            "org.apache.felix.metatype-",
            "org.apache.felix.webconsole-", "org.apache.felix.inventory-",
            "org.apache.felix.http.jetty12-", "org.apache.felix.http.servlet-api-", "encoder-",
            "commons-fileupload-", "commons-io-", "jackson-core-", "jackson-databind-", "jackson-annotations-",
            "jna-", "netdumplings.api-", "netdumplings.pcap4j-", "netdumplings.kitchen-", "netdumplings.hub-",
            "chefs.examples-");

    @TempDir
    static Path temp;

    private static Framework framework;
    private static HeadlessChromium chromium;
    private static ChromeDriver browser;
    private static int httpPort;
    private static String password;

    /** The framework's properties; a restart reuses them (and its storage, kept). */
    private static final Map<String, String> props = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        httpPort = freePort();
        props.put(Constants.FRAMEWORK_STORAGE, temp.resolve("felix-cache").toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // slf4j comes from the test classpath, through the system bundle.
        // slf4j 2 also exports its packages as 1.7.36 (the Web Console wants [1.7,2)).
        StringBuilder slf4j = new StringBuilder();
        for (String pkg : List.of("org.slf4j", "org.slf4j.event", "org.slf4j.helpers", "org.slf4j.spi")) {
            slf4j.append(pkg).append(";version=2.0.17,").append(pkg).append(";version=1.7.36,");
        }
        // Config Admin's API too, so this test and the bundles share its classes.
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, slf4j + "org.osgi.service.cm;version=1.6.0");
        props.put("org.osgi.service.http.port", Integer.toString(httpPort));
        props.put("org.apache.felix.http.host", "localhost");
        props.put(ConsoleCredentialsComponent.PASSWORD_FILE_PROPERTY, temp.resolve("console-password").toString());
        framework = new FrameworkFactory().newFramework(props);
        framework.init();
        BundleContext context = framework.getBundleContext();
        List<Bundle> installed = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.endsWith(".jar") && BUNDLES.stream().anyMatch(name::startsWith) && isBundle(entry)) {
                installed.add(context.installBundle(Path.of(entry).toUri().toString()));
            }
        }
        // This module's bundle: its classes folder, with the manifest bnd wrote there.
        installed.add(context.installBundle("reference:" + Path.of("target/classes").toAbsolutePath().toUri()));
        framework.start();
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }
        ConfigurationAdmin cm = service(context, ConfigurationAdmin.class);
        int kitchenPort = freePort();
        update(cm.getConfiguration("netdumplings.hub", "?"), Map.of("in_port", kitchenPort, "out_port", freePort()));
        update(cm.getFactoryConfiguration("netdumplings.kitchen", "dns", "?"), Map.of("kitchen_name", "dns_kitchen",
                "pcap", SampleCaptures.path("dns.pcap").toString(), "speed", 0.0, "filter", "",
                "hub", "localhost:" + kitchenPort));
        update(cm.getFactoryConfiguration("netdumplings.kitchen", "arp", "?"), Map.of("kitchen_name", "arp_kitchen",
                "pcap", SampleCaptures.path("many-protocols.pcap").toString(), "speed", 0.0, "loop", 1, "filter", "arp",
                "hub", "localhost:" + kitchenPort));
        // A kitchen whose hub is nowhere (a port nothing listens on): it keeps replaying, buffering.
        update(cm.getFactoryConfiguration("netdumplings.kitchen", "lonely", "?"), Map.of("kitchen_name",
                "lonely_kitchen", "pcap", SampleCaptures.path("dns.pcap").toString(), "loop", 0, "filter", "",
                "hub", "localhost:" + freePort()));
        password = awaitPassword(cm);
        awaitConsole();
        chromium = HeadlessChromium.start(HeadlessChromium.options(temp.resolve("chromium-profile"), 1600, 1200), null);
        browser = chromium.browser();
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (framework != null) {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    @Test
    void theDefaultPasswordIsRefusedAndTheGeneratedOneWorks() throws Exception {
        assertEquals(401, get("admin", "admin", "/system/console/dumplings/data.json").statusCode());
        HttpResponse<String> ok = get("admin", password, "/system/console/dumplings/data.json");
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("\"dns_kitchen\""), ok.body());
    }

    @Test
    void aPostWithoutThePageTokenIsRefused() throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create(base() + "/system/console/dumplings/chef"))
                .header("Authorization", basic("admin", password))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("chef=ARPChef&action=disable")).build();
        assertEquals(403, HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void thePageShowsKitchensAndChefsAndDisablesAChef() throws Exception {
        // Basic credentials on every request of the page, as a logged-in user's browser sends them.
        open("/system/console/dumplings");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> rowWith("nd-chefs", "dns_kitchen", "PacketCountChef", "464") != null);
        assertNotNull(rowWith("nd-kitchens", "dns_kitchen", "464"));
        assertNotNull(rowWith("nd-kitchens", "arp_kitchen"));
        assertNotNull(rowWith("nd-chefs", "dns_kitchen", "DNSLookupChef", "chefs.examples"));
        assertNotNull(rowWith("nd-chefs", "arp_kitchen", "ARPChef"));
        assertNotNull(rowWith("nd-hub-kitchens", "dns_kitchen"));

        // The page rebuilds its rows every 2 s: a row found just before may be gone; try again.
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            rowWith("nd-chefs", "arp_kitchen", "ARPChef").findElement(By.tagName("button")).click();
            return true;
        });
        wait.until(d -> {
            WebElement r = rowWith("nd-chefs", "arp_kitchen", "ARPChef");
            return r != null && r.getText().contains("Enable");
        });
        Files.write(Path.of("target/console-dumplings.png"), browser.getScreenshotAs(OutputType.BYTES));
        HttpResponse<String> data = get("admin", password, "/system/console/dumplings/data.json");
        assertTrue(data.body().matches("(?s).*\"name\":\"ARPChef\"[^}]*\"enabled\":false.*"), data.body());
    }

    /**
     * Issue 16: the Hub connection column (a connected kitchen, and one whose hub was never
     * there, since when), and a chef disabled on the page still disabled after the runtime
     * restarts (a new framework on the same storage, as the launchers restart it).
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // last: the others expect the first start's kitchens
    void theHubConnectionColumnAndADisabledChefAfterARestart() throws Exception {
        open("/system/console/dumplings");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(d -> rowWith("nd-kitchens", "dns_kitchen", "connected; 0 buffered, 0 dropped") != null);
        // The local time it began trying, as HH:MM:SS (the page's own formatting).
        wait.until(d -> {
            WebElement r = rowWith("nd-kitchens", "lonely_kitchen", "never connected, trying since");
            return r != null && r.getText().matches("(?s).*trying since \\d\\d:\\d\\d:\\d\\d; \\d+ buffered, \\d+ dropped.*");
        });
        Files.write(Path.of("target/console-hub-connection.png"), browser.getScreenshotAs(OutputType.BYTES));

        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            WebElement r = rowWith("nd-chefs", "dns_kitchen", "DNSLookupChef");
            if (r.getText().contains("Enable")) {
                return true;
            }
            r.findElement(By.tagName("button")).click();
            return false;
        });

        restartFramework();
        browser.get(base() + "/system/console/dumplings");
        wait.until(d -> rowWith("nd-chefs", "dns_kitchen", "PacketCountChef") != null);
        WebElement dns = rowWith("nd-chefs", "dns_kitchen", "DNSLookupChef");
        assertNotNull(dns);
        assertTrue(dns.getText().contains(" no ") && dns.getText().contains("Enable"), dns.getText());
        assertNotNull(rowWith("nd-chefs", "dns_kitchen", "PacketCountChef", "yes", "Disable"));
        Files.write(Path.of("target/console-after-restart.png"), browser.getScreenshotAs(OutputType.BYTES));
        HttpResponse<String> data = get("admin", password, "/system/console/dumplings/data.json");
        assertTrue(data.body().matches("(?s).*\"name\":\"DNSLookupChef\"[^}]*\"enabled\":false.*"), data.body());
    }

    /** Issue 16: the Web Console's Configuration page names each kitchen by its kitchen_name, not its PID. */
    @Test
    void theConfigurationPageNamesKitchensByName() throws Exception {
        open("/system/console/configMgr");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String page = "";
        while (!page.contains("kitchen dns_kitchen") && System.nanoTime() < deadline) {
            Thread.sleep(500);
            page = browser.findElement(By.tagName("body")).getText();
        }
        Files.write(Path.of("target/console-configuration.png"), browser.getScreenshotAs(OutputType.BYTES));
        assertTrue(page.contains("kitchen dns_kitchen") && page.contains("kitchen arp_kitchen")
                && page.contains("kitchen lonely_kitchen"), page);
    }

    /**
     * Issue 16: a second version of the example chefs' bundle (its manifest's version
     * changed) offers chefs of the same names: the page warns, and stops when it goes.
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 1)
    void twoChefsOfOneNameAreAWarningOnThePage() throws Exception {
        Path examples = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().startsWith("chefs.examples-")) {
                examples = Path.of(entry);
            }
        }
        assertNotNull(examples, "chefs.examples on the test classpath");
        Path copy = temp.resolve("chefs.examples-copy.jar");
        try (JarFile in = new JarFile(examples.toFile());
                java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(copy),
                        withVersion(in.getManifest(), "0.1.99"))) {
            for (var e : java.util.Collections.list(in.entries())) {
                if (!e.getName().equals("META-INF/MANIFEST.MF")) {
                    out.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                    in.getInputStream(e).transferTo(out);
                    out.closeEntry();
                }
            }
        }
        Bundle second = framework.getBundleContext().installBundle(copy.toUri().toString());
        second.start();
        try {
            open("/system/console/dumplings");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.until(d -> d.findElement(By.id("nd-warnings")).getText().contains(
                    "Kitchen dns_kitchen: 2 chefs named ARPChef"));
            String warning = browser.findElement(By.id("nd-warnings")).getText();
            // Each chef with its own bundle's version: the copy's and the original's (0.1.0.<build time>).
            assertTrue(warning.contains("chefs.examples 0.1.99, chefs.examples 0.1.0.")
                    || warning.contains("chefs.examples 0.1.0.") && warning.contains(", chefs.examples 0.1.99"), warning);
            assertTrue(warning.contains("remove one of the bundles"), warning);
            Files.write(Path.of("target/console-duplicate-chefs.png"), browser.getScreenshotAs(OutputType.BYTES));
        } finally {
            second.uninstall();
        }
        new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(d -> d.findElement(By.id("nd-warnings")).getText().isEmpty());
    }

    private static java.util.jar.Manifest withVersion(java.util.jar.Manifest manifest, String version) {
        java.util.jar.Manifest changed = new java.util.jar.Manifest(manifest);
        changed.getMainAttributes().putValue(Constants.BUNDLE_VERSION, version);
        return changed;
    }

    /** Stops the framework and starts a new one on the same storage: bundles, configuration and data kept. */
    private static void restartFramework() throws Exception {
        framework.stop();
        framework.waitForStop(60_000);
        Map<String, String> again = new HashMap<>(props);
        again.remove(Constants.FRAMEWORK_STORAGE_CLEAN);
        framework = new FrameworkFactory().newFramework(again);
        framework.start(); // the bundles installed and started before start again
        awaitConsole();
    }

    /** Opens a console page in the browser as the logged-in admin (Basic credentials on every request). */
    private static void open(String path) {
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of("Authorization", basic("admin", password))));
        browser.get(base() + path);
    }

    /** @return the first row of the table whose text holds every word, or null */
    private static WebElement rowWith(String table, String... words) {
        for (WebElement row : browser.findElements(By.cssSelector("#" + table + " tbody tr"))) {
            String text;
            try {
                text = row.getText();
            } catch (StaleElementReferenceException e) {
                continue; // replaced by a refresh
            }
            boolean all = true;
            for (String w : words) {
                all &= text.contains(w);
            }
            if (all) {
                return row;
            }
        }
        return null;
    }

    /**
     * The generated password, from the owner-only file the component writes (the Web Console
     * replaces the stored plain password with a salted hash on first use, so Config Admin no
     * longer holds it); the log names the file and never holds the password.
     */
    private static String awaitPassword(ConfigurationAdmin cm) throws Exception {
        Path file = temp.resolve("console-password");
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.size(file) > 0) {
                String generated = Files.readString(file).trim();
                assertTrue(generated.matches("[A-Za-z0-9_-]{20}"), generated);
                assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                        Files.getPosixFilePermissions(file), "the password file is its owner's only");
                Dictionary<String, Object> p = cm.getConfiguration(ConsoleCredentialsComponent.WEB_CONSOLE_PID, "?")
                        .getProperties();
                assertEquals("admin", p.get("username"));
                String logged = Files.exists(log) ? Files.readString(log) : "";
                assertTrue(logged.contains(file.toString()), "the log names the password's file");
                assertFalse(logged.contains(generated), "the log never holds the password");
                return generated;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no generated password in " + file);
    }

    private static void awaitConsole() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int status = -1;
        while (System.nanoTime() < deadline) {
            try {
                status = get("admin", password, "/system/console/dumplings/data.json").statusCode();
                if (status == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the console never answered 200, last status " + status);
    }

    private static HttpResponse<String> get(String user, String pass, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", basic(user, pass)).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String base() {
        return "http://localhost:" + httpPort;
    }

    private static String basic(String user, String pass) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    }

    private static void update(Configuration c, Map<String, Object> properties) throws IOException {
        c.update(new Hashtable<>(properties));
    }

    private static <T> T service(BundleContext context, Class<T> type) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            ServiceReference<T> ref = context.getServiceReference(type);
            if (ref != null) {
                return context.getService(ref);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + type.getName() + " service");
    }

    private static boolean isBundle(String jar) throws IOException {
        try (JarFile f = new JarFile(jar)) {
            return f.getManifest() != null
                    && f.getManifest().getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) != null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
