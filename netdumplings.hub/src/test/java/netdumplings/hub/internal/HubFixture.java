package netdumplings.hub.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up and tear-down the hub tests share, as a JUnit 5 extension: register it with
 * {@code @RegisterExtension final HubFixture hubs = new HubFixture();}, start a real
 * {@link HubServer} on ephemeral loopback ports with {@link #start(HubSettings)}, register clients
 * with {@link #closeLater(AutoCloseable)}; after each test every client is closed, then the hub
 * (closing a hub the test already closed is harmless).
 */
final class HubFixture implements AfterEachCallback {

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private HubServer hub;

    /** Ephemeral ports, and status dumplings only once an hour: they do not get in a test's way. */
    static HubSettings quiet() {
        return HubSettings.ephemeral().withStatusInterval(Duration.ofHours(1));
    }

    /** Starts a hub with these settings; it is closed after the test. */
    HubServer start(HubSettings settings) {
        return start(new HubServer(settings));
    }

    /** Starts this (not yet started) hub; it is closed after the test, even if starting fails. */
    HubServer start(HubServer server) {
        hub = server;
        server.start();
        return server;
    }

    /** @return the hub started last, or null */
    HubServer hub() {
        return hub;
    }

    /** Closes {@code closeable} after the test, before the hub; returns it. */
    <T extends AutoCloseable> T closeLater(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    /** A reading client on {@code ws://localhost:port/}, closed after the test. */
    WebSocketTestClient client(int port) throws Exception {
        return closeLater(WebSocketTestClient.connect(port));
    }

    /** A kitchen and an eater of the hub, each past its hello. */
    record Clients(WebSocketTestClient kitchen, WebSocketTestClient eater) {
    }

    /**
     * Connects a kitchen and an eater to the hub started last (both closed after the test),
     * and waits up to 5 s until the hub counts one of each.
     *
     * @param kitchenHello the kitchen's hello
     * @param eaterName    the eater's name, in its hello
     */
    Clients kitchenAndEater(String kitchenHello, String eaterName) throws Exception {
        WebSocketTestClient kitchen = client(hub.kitchenPort());
        kitchen.send(kitchenHello);
        WebSocketTestClient eater = client(hub.eaterPort());
        eater.send("{\"eater_name\": \"" + eaterName + "\"}");
        await(s -> s.kitchenCount() == 1 && s.eaterCount() == 1);
        return new Clients(kitchen, eater);
    }

    /** Waits up to 5 s for the hub's statistics to meet {@code condition}; fails the test otherwise. */
    HubStatistics await(Predicate<HubStatistics> condition) throws InterruptedException {
        return await(condition, 5);
    }

    /** Waits up to {@code seconds} for the hub's statistics to meet {@code condition}; fails the test otherwise. */
    HubStatistics await(Predicate<HubStatistics> condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        HubStatistics stats = hub.statistics();
        while (!condition.test(stats)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + seconds + " s; statistics: " + stats);
            }
            Thread.sleep(10);
            stats = hub.statistics();
        }
        return stats;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (AutoCloseable c : toClose) {
                c.close();
            }
        } finally {
            toClose.clear();
            if (hub != null) {
                hub.close();
                hub = null;
            }
        }
    }
}
