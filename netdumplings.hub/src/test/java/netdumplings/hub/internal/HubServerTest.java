package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class HubServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KITCHEN_HELLO = "{\"kitchen_name\": \"test_kitchen\", \"interface\": \"lo\", "
            + "\"filter\": \"tcp or udp\", \"chefs\": [\"a.PacketCountChef\", \"b.ARPChef\"], \"poke_interval\": 2.5,"
            + " \"extra\": {\"z\": 1, \"a\": [true, null]}}";
    /** Unusual spacing, escapes and characters outside the BMP: must arrive unchanged. */
    private static final String ODD_DUMPLING = "{ \"metadata\" :{\"chef\":\"Ünïcode☃Chef\",\"kitchen\" : \"k\","
            + "\"creation_time\":1795313383.8166428,  \"driver\":\"packet\"},\n\t\"payload\": [\"😀\", 1.50, "
            + "\"\\u00e9\\n\", {\"b\":2,\"a\":1}] }";

    @RegisterExtension
    final HubFixture hubs = new HubFixture();
    private HubServer hub;

    private HubServer start(HubSettings settings) {
        return hub = hubs.start(settings);
    }

    /** A hub whose status dumplings do not get in the way. */
    private HubServer startQuiet() {
        return start(HubFixture.quiet());
    }

    private WebSocketTestClient kitchen() throws Exception {
        WebSocketTestClient kitchen = hubs.client(hub.kitchenPort());
        kitchen.send(KITCHEN_HELLO);
        return kitchen;
    }

    private WebSocketTestClient eater(String name) throws Exception {
        WebSocketTestClient eater = hubs.client(hub.eaterPort());
        eater.send("{\"eater_name\": \"" + name + "\"}");
        return eater;
    }

    @Test
    void helloesAreAcceptedAndShownInStatistics() throws Exception {
        startQuiet();
        kitchen();
        eater("first");
        // Hellos on two connections are handled on two threads: wait for the first to be
        // in before the second says hello, so the status order (join order) is known.
        hubs.await(s -> s.eaterCount() == 1);
        eater("second");
        HubStatistics stats = hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == 2);
        assertEquals("test_kitchen", stats.kitchens().get(0).name());
        assertEquals(List.of("first", "second"), stats.eaters().stream().map(HubStatistics.EaterStatistics::name).toList());
        assertEquals("127.0.0.1", stats.eaters().get(0).host());
    }

    @Test
    void dumplingReachesEveryEaterByteForByte() throws Exception {
        startQuiet();
        WebSocketTestClient kitchen = kitchen();
        WebSocketTestClient one = eater("one");
        WebSocketTestClient two = eater("two");
        hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == 2);

        kitchen.send(ODD_DUMPLING);

        assertEquals(ODD_DUMPLING, one.next());
        assertEquals(ODD_DUMPLING, two.next());
        HubStatistics stats = hubs.await(s -> s.dumplingsOut() == 2);
        assertEquals(1, stats.dumplingsIn());
    }

    @Test
    void fragmentedDumplingIsForwardedWhole() throws Exception {
        startQuiet();
        HubFixture.Clients clients = hubs.kitchenAndEater(KITCHEN_HELLO, "e");

        int half = ODD_DUMPLING.length() / 2;
        clients.kitchen().sendPart(ODD_DUMPLING.substring(0, half), false);
        clients.kitchen().sendPart(ODD_DUMPLING.substring(half), true);

        assertEquals(ODD_DUMPLING, clients.eater().next());
    }

    @Test
    void requestPathIsIgnored() throws Exception {
        startQuiet();
        WebSocketTestClient kitchen = kitchen();
        WebSocketTestClient noSlash = WebSocketTestClient.connect("ws://localhost:" + hub.eaterPort());
        WebSocketTestClient deep = WebSocketTestClient.connect("ws://localhost:" + hub.eaterPort() + "/some/path?x=1");
        hubs.closeLater(noSlash);
        hubs.closeLater(deep);
        noSlash.send("{\"eater_name\": \"a\"}");
        deep.send("{\"eater_name\": \"b\"}");
        hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == 2);

        kitchen.send(ODD_DUMPLING);

        assertEquals(ODD_DUMPLING, noSlash.next());
        assertEquals(ODD_DUMPLING, deep.next());
    }

    @Test
    void statusDumplingHasTheOriginalsShapeAndCounts() throws Exception {
        start(HubSettings.ephemeral().withStatusInterval(Duration.ofMillis(200)));
        WebSocketTestClient kitchen = kitchen();
        WebSocketTestClient one = eater("one");
        // Join order is status order, and two hellos are handled on two threads: one is in first.
        hubs.await(s -> s.eaterCount() == 1);
        WebSocketTestClient two = eater("two");
        hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == 2);
        kitchen.send(ODD_DUMPLING);

        // The first status sent after the dumpling, as eater one saw it, and where each eater saw it.
        int indexInOne = 0;
        String status;
        while (true) {
            status = one.next();
            if (status.contains("\"SystemStatusChef\"") && JSON.readTree(status).at("/payload/total_dumplings_in").asLong() == 1
                    && JSON.readTree(status).at("/payload/dumpling_eater_count").asInt() == 2) {
                break;
            }
            indexInOne++;
        }
        int indexInTwo = 0;
        while (!two.next().equals(status)) {
            indexInTwo++;
        }

        JsonNode root = JSON.readTree(status);
        assertEquals("SystemStatusChef", root.at("/metadata/chef").asText());
        assertTrue(root.at("/metadata/kitchen").isNull());
        assertEquals("interval", root.at("/metadata/driver").asText());
        assertTrue(root.at("/metadata/creation_time").isDouble());
        JsonNode payload = root.get("payload");
        List<String> keys = new ArrayList<>();
        payload.fieldNames().forEachRemaining(keys::add);
        // The original's keys in its order (../shared/PROTOCOL.md), then the additive ones (PROTOCOL.md).
        assertEquals(List.of("total_dumplings_in", "total_dumplings_out", "server_uptime", "dumpling_kitchen_count",
                "dumpling_eater_count", "dumpling_kitchens", "dumpling_eaters", "dumpling_kitchens_more",
                "dumpling_eaters_more", "total_dumplings_dropped", "total_eaters_dropped"), keys);
        assertEquals(1, payload.get("dumpling_kitchen_count").asInt());
        assertEquals(2, payload.get("dumpling_eater_count").asInt());
        // Every send counts: each eater had received exactly what was sent to it before.
        assertEquals(indexInOne + indexInTwo, payload.get("total_dumplings_out").asLong());
        assertTrue(payload.get("server_uptime").isDouble());
        assertTrue(payload.get("server_uptime").asDouble() > 0);

        JsonNode kitchenInfo = payload.at("/dumpling_kitchens/0");
        List<String> infoKeys = new ArrayList<>();
        kitchenInfo.fieldNames().forEachRemaining(infoKeys::add);
        assertEquals(List.of("info_from_kitchen", "info_from_hub"), infoKeys);
        // The hello as sent: same fields, same order, same values.
        assertEquals(JSON.readTree(KITCHEN_HELLO).toString(), kitchenInfo.get("info_from_kitchen").toString());
        assertEquals("127.0.0.1", kitchenInfo.at("/info_from_hub/host").asText());
        assertTrue(kitchenInfo.at("/info_from_hub/port").asInt() > 0);
        assertEquals("{\"eater_name\":\"one\"}", payload.at("/dumpling_eaters/0/info_from_eater").toString());
        assertEquals("two", payload.at("/dumpling_eaters/1/info_from_eater/eater_name").asText());
        assertTrue(payload.at("/dumpling_eaters/1/info_from_hub/port").asInt() > 0);
    }

    @Test
    void badKitchenHelloClosesWith1011AndLeavesNoGhost() throws Exception {
        start(HubSettings.ephemeral().withStatusInterval(Duration.ofMillis(200)));
        WebSocketTestClient eater = eater("watcher");
        WebSocketTestClient badJson = hubs.client(hub.kitchenPort());
        badJson.send("this is not json");
        WebSocketTestClient noName = hubs.client(hub.kitchenPort());
        noName.send("{\"name\": \"no kitchen_name here\"}");

        assertEquals(1011, badJson.awaitCloseCode());
        assertEquals(1011, noName.awaitCloseCode());
        hubs.await(s -> s.eaterCount() == 1);
        // The next status dumpling shows no kitchen at all.
        JsonNode payload = nextStatusPayload(eater);
        assertEquals(0, payload.get("dumpling_kitchen_count").asInt());
        assertEquals(0, payload.get("dumpling_kitchens").size());
        assertEquals(0, hub.statistics().kitchenCount());
    }

    private static JsonNode nextStatusPayload(WebSocketTestClient eater) throws Exception {
        // Skip a status possibly built before the bad clients were closed.
        eater.next();
        while (true) {
            JsonNode root = JSON.readTree(eater.next());
            if ("SystemStatusChef".equals(root.at("/metadata/chef").asText())) {
                return root.get("payload");
            }
        }
    }

    @Test
    void badEaterHelloClosesWith1011() throws Exception {
        startQuiet();
        WebSocketTestClient eater = hubs.client(hub.eaterPort());
        eater.send("{\"eater\": \"wrong field\"}");
        assertEquals(1011, eater.awaitCloseCode());
        WebSocketTestClient binary = hubs.client(hub.eaterPort());
        binary.sendBinary(new byte[] {1, 2, 3});
        assertEquals(1011, binary.awaitCloseCode());
        assertEquals(0, hub.statistics().eaterCount());
    }

    @Test
    void invalidFramesAreDroppedAndTheKitchenStaysConnected() throws Exception {
        startQuiet();
        HubFixture.Clients clients = hubs.kitchenAndEater(KITCHEN_HELLO, "e");

        clients.kitchen().send("not json at all");
        clients.kitchen().send("{\"metadata\": {\"kitchen\": \"k\"}, \"payload\": 1}");
        clients.kitchen().send("{\"payload\": 1}");
        clients.kitchen().send("[1, 2, 3]");
        clients.kitchen().sendBinary(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'});
        clients.kitchen().send(ODD_DUMPLING);

        assertEquals(ODD_DUMPLING, clients.eater().next(), "only the valid dumpling is forwarded");
        HubStatistics stats = hubs.await(s -> s.dumplingsIn() == 1);
        assertEquals(5, stats.invalidFrames());
        assertEquals(5, stats.kitchens().get(0).invalidFrames());
        assertTrue(clients.kitchen().isOpen());
        assertNull(clients.eater().texts.poll(100, TimeUnit.MILLISECONDS));
    }

    /**
     * Issue 12: the original hub reads {@code dumpling['metadata']['chef']} from whatever a
     * kitchen sends (websockets hands it text or bytes, json.loads reads both) and forwards
     * it; so does this hub, byte for byte, as text messages.
     */
    @Test
    void binaryDumplingsAndChefsOfAnyTypeAreForwardedAsTheOriginalDoes() throws Exception {
        startQuiet();
        HubFixture.Clients clients = hubs.kitchenAndEater(KITCHEN_HELLO, "e");
        String binary = "{\"metadata\": {\"chef\": \"BinaryChef\", \"kitchen\": \"k\"}, \"payload\": \"\u00e9\"}";
        String numberChef = "{\"metadata\": {\"chef\": 42}, \"payload\": 1}";
        String nullChef = "{\"metadata\": {\"chef\": null}, \"payload\": 2}";
        clients.kitchen().sendBinary(binary.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        clients.kitchen().send(numberChef);
        clients.kitchen().send(nullChef);

        assertEquals(binary, clients.eater().next());
        assertEquals(numberChef, clients.eater().next());
        assertEquals(nullChef, clients.eater().next());
        HubStatistics stats = hubs.await(s -> s.dumplingsIn() == 3);
        assertEquals(0, stats.invalidFrames());
    }

    /**
     * A kitchen connection decodes its dumplings into one buffer it reuses, and one of their
     * own past 64 KiB: a big dumpling between small ones, and UTF-8 that encodes a surrogate
     * (ED A0 80 is U+D800, which RFC 3629 section 3 forbids) in between, change nothing of
     * what is checked and forwarded.
     */
    @Test
    void dumplingsOfAnySizeAreCheckedOnTheConnectionsBuffer() throws Exception {
        startQuiet();
        HubFixture.Clients clients = hubs.kitchenAndEater(KITCHEN_HELLO, "e");
        String small = "{\"metadata\": {\"chef\": \"Small\"}, \"payload\": \"\u00e9\"}";
        String big = "{\"metadata\": {\"chef\": \"Big\"}, \"payload\": \"" + "\u00e9x".repeat(40_000) + "\"}";
        byte[] surrogate = "{\"metadata\": {\"chef\": \"S\"}, \"payload\": \"??\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int at = new String(surrogate, java.nio.charset.StandardCharsets.UTF_8).indexOf("??");
        byte[] badUtf8 = java.util.Arrays.copyOf(surrogate, surrogate.length + 1);
        System.arraycopy(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0, badUtf8, at, 3);
        System.arraycopy(surrogate, at + 2, badUtf8, at + 3, surrogate.length - at - 2);

        clients.kitchen().send(small);
        clients.kitchen().send(big);
        clients.kitchen().sendBinary(badUtf8);
        clients.kitchen().send(small.replace("Small", "Again"));

        assertEquals(small, clients.eater().next());
        assertEquals(big, clients.eater().next());
        assertEquals(small.replace("Small", "Again"), clients.eater().next());
        HubStatistics stats = hubs.await(s -> s.dumplingsIn() == 3 && s.invalidFrames() == 1);
        assertEquals(1, stats.kitchens().get(0).invalidFrames());
    }

    @Test
    void messageOverTheLimitClosesWith1009() throws Exception {
        start(HubFixture.quiet().withMaxMessageBytes(1000));
        HubFixture.Clients clients = hubs.kitchenAndEater(KITCHEN_HELLO, "e");

        clients.kitchen().send("{\"metadata\": {\"chef\": \"Big\"}, \"payload\": \"" + "x".repeat(1000) + "\"}");

        assertEquals(1009, clients.kitchen().awaitCloseCode());
        assertTrue(clients.eater().isOpen());
        assertEquals(0, hub.statistics().dumplingsIn());
    }

    @Test
    void fragmentedMessageOverTheLimitClosesWith1009() throws Exception {
        start(HubFixture.quiet().withMaxMessageBytes(1000));
        WebSocketTestClient eater = hubs.client(hub.eaterPort());
        // Each fragment is under the limit, the whole message is not.
        eater.sendPart("{\"eater_name\": \"" + "y".repeat(600), false);
        eater.sendPart("z".repeat(600) + "\"}", true);
        assertEquals(1009, eater.awaitCloseCode());
    }

    @Test
    void defaultLimitIsOneMebibyte() throws Exception {
        startQuiet();
        HubFixture.Clients clients = hubs.kitchenAndEater(KITCHEN_HELLO, "e");
        String head = "{\"metadata\": {\"chef\": \"Big\"}, \"payload\": \"";
        String fits = head + "x".repeat(netdumplings.api.json.DumplingJson.MAX_MESSAGE_BYTES - head.length() - 2) + "\"}";

        clients.kitchen().send(fits);
        assertEquals(fits, clients.eater().next());
        clients.kitchen().send(fits.replace("\"}", "x\"}"));
        assertEquals(1009, clients.kitchen().awaitCloseCode());
    }

    @Test
    void gracefulCloseFlushesThenClosesEveryClientWith1001() throws Exception {
        startQuiet();
        HubFixture.Clients clients = hubs.kitchenAndEater(KITCHEN_HELLO, "e");
        WebSocketTestClient silent = hubs.client(hub.eaterPort()); // no hello yet
        for (int i = 0; i < 200; i++) {
            clients.kitchen().send("{\"metadata\": {\"chef\": \"C\"}, \"payload\": " + i + "}");
        }
        hubs.await(s -> s.dumplingsIn() == 200);

        hub.close();

        assertEquals(1001, clients.kitchen().awaitCloseCode());
        assertEquals(1001, clients.eater().awaitCloseCode());
        assertEquals(1001, silent.awaitCloseCode());
        assertEquals(200, clients.eater().texts.size(), "every accepted dumpling is written before the close");
        assertFalse(hub.isRunning());
    }

    @Test
    void stuckEaterDropsAreCountedAndTheKitchenGoesOn() throws Exception {
        start(HubFixture.quiet().withEaterQueueLimit(4));
        WebSocketTestClient kitchen = kitchen();
        WebSocketTestClient stuck = hubs.closeLater(WebSocketTestClient.connect("ws://localhost:" + hub.eaterPort() + "/", false));
        stuck.send("{\"eater_name\": \"stuck\"}");
        hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == 1);
        // 40 MiB in all: more than loopback socket buffers hold, so writes to the stuck eater pile up.
        String big = "{\"metadata\": {\"chef\": \"Big\"}, \"payload\": \"" + "x".repeat(512 * 1024) + "\"}";
        int count = 80;
        for (int i = 0; i < count; i++) {
            kitchen.send(big);
        }
        HubStatistics stats = hubs.await(s -> s.dumplingsIn() == count);

        HubStatistics.EaterStatistics eater = stats.eaters().get(0);
        assertTrue(eater.dropped() > 0, "dropped: " + eater);
        assertTrue(eater.pending() <= 4, "pending: " + eater);
        assertEquals(count, eater.sent() + eater.dropped());
        assertEquals(eater.dropped(), stats.eaterDrops());
        assertTrue(kitchen.isOpen(), "the kitchen is never blocked nor closed by a slow eater");
    }

    @Test
    void clientWithoutHelloIsClosedAfterTheTimeLimit() throws Exception {
        hub = hubs.start(new HubServer(HubFixture.quiet(), Duration.ofMillis(200)));
        WebSocketTestClient mute = hubs.client(hub.kitchenPort());
        WebSocketTestClient kitchen = kitchen();
        WebSocketTestClient eater = eater("e");

        assertEquals(1011, mute.awaitCloseCode());
        Thread.sleep(300);
        assertTrue(kitchen.isOpen(), "a kitchen that said hello stays");
        assertTrue(eater.isOpen(), "an eater that said hello stays");
    }

    @Test
    void portInUseGivesAOneLineMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
            HubServer clash = new HubServer(HubSettings.ephemeral().withKitchenPort(taken.getLocalPort()));
            HubStartException e = assertThrows(HubStartException.class, clash::start);
            assertEquals("cannot listen on localhost:" + taken.getLocalPort() + ": address already in use",
                    e.getMessage());
            assertThrows(IllegalStateException.class, clash::start);
        }
    }

    @Test
    void unknownHostGivesAOneLineMessage() {
        HubServer nowhere = new HubServer(HubSettings.ephemeral().withAddress("no-such-host.invalid"));
        HubStartException e = assertThrows(HubStartException.class, nowhere::start);
        assertEquals("cannot listen on no-such-host.invalid:0: unknown host", e.getMessage());
    }
}
