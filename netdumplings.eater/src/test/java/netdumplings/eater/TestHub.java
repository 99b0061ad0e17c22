package netdumplings.eater;


import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.KitchenHello;
import netdumplings.api.json.DumplingJson;
import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.testing.Await;

/** The real hub on ephemeral loopback ports, with a JDK WebSocket kitchen publishing into it. */
public final class TestHub implements AutoCloseable {

    private final HubServer server;
    private WebSocket kitchen;

    private TestHub(HubSettings settings) {
        this(new HubServer(settings));
    }

    private TestHub(HubServer server) {
        this.server = server;
        server.start();
    }

    /** @return a hub on ephemeral ports keeping its last {@code historySize} dumplings for eaters that ask */
    public static TestHub startWithHistory(int historySize) {
        return new TestHub(new HubServer(HubSettings.ephemeral().withStatusInterval(Duration.ofHours(1)),
                netdumplings.hub.internal.federation.FederationSettings.OFF.withHistorySize(historySize)));
    }

    /** @return a hub on ephemeral ports that sends no status dumplings during a test */
    public static TestHub start() {
        return start(HubSettings.ephemeral().withStatusInterval(Duration.ofHours(1)));
    }

    /** @return a hub with these settings */
    public static TestHub start(HubSettings settings) {
        return new TestHub(settings);
    }

    public HubServer server() {
        return server;
    }

    /** @return {@code localhost:<eater port>} */
    public String eaterAddress() {
        return "localhost:" + server.eaterPort();
    }

    /** Connects a kitchen named {@code name} and says hello. */
    public TestHub kitchen(String name) throws Exception {
        kitchen = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://localhost:" + server.kitchenPort()), new WebSocket.Listener() { })
                .get(10, TimeUnit.SECONDS);
        kitchen.sendText(DumplingJson.toJson(new KitchenHello(name, "all", "", List.of("A", "B"), 5.0)), true)
                .get(10, TimeUnit.SECONDS);
        awaitTrue(() -> server.statistics().kitchenCount() == 1, "the kitchen to be registered");
        return this;
    }

    /** Publishes one frame, as it is, from the kitchen. */
    public void publish(String frame) throws Exception {
        kitchen.sendText(frame, true).get(10, TimeUnit.SECONDS);
    }

    /** Publishes a dumpling of {@code chef} from {@code kitchenName} with this payload. */
    public void publish(String chef, String kitchenName, Object payload) throws Exception {
        publish(DumplingJson.toJson(new Dumpling(chef, kitchenName, 1795313383.5, DumplingDriver.PACKET, payload)));
    }

    /** Waits until the hub has received {@code count} dumplings. */
    public void awaitDumplingsIn(long count) throws InterruptedException {
        awaitTrue(() -> server.statistics().dumplingsIn() == count, count + " dumplings in at the hub");
    }

    /** Waits until the hub counts {@code count} eaters. */
    public void awaitEaters(int count) throws InterruptedException {
        awaitTrue(() -> server.statistics().eaterCount() == count, count + " eaters at the hub");
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, what);
    }

    @Override
    public void close() {
        if (kitchen != null) {
            kitchen.abort();
        }
        server.close();
    }
}
