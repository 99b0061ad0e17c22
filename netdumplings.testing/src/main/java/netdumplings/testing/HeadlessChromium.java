package netdumplings.testing;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium ({@code chromium}, {@code chromium-driver}), headless and offline,
 * driven by Selenium for the browser tests: always the system's chromedriver, never one
 * Selenium Manager would look for or download (the tests' Surefire also sets
 * {@code SE_OFFLINE}), and a browser told not to call out to the network.
 * <p>
 * Closing it quits the browser and stops chromedriver.
 */
public final class HeadlessChromium implements AutoCloseable {

    /** The browser, as Debian's {@code chromium} package installs it. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The driver, as Debian's {@code chromium-driver} package installs it. */
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriverService service;
    private final ChromeDriver browser;
    private final OutputStream driverLog;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver browser, OutputStream driverLog) {
        this.service = service;
        this.browser = browser;
        this.driverLog = driverLog;
    }

    /** Skips the calling test (or test class, from {@code @BeforeAll}) when either is not installed. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium and chromedriver are not installed (bin/setup installs them)");
    }

    /**
     * @param profile the browser's profile folder (created)
     * @param width   the window's width in CSS pixels (the device scale factor is 1)
     * @param height  the window's height
     * @return the options of a headless Chromium that makes no call of its own to the network;
     *         a test may add to them
     */
    public static ChromeOptions options(Path profile, int width, int height) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                // Without these Chromium keeps calling out to a network that is closed here.
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check",
                "--user-data-dir=" + Files.createDirectories(profile),
                "--window-size=" + width + "," + height, "--force-device-scale-factor=1");
        return options;
    }

    /**
     * Starts the system's chromedriver on a free port, and the browser through it.
     *
     * @param options   the browser's options, from {@link #options(Path, int, int)}
     * @param driverLog where chromedriver writes its log (replaced), or null for Selenium's default
     * @return the running browser
     */
    public static HeadlessChromium start(ChromeOptions options, Path driverLog) throws IOException {
        OutputStream log = driverLog == null ? null : new FileOutputStream(driverLog.toFile());
        ChromeDriverService.Builder builder = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort();
        if (log != null) {
            builder.withLogOutput(log);
        }
        ChromeDriverService service = builder.build();
        try {
            return new HeadlessChromium(service, new ChromeDriver(service, options), log);
        } catch (RuntimeException e) {
            try (OutputStream closing = log) {
                service.stop();
            }
            throw e;
        }
    }

    /** @return the browser */
    public ChromeDriver browser() {
        return browser;
    }

    @Override
    public void close() throws IOException {
        try {
            browser.quit();
        } finally {
            try (OutputStream closing = driverLog) {
                service.stop();
            }
        }
    }
}
