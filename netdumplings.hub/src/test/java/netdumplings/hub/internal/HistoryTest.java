package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import netdumplings.hub.internal.federation.FederationSettings;

/**
 * History without NATS (the in-memory ring): an eater's hello asks for the last N, for
 * what came after an offset, or since a time; it gets that, then the live dumplings, with
 * no gap and no duplicate; what cannot be given is answered with a marker.
 */
class HistoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KITCHEN_HELLO = "{\"kitchen_name\": \"k\", \"interface\": \"lo\", \"filter\": \"\","
            + " \"chefs\": [\"C\"], \"poke_interval\": 5.0}";

    @RegisterExtension
    final HubFixture hubs = new HubFixture();

    private HubServer start(int historySize) {
        return hubs.start(new HubServer(HubFixture.quiet(), FederationSettings.OFF.withHistorySize(historySize)));
    }

    private static String dumpling(int i) {
        return "{\"metadata\": {\"chef\": \"C\", \"kitchen\": \"k\", \"creation_time\": 1.0, \"driver\": \"packet\"},"
                + " \"payload\": " + i + "}";
    }

    private WebSocketTestClient kitchen(HubServer hub) throws Exception {
        WebSocketTestClient kitchen = hubs.client(hub.kitchenPort());
        kitchen.send(KITCHEN_HELLO);
        return kitchen;
    }

    private WebSocketTestClient eater(HubServer hub, String history) throws Exception {
        WebSocketTestClient eater = hubs.client(hub.eaterPort());
        eater.send("{\"eater_name\": \"e\"" + (history == null ? "" : ", \"history\": " + history) + "}");
        return eater;
    }

    private static JsonNode next(WebSocketTestClient eater) throws Exception {
        String text = eater.texts.poll(30, TimeUnit.SECONDS);
        assertNotNull(text, "nothing within 30 s");
        return JSON.readTree(text);
    }

    /** Sends dumplings {@code from..to} (payloads) and waits until the hub has them all. */
    private void send(HubServer hub, WebSocketTestClient kitchen, int from, int to) throws Exception {
        long before = hub.statistics().dumplingsIn();
        for (int i = from; i <= to; i++) {
            kitchen.send(dumpling(i));
        }
        hubs.await(s -> s.dumplingsIn() == before + to - from + 1, 30);
    }

    private static void expect(WebSocketTestClient eater, int fromPayload, int toPayload, long fromOffset) throws Exception {
        for (int i = fromPayload; i <= toPayload; i++) {
            JsonNode d = next(eater);
            assertEquals(i, d.get("payload").asInt(), "payload, in " + d);
            assertEquals(fromOffset + i - fromPayload, d.get("metadata").get("offset").asLong(), "offset, in " + d);
        }
    }

    @Test
    void everyDumplingCarriesItsOffsetAndTheEpochAndIsOtherwiseUnchanged() throws Exception {
        HubServer hub = start(1000);
        WebSocketTestClient eater = eater(hub, null);
        hubs.await(s -> s.eaterCount() == 1);
        WebSocketTestClient kitchen = kitchen(hub);
        send(hub, kitchen, 0, 1);
        String first = eater.texts.poll(30, TimeUnit.SECONDS);
        String epoch = JSON.readTree(first).get("metadata").get("epoch").asText();
        assertEquals(dumpling(0).replace("\"packet\"}", "\"packet\",\"offset\":1,\"epoch\":\"" + epoch + "\"}"), first);
        assertEquals(2, next(eater).get("metadata").get("offset").asLong());
    }

    private static String chefDumpling(String chef, int i) {
        return "{\"metadata\": {\"chef\": \"" + chef + "\", \"kitchen\": \"k\", \"creation_time\": 1.0,"
                + " \"driver\": \"packet\"}, \"payload\": " + i + "}";
    }

    /**
     * Issue 17: an eater's hello names the chefs it wants; the hub sends it only theirs,
     * in its history replay too (offsets stay the history's, so they skip the others).
     */
    @Test
    void anEaterNamingChefsGetsOnlyTheirDumplingsLiveAndFromTheHistory() throws Exception {
        HubServer hub = start(1000);
        WebSocketTestClient kitchen = kitchen(hub);
        // Offsets 1..20: chef "A.b" (a name escaped in NATS subjects) at odd payloads, "C" at even ones.
        long before = hub.statistics().dumplingsIn();
        for (int i = 1; i <= 20; i++) {
            kitchen.send(chefDumpling(i % 2 == 1 ? "A.b" : "C", i));
        }
        hubs.await(s -> s.dumplingsIn() == before + 20, 30);
        WebSocketTestClient onlyA = hubs.client(hub.eaterPort());
        onlyA.send("{\"eater_name\": \"a\", \"chefs\": [\"A.b\"], \"history\": {\"last\": 10}}");
        // The last 10 kept are offsets 11..20; of those, A.b's are the odd ones.
        for (int i = 11; i <= 20; i += 2) {
            JsonNode d = next(onlyA);
            assertEquals(i, d.get("payload").asInt(), "history, in " + d);
            assertEquals(i, d.get("metadata").get("offset").asLong());
        }
        hubs.await(s -> s.eaterCount() == 1);
        long before2 = hub.statistics().dumplingsIn();
        for (int i = 21; i <= 30; i++) {
            kitchen.send(chefDumpling(i % 2 == 1 ? "A.b" : "C", i));
        }
        hubs.await(s -> s.dumplingsIn() == before2 + 10, 30);
        for (int i = 21; i <= 30; i += 2) {
            assertEquals(i, next(onlyA).get("payload").asInt(), "live");
        }
        Thread.sleep(300);
        assertNull(onlyA.texts.poll(), "a dumpling of another chef");
    }

    @Test
    void anEaterHelloWithChefsThatAreNotNamesIsRefusedWithTheReason() throws Exception {
        HubServer hub = start(10);
        WebSocketTestClient eater = hubs.client(hub.eaterPort());
        eater.send("{\"eater_name\": \"e\", \"chefs\": \"A\"}");
        assertEquals(1011, eater.closeCode.get(30, TimeUnit.SECONDS));
        assertEquals("invalid eater hello: chefs must be an array of chef names (strings)", eater.closeReason);
    }

    @Test
    void anEaterAskingForTheLast100GetsExactlyThoseThenLiveOnes() throws Exception {
        HubServer hub = start(1000);
        WebSocketTestClient kitchen = kitchen(hub);
        send(hub, kitchen, 1, 300);
        WebSocketTestClient late = eater(hub, "{\"last\": 100}");
        expect(late, 201, 300, 201);
        send(hub, kitchen, 301, 350);
        expect(late, 301, 350, 301);
        Thread.sleep(300);
        assertNull(late.texts.poll(), "more than asked for");
    }

    @Test
    void anEaterComingBackWithItsOffsetGetsWhatItMissedThenLiveOnes() throws Exception {
        HubServer hub = start(1000);
        WebSocketTestClient kitchen = kitchen(hub);
        WebSocketTestClient first = eater(hub, null);
        hubs.await(s -> s.eaterCount() == 1);
        send(hub, kitchen, 1, 50);
        JsonNode last = null;
        for (int i = 1; i <= 50; i++) {
            last = next(first);
        }
        long offset = last.get("metadata").get("offset").asLong();
        String epoch = last.get("metadata").get("epoch").asText();
        first.close();
        hubs.await(s -> s.eaterCount() == 0);
        send(hub, kitchen, 51, 80);
        WebSocketTestClient back = eater(hub, "{\"since\": {\"offset\": " + offset + ", \"epoch\": \"" + epoch + "\"}}");
        expect(back, 51, 80, offset + 1);
        send(hub, kitchen, 81, 90);
        expect(back, 81, 90, offset + 31);
    }

    @Test
    void anUnknownEpochIsAnsweredWithAMarkerThenLiveOnes() throws Exception {
        HubServer hub = start(1000);
        WebSocketTestClient kitchen = kitchen(hub);
        send(hub, kitchen, 1, 10);
        WebSocketTestClient eater = eater(hub, "{\"since\": {\"offset\": 3, \"epoch\": \"nosuchepoch\"}}");
        JsonNode marker = next(eater);
        assertEquals(EaterBackfill.CHEF, marker.get("metadata").get("chef").asText());
        assertFalse(marker.get("payload").get("recovered").asBoolean());
        assertTrue(marker.get("payload").get("reason").asText().contains("unknown epoch"), marker.toString());
        hubs.await(s -> s.eaterCount() == 1);
        send(hub, kitchen, 11, 11);
        expect(eater, 11, 11, 11);
    }

    @Test
    void anOffsetNoLongerKeptIsAnsweredWithAMarkerThenWhatIsKept() throws Exception {
        HubServer hub = start(10);
        WebSocketTestClient kitchen = kitchen(hub);
        WebSocketTestClient first = eater(hub, null);
        hubs.await(s -> s.eaterCount() == 1);
        send(hub, kitchen, 1, 5);
        String epoch = next(first).get("metadata").get("epoch").asText();
        send(hub, kitchen, 6, 30);
        WebSocketTestClient back = eater(hub, "{\"since\": {\"offset\": 5, \"epoch\": \"" + epoch + "\"}}");
        JsonNode marker = next(back);
        assertEquals(EaterBackfill.CHEF, marker.get("metadata").get("chef").asText());
        // 30 sent, 10 kept: 21..30; 6..20 are lost.
        assertEquals("offsets 6 to 20 are no longer kept", marker.get("payload").get("reason").asText());
        assertEquals(21, marker.get("payload").get("first_offset").asLong());
        expect(back, 21, 30, 21);
    }

    @Test
    void sinceATimeGivesWhatTheHubReceivedFromThen() throws Exception {
        HubServer hub = start(1000);
        WebSocketTestClient kitchen = kitchen(hub);
        send(hub, kitchen, 1, 10);
        Thread.sleep(50);
        double since = System.currentTimeMillis() / 1000.0;
        Thread.sleep(50);
        send(hub, kitchen, 11, 20);
        WebSocketTestClient eater = eater(hub, "{\"since_time\": " + since + "}");
        expect(eater, 11, 20, 11);
    }

    @Test
    void theSeamBetweenHistoryAndLiveHasNoGapAndNoDuplicateUnderLoad() throws Exception {
        HubServer hub = start(100_000);
        WebSocketTestClient kitchen = kitchen(hub);
        send(hub, kitchen, 1, 2000);
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread flow = new Thread(() -> {
            try {
                for (int i = 2001; sending.get() && i < 200_000; i++) {
                    kitchen.send(dumpling(i));
                }
            } catch (Exception e) {
                sending.set(false);
            }
        });
        flow.start();
        try {
            Thread.sleep(200);
            WebSocketTestClient eater = eater(hub, "{\"last\": 2000}");
            JsonNode d = next(eater);
            long offset = d.get("metadata").get("offset").asLong();
            // Well past the seam: 2000 of history and what arrived meanwhile, then 2000 live ones.
            long until = hub.history().lastOffset() + 2000;
            while (offset < until) {
                JsonNode following = next(eater);
                long o = following.get("metadata").get("offset").asLong();
                assertEquals(offset + 1, o, "after offset " + offset);
                assertEquals(d.get("payload").asInt() + 1, following.get("payload").asInt());
                offset = o;
                d = following;
            }
        } finally {
            sending.set(false);
            flow.join(30_000);
        }
    }

    @Test
    void liveDumplingsBeyondWhatCanBeHeldDuringAReplayAreReadFromTheHistoryAfterIt() throws Exception {
        // Holds 20 live dumplings while replaying (the eater queue limit), far fewer than come.
        HubServer hub = hubs.start(new HubServer(HubFixture.quiet().withEaterQueueLimit(20),
                FederationSettings.OFF.withHistorySize(100_000)));
        WebSocketTestClient kitchen = kitchen(hub);
        // 24 MB of history: more than loopback's socket buffers take from an eater not reading.
        String padding = "x".repeat(4000);
        long before = hub.statistics().dumplingsIn();
        for (int i = 1; i <= 6000; i++) {
            kitchen.send(padded(i, padding));
        }
        hubs.await(s -> s.dumplingsIn() == before + 6000, 30);
        WebSocketTestClient eater = hubs.closeLater(
                WebSocketTestClient.connect("ws://localhost:" + hub.eaterPort() + "/", false));
        eater.send("{\"eater_name\": \"e\", \"history\": {\"last\": 6000}}");
        // The replay waits for room: the eater does not read yet.
        hubs.await(s -> s.eaterCount() == 1 && s.eaters().get(0).pending() > 10, 30);
        for (int i = 6001; i <= 6500; i++) {
            kitchen.send(padded(i, padding));
        }
        hubs.await(s -> s.dumplingsIn() == before + 6500, 30);
        eater.startReading();

        for (int i = 1; i <= 6500; i++) {
            JsonNode d = next(eater);
            assertEquals(i, d.get("payload").get("n").asInt(), "payload, in " + d.get("metadata"));
            assertEquals(i, d.get("metadata").get("offset").asLong());
        }
        assertEquals(0, hub.statistics().eaterDrops(), "dropped for the eater");
    }

    private static String padded(int i, String padding) {
        return "{\"metadata\": {\"chef\": \"C\", \"kitchen\": \"k\", \"creation_time\": 1.0, \"driver\": \"packet\"},"
                + " \"payload\": {\"n\": " + i + ", \"pad\": \"" + padding + "\"}}";
    }

    @Test
    void withoutHistoryAnEaterAskingForItIsToldSoAndGetsLiveOnes() throws Exception {
        HubServer hub = start(0);
        WebSocketTestClient kitchen = kitchen(hub);
        WebSocketTestClient eater = eater(hub, "{\"last\": 10}");
        JsonNode marker = next(eater);
        assertEquals("this hub keeps no history", marker.get("payload").get("reason").asText());
        hubs.await(s -> s.eaterCount() == 1);
        kitchen.send(dumpling(1));
        JsonNode d = next(eater);
        assertEquals(1, d.get("payload").asInt());
        assertNull(d.get("metadata").get("offset"), "no history, no offset");
    }

    @Test
    void aMalformedHistoryRequestIsAnsweredWithAMarkerAndTheEaterStays() throws Exception {
        HubServer hub = start(1000);
        WebSocketTestClient eater = eater(hub, "{\"last\": \"many\"}");
        JsonNode marker = next(eater);
        assertTrue(marker.get("payload").get("reason").asText().startsWith("invalid history request: "), marker.toString());
        hubs.await(s -> s.eaterCount() == 1, 30);
        assertTrue(eater.isOpen());
    }
}
