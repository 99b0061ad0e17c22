package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import netdumplings.hub.internal.federation.FederationSettings;
import netdumplings.testing.Await;
import netdumplings.testing.NatsServer;

/**
 * Hubs federated through a real nats-server (JetStream on a temporary directory), several
 * hubs in this JVM, real WebSocket clients as kitchens and eaters.
 */
class FederationTest extends NatsTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KITCHEN_HELLO = "{\"kitchen_name\": \"site.a kitchen\", \"interface\": \"lo\", "
            + "\"filter\": \"udp\", \"chefs\": [\"CountChef\"], \"poke_interval\": 5.0}";
    private HubServer hub(String name, Duration statusInterval) throws Exception {
        return hub(FederationSettings.OFF.withServers(List.of(nats.url())).withHubName(name), statusInterval);
    }

    private HubServer hub(FederationSettings federation, Duration statusInterval) throws Exception {
        String name = federation.hubName();
        HubServer hub = new HubServer(HubFixture.quiet().withStatusInterval(statusInterval), federation);
        closeAfter(hub);
        hub.start();
        Await.until(() -> hub.federation().isFederating(), () -> name + " federating", WAIT);
        return hub;
    }

    private HubServer hub(String name) throws Exception {
        return hub(name, Duration.ofHours(1));
    }

    private WebSocketTestClient eater(HubServer hub, String name) throws Exception {
        WebSocketTestClient eater = client(hub.eaterPort());
        eater.send("{\"eater_name\": \"" + name + "\"}");
        Await.until(() -> hub.statistics().eaterCount() == 1, () -> "eater " + name + " on its hub", WAIT);
        return eater;
    }

    private WebSocketTestClient kitchen(HubServer hub) throws Exception {
        WebSocketTestClient kitchen = client(hub.kitchenPort());
        kitchen.send(KITCHEN_HELLO);
        Await.until(() -> hub.statistics().kitchenCount() == 1, () -> "kitchen on its hub", WAIT);
        return kitchen;
    }

    /** A dumpling with odd spacing and a name that needs escaping in a subject. */
    private static String dumpling(int i) {
        return "{\"metadata\": {\"chef\": \"Count.Chef *\", \"kitchen\": \"site.a kitchen\", \"creation_time\": 1.5,"
                + " \"driver\": \"packet\"},  \"payload\": {\"i\": " + i + ", \"s\": \"é😀\"}}";
    }

    private static String next(WebSocketTestClient eater) throws InterruptedException {
        while (true) {
            String text = eater.texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(text, "no dumpling within " + WAIT);
            if (!text.contains("\"SystemStatusChef\"")) {
                return text;
            }
        }
    }

    /** The dumpling without the two fields the hub adds: must be what the kitchen sent. */
    private static String unstamped(String text) {
        return text.replaceFirst(",\"offset\":\\d+,\"epoch\":\"[0-9a-z]+\"", "");
    }

    /**
     * nats_storage=memory: the hub that creates the stream makes it in memory (read back
     * from the server), and dumplings go from a kitchen on hub A to an eater on hub B as
     * with a file stream. A hub started later asking for file storage uses the stream as it
     * is (JetStream cannot move a stream) and federates all the same.
     */
    @Test
    void aStreamInMemoryWhenAskedCarriesTheDumplingsAndIsKeptAsItIs() throws Exception {
        nats = NatsServer.start(tmp.resolve("nats"));
        FederationSettings memory = FederationSettings.OFF.withServers(List.of(nats.url())).withStorage("memory");
        HubServer a = hub(memory.withHubName("hub-a"), Duration.ofHours(1));
        HubServer b = hub(FederationSettings.OFF.withServers(List.of(nats.url())).withHubName("hub-b"),
                Duration.ofHours(1));
        try (io.nats.client.Connection c = io.nats.client.Nats.connect(nats.url())) {
            assertEquals(io.nats.client.api.StorageType.Memory, c.jetStreamManagement()
                    .getStreamInfo(FederationSettings.DEFAULT_STREAM).getConfiguration().getStorageType());
        }
        WebSocketTestClient eaterB = eater(b, "on-b");
        WebSocketTestClient kitchen = kitchen(a);
        for (int i = 0; i < 10; i++) {
            kitchen.send(dumpling(i));
        }
        for (int i = 0; i < 10; i++) {
            String text = next(eaterB);
            assertEquals(dumpling(i), unstamped(text), "dumpling " + i);
            assertEquals(i + 1, JSON.readTree(text).get("metadata").get("offset").asLong(), "its offset");
        }
    }

    @Test
    void aKitchenOnHubAReachesEatersOnBothHubsInOrderOnceEachByteForByte() throws Exception {
        nats = NatsServer.start(tmp.resolve("nats"));
        HubServer a = hub("hub-a");
        HubServer b = hub("hub-b");
        WebSocketTestClient eaterA = eater(a, "on-a");
        WebSocketTestClient eaterB = eater(b, "on-b");
        WebSocketTestClient kitchen = kitchen(a);
        int n = 2000;
        for (int i = 0; i < n; i++) {
            kitchen.send(dumpling(i));
        }
        for (WebSocketTestClient eater : List.of(eaterA, eaterB)) {
            long previousOffset = -1;
            String epoch = null;
            for (int i = 0; i < n; i++) {
                String text = next(eater);
                assertEquals(dumpling(i), unstamped(text), "dumpling " + i);
                JsonNode metadata = JSON.readTree(text).get("metadata");
                long offset = metadata.get("offset").asLong();
                if (previousOffset >= 0) {
                    // One kitchen, one stream: consecutive offsets, none skipped or repeated.
                    assertEquals(previousOffset + 1, offset, "offset after " + previousOffset);
                    assertEquals(epoch, metadata.get("epoch").asText());
                }
                previousOffset = offset;
                epoch = metadata.get("epoch").asText();
            }
        }
        // Nothing comes twice, nor loops back between the hubs.
        Thread.sleep(1000);
        assertNull(eaterA.texts.poll(), "a dumpling came twice to the eater on hub A");
        assertNull(eaterB.texts.poll(), "a dumpling came twice to the eater on hub B");
        assertEquals(n, a.federation().published());
        assertEquals(0, b.federation().published());
    }

    @Test
    void anEaterJoiningHubBLateWithLast100GetsExactlyThe100BeforeThenLiveOnes() throws Exception {
        nats = NatsServer.start(tmp.resolve("nats"));
        HubServer a = hub("hub-a");
        HubServer b = hub("hub-b");
        WebSocketTestClient kitchen = kitchen(a);
        WebSocketTestClient witness = eater(b, "witness");
        for (int i = 0; i < 300; i++) {
            kitchen.send(dumpling(i));
        }
        for (int i = 0; i < 300; i++) {
            next(witness); // hub B has handed all 300 on
        }
        WebSocketTestClient late = client(b.eaterPort());
        late.send("{\"eater_name\": \"late\", \"history\": {\"last\": 100}}");
        for (int i = 200; i < 300; i++) {
            assertEquals(dumpling(i), unstamped(next(late)), "history dumpling " + i);
        }
        for (int i = 300; i < 350; i++) {
            kitchen.send(dumpling(i));
        }
        for (int i = 300; i < 350; i++) {
            assertEquals(dumpling(i), unstamped(next(late)), "live dumpling " + i);
        }
        Thread.sleep(500);
        assertNull(late.texts.poll(), "more than the 100 and the live ones");
    }

    private static String chefDumpling(String chef, int i) {
        return "{\"metadata\": {\"chef\": \"" + chef + "\", \"kitchen\": \"site.a kitchen\", \"creation_time\": 1.5,"
                + " \"driver\": \"packet\"}, \"payload\": {\"i\": " + i + "}}";
    }

    private static int indexOf(String text) throws Exception {
        return JSON.readTree(text).get("payload").get("i").asInt();
    }

    /**
     * Issue 17: an eater's chef filter narrows what its hub reads from NATS. Hub B's only
     * eater wants chef "X.chef" (a name escaped in subjects): B's subscription brings no
     * other chef's message (its count of messages from the stream is the X count the kitchen
     * sent), hub A with no eater reads nothing. Then, while the kitchen keeps sending, an
     * eater wanting everything joins B and leaves again (B reads everything, then X only):
     * the X eater still gets every X dumpling once, in order, and the other eater every
     * dumpling from its first one on, with none skipped or repeated.
     */
    @Test
    void anEatersChefFilterNarrowsWhatItsHubReadsFromNatsWithoutLossAtTheSwitch() throws Exception {
        nats = NatsServer.start(tmp.resolve("nats"));
        HubServer a = hub("hub-a");
        HubServer b = hub("hub-b");
        WebSocketTestClient onlyX = client(b.eaterPort());
        onlyX.send("{\"eater_name\": \"only-x\", \"chefs\": [\"X.chef\"]}");
        Await.until(() -> b.statistics().eaterCount() == 1, () -> "the X eater on hub B", WAIT);
        WebSocketTestClient kitchen = kitchen(a);
        // 200 dumplings of each chef, alternating: i even is X.chef, i odd is Y.
        int n = 400;
        for (int i = 0; i < n; i++) {
            kitchen.send(chefDumpling(i % 2 == 0 ? "X.chef" : "Y", i));
        }
        for (int i = 0; i < n; i += 2) {
            assertEquals(chefDumpling("X.chef", i), unstamped(next(onlyX)), "X dumpling " + i);
        }
        Thread.sleep(500);
        assertNull(onlyX.texts.poll(), "a Y dumpling or a repeat reached the X eater");
        // What arrived from NATS: the 200 X ones only (the kitchen sent 200 of each chef).
        assertEquals(n / 2, b.federation().received(), "messages hub B read from NATS");
        assertEquals(0, a.federation().received(), "hub A has no eater: it reads nothing");
        assertEquals(n, a.federation().published());

        // The switches, under load: a sender keeps going while an eater of everything comes and goes.
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger(n);
        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            try {
                while (sending.get()) {
                    int i = sent.get();
                    kitchen.send(chefDumpling(i % 2 == 0 ? "X.chef" : "Y", i));
                    sent.incrementAndGet();
                    Thread.sleep(1);
                }
            } catch (Exception e) {
                sending.set(false);
            }
        });
        sender.start();
        Thread.sleep(300);
        WebSocketTestClient everything = client(b.eaterPort());
        everything.send("{\"eater_name\": \"everything\"}");
        Await.until(() -> b.statistics().eaterCount() == 2, () -> "the second eater on hub B", WAIT);
        Await.until(() -> b.federation().reading().isAll(), () -> "hub B to read every chef", WAIT);
        Thread.sleep(500);
        int first = indexOf(next(everything));
        everything.close();
        Await.until(() -> b.statistics().eaterCount() == 1, () -> "the second eater to leave", WAIT);
        Await.until(() -> !b.federation().reading().isAll(), () -> "hub B to read X only again", WAIT);
        Thread.sleep(500);
        sending.set(false);
        sender.join();
        int total = sent.get();
        for (int i = n; i < total; i += 2) {
            assertEquals(chefDumpling("X.chef", i), unstamped(next(onlyX)), "X dumpling " + i + " across the switches");
        }
        Thread.sleep(500);
        assertNull(onlyX.texts.poll(), "a Y dumpling or a repeat reached the X eater across the switches");
        // The eater of everything: consecutive from its first, until it left.
        int previous = first;
        for (String text = everything.texts.poll(); text != null; text = everything.texts.poll()) {
            if (!text.contains("\"SystemStatusChef\"")) {
                int i = indexOf(text);
                assertEquals(previous + 1, i, "the eater of everything after dumpling " + previous);
                previous = i;
            }
        }
        assertTrue(previous > first, "the eater of everything got more than one dumpling");
    }

    @Test
    void everyHubsStatusListsTheKitchensAndEatersOfEveryHubWithTheirHubsName() throws Exception {
        nats = NatsServer.start(tmp.resolve("nats"));
        HubServer a = hub("hub-a", Duration.ofMillis(200));
        HubServer b = hub("hub-b", Duration.ofMillis(200));
        kitchen(a);
        WebSocketTestClient eaterB = eater(b, "on-b");
        JsonNode status = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = eaterB.texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(text, "no status dumpling");
            JsonNode payload = JSON.readTree(text).get("payload");
            if (payload.get("dumpling_kitchen_count").asInt() == 1) {
                status = payload;
                break;
            }
        }
        assertNotNull(status, "hub B's status never listed hub A's kitchen");
        JsonNode kitchen = status.get("dumpling_kitchens").get(0);
        assertEquals("site.a kitchen", kitchen.get("info_from_kitchen").get("kitchen_name").asText());
        assertEquals("hub-a", kitchen.get("info_from_hub").get("hub").asText());
        assertEquals(1, status.get("dumpling_eater_count").asInt());
        assertEquals("on-b", status.get("dumpling_eaters").get(0).get("info_from_eater").get("eater_name").asText());
        assertEquals("hub-b", status.get("dumpling_eaters").get(0).get("info_from_hub").get("hub").asText());
    }

    @Test
    void withNatsAwayEachHubServesItsOwnEatersAndFederationResumesAfter() throws Exception {
        nats = NatsServer.start(tmp.resolve("nats"));
        HubServer a = hub("hub-a");
        HubServer b = hub("hub-b");
        WebSocketTestClient eaterA = eater(a, "on-a");
        WebSocketTestClient eaterB = eater(b, "on-b");
        WebSocketTestClient kitchen = kitchen(a);
        kitchen.send(dumpling(0));
        assertEquals(dumpling(0), unstamped(next(eaterA)));
        assertEquals(dumpling(0), unstamped(next(eaterB)));

        nats.stop();
        Await.until(() -> !a.federation().isFederating() && !b.federation().isFederating(), "both hubs to see NATS gone");
        for (int i = 1; i <= 10; i++) {
            kitchen.send(dumpling(i));
        }
        for (int i = 1; i <= 10; i++) {
            // Served directly, without an offset: no history holds it.
            assertEquals(dumpling(i), next(eaterA), "dumpling " + i + " while NATS is away");
        }
        assertEquals(10, a.federation().notFederated());

        nats.restart();
        Await.until(() -> a.federation().isFederating() && b.federation().isFederating(), () -> "federation to resume", WAIT);
        // Counted for the operator (the hub's leaving line, nd-bench's fail-over note).
        assertEquals(1, a.federation().reconnects(), "hub A's reconnections to NATS");
        for (int i = 11; i <= 20; i++) {
            kitchen.send(dumpling(i));
        }
        for (int i = 11; i <= 20; i++) {
            assertEquals(dumpling(i), unstamped(next(eaterA)), "dumpling " + i + " on hub A after NATS is back");
            assertEquals(dumpling(i), unstamped(next(eaterB)), "dumpling " + i + " on hub B after NATS is back");
        }
        Thread.sleep(500);
        assertNull(eaterA.texts.poll(), "a dumpling came twice to hub A's eater");
        assertNull(eaterB.texts.poll(), "a dumpling came twice to hub B's eater");
    }
}
