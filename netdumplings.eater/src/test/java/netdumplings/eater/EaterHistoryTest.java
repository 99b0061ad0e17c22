package netdumplings.eater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.KitchenHello;
import netdumplings.api.json.DumplingJson;
import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.hub.internal.federation.FederationSettings;
import netdumplings.testing.Await;
import netdumplings.testing.NatsServer;

/** The Java eater with the hub's history: --last style backfill, and fail-over between federated hubs by offset. */
class EaterHistoryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void historyLastGivesTheLastOnesThenLiveOnes() throws Exception {
        try (TestHub hub = TestHub.startWithHistory(100).kitchen("k")) {
            for (int i = 1; i <= 20; i++) {
                hub.publish("A", "k", i);
            }
            hub.awaitDumplingsIn(20);
            List<Object> got = new CopyOnWriteArrayList<>();
            try (DumplingEater eater = DumplingEater.builder().hub(hub.eaterAddress()).historyLast(5)
                    .onDumpling(d -> got.add(d.payload())).build()) {
                eater.start();
                Await.until(() -> got.size() == 5, () -> "5 dumplings, got " + got, WAIT);
                hub.publish("A", "k", 21);
                Await.until(() -> got.size() == 6, () -> "6 dumplings, got " + got, WAIT);
                assertEquals(List.of(16, 17, 18, 19, 20, 21), got);
                assertEquals(21L, eater.lastPosition().getKey());
            }
        }
    }

    private static long offsetOf(String raw) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"offset\":(\\d+)").matcher(raw);
        assertTrue(m.find(), "no offset in " + raw);
        return Long.parseLong(m.group(1));
    }

    private static HubServer federatedHub(NatsServer nats, String name) throws InterruptedException {
        HubServer hub = new HubServer(HubSettings.ephemeral().withStatusInterval(Duration.ofHours(1)),
                FederationSettings.OFF.withServers(List.of(nats.url())).withHubName(name));
        hub.start();
        Await.until(hub::isFederating, () -> name + " federating", WAIT);
        return hub;
    }

    /** Hub B in a JVM of its own, to be killed with SIGKILL; returns the process and its eater port. */
    private static Process hubProcess(NatsServer nats, String name, int[] eaterPort) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), FederatedHubMain.class.getName(), nats.url(), name)
                .redirectErrorStream(true).start();
        java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
            // its log, until it is ready
        }
        assertTrue(line != null, "hub process " + name + " ended before it was ready");
        eaterPort[0] = Integer.parseInt(line.split(" ")[2]);
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (java.io.IOException e) {
                // killed
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    @Test
    void anEaterMovesToTheNextHubWhenItsHubIsKilledAndMissesNothingByOffset(@TempDir Path tmp) throws Exception {
        try (NatsServer nats = NatsServer.start(tmp.resolve("nats"))) {
            HubServer a = federatedHub(nats, "hub-a");
            int[] bPort = new int[1];
            Process b = hubProcess(nats, "hub-b", bPort);
            WebSocket kitchen = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://localhost:" + a.kitchenPort()), new WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS);
            kitchen.sendText(DumplingJson.toJson(new KitchenHello("k", "all", "", List.of("A"), 5.0)), true)
                    .get(10, TimeUnit.SECONDS);
            List<Long> eaten = new CopyOnWriteArrayList<>();
            List<String> gaps = new CopyOnWriteArrayList<>();
            List<URI> connected = new CopyOnWriteArrayList<>();
            AtomicBoolean flowing = new AtomicBoolean(true);
            try (DumplingEater eater = DumplingEater.builder()
                    .hubs(List.of("localhost:" + bPort[0], "localhost:" + a.eaterPort()))
                    .onConnect(connected::add)
                    .onHistoryGap(gaps::add)
                    .onRawDumpling(raw -> eaten.add(offsetOf(raw)))
                    .build()) {
                eater.start();
                Await.until(() -> connected.size() == 1, "the eater on hub B");
                Thread publisher = new Thread(() -> {
                    for (int i = 0; flowing.get(); i++) {
                        try {
                            kitchen.sendText(DumplingJson.toJson(new Dumpling("A", "k", 1.0, DumplingDriver.PACKET, i)), true)
                                    .get(10, TimeUnit.SECONDS);
                            Thread.sleep(1);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                publisher.start();
                Await.until(() -> eaten.size() >= 500, () -> "500 dumplings through hub B, got " + eaten.size(), WAIT);
                b.destroyForcibly(); // SIGKILL: no close frame, no goodbye
                long killedAt = System.nanoTime();
                Await.until(() -> connected.size() == 2, "the eater on hub A");
                // A figure, not a check (the bench measures fail-over): how long the eater was without a hub.
                System.out.printf("fail-over from killed hub B to hub A: %.0f ms%n", (System.nanoTime() - killedAt) / 1e6);
                long atSwitch = a.statistics().dumplingsIn();
                Await.until(() -> a.statistics().dumplingsIn() >= atSwitch + 500, () -> "500 more dumplings", WAIT);
                flowing.set(false);
                publisher.join(10_000);
                long published = a.statistics().dumplingsIn();
                Await.until(() -> eater.lastPosition() != null && eater.lastPosition().getKey() == published,
                        () -> "every dumpling at the eater: last " + eater.lastPosition() + " of " + published, WAIT);
                // From the first it got (hub B may have counted the eater only after the first few)
                // to the last published, every offset once, in order: none lost, none twice.
                for (int i = 1; i < eaten.size(); i++) {
                    assertEquals(eaten.get(i - 1) + 1, eaten.get(i), "the offset after " + eaten.get(i - 1));
                }
                assertEquals(published, eaten.get(eaten.size() - 1));
                assertEquals(URI.create("ws://localhost:" + a.eaterPort()), connected.get(1));
                assertTrue(gaps.isEmpty(), gaps.toString());
            } finally {
                flowing.set(false);
                kitchen.abort();
                a.close();
                b.destroyForcibly();
            }
        }
    }
}
