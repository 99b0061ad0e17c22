package netdumplings.kitchen.internal.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.EaterHello;
import netdumplings.api.json.DumplingJson;
import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.kitchen.internal.Kitchen;
import netdumplings.kitchen.internal.RecordingChef;
import netdumplings.testing.Await;
import netdumplings.testing.SampleCaptures;

/** The hub sender against the real hub engine on loopback, with a WebSocket eater. */
class HubSenderTest {

    /** An eater collecting the dumplings of kitchens (not the hub's status dumplings). */
    static final class Eater implements WebSocket.Listener, AutoCloseable {
        final List<Dumpling> dumplings = new CopyOnWriteArrayList<>();
        /** The hub's own status dumplings. */
        final List<Dumpling> statuses = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket ws;

        Eater(int port) throws Exception {
            this(port, 0);
        }

        /** @param last how many of the dumplings the hub kept to ask for first (0: none, live only) */
        Eater(int port, int last) throws Exception {
            ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://localhost:" + port + "/"), this).get(10, TimeUnit.SECONDS);
            String hello = last > 0
                    ? DumplingJson.valueToJson(java.util.Map.of("eater_name", "test-eater", "history",
                            java.util.Map.of("last", last)))
                    : DumplingJson.toJson(new EaterHello("test-eater"));
            ws.sendText(hello, true).get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Dumpling d = DumplingJson.fromJson(partial.toString());
                partial.setLength(0);
                if (d.kitchen() != null) {
                    dumplings.add(d);
                } else {
                    statuses.add(d);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    private static byte[] dumpling(int n) {
        return DumplingJson.toJsonBytes(new Dumpling("TestChef", "k", 1.5, DumplingDriver.PACKET, n));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void kitchenSendsHelloThenDumplingsToTheHub() throws Exception {
        try (HubServer hub = new HubServer(HubSettings.ephemeral())) {
            hub.start();
            try (Eater eater = new Eater(hub.eaterPort())) {
                Await.until(() -> hub.statistics().eaterCount() == 1, "the eater");
                // The default chef handler makes a summary dumpling per packet: 464 of them.
                try (Kitchen kitchen = Kitchen.builder().name("hub_kitchen").pcapFile(SampleCaptures.path("dns.pcap"))
                        .speed(0).filter("").pokeInterval(Duration.ofHours(1))
                        .hub("localhost:" + hub.kitchenPort()).chef(new netdumplings.api.DumplingChef() {
                        }).build()) {
                    kitchen.start();
                    assertTrue(kitchen.awaitCaptureEnd(Duration.ofSeconds(30)));
                    Await.until(() -> eater.dumplings.size() == 464, "464 dumplings, got " + eater.dumplings.size());
                    assertEquals(1, hub.statistics().kitchenCount());
                    assertEquals("hub_kitchen", hub.statistics().kitchens().get(0).name());
                    assertEquals(464, kitchen.hubSender().orElseThrow().sent());
                }
                Dumpling first = eater.dumplings.get(0);
                assertEquals("hub_kitchen", first.kitchen());
                assertTrue(((String) first.payload()).startsWith("Ethernet / IP / UDP / DNS"));
            }
        }
    }

    @Test
    void aReplayWaitsForTheHubInsteadOfOverflowingItsBuffer() throws Exception {
        try (HubServer hub = new HubServer(HubSettings.ephemeral().withStatusInterval(Duration.ofHours(1)))) {
            hub.start();
            try (Eater eater = new Eater(hub.eaterPort())) {
                Await.until(() -> hub.statistics().eaterCount() == 1, "the eater");
                // 20 x 464 summary dumplings, as fast as possible, through a buffer of 8.
                try (Kitchen kitchen = Kitchen.builder().name("k").pcapFile(SampleCaptures.path("dns.pcap"))
                        .speed(0).loop(20).filter("").pokeInterval(Duration.ofHours(1)).hubBufferCapacity(8)
                        .hub("localhost:" + hub.kitchenPort()).chef(new netdumplings.api.DumplingChef() {
                        }).build()) {
                    kitchen.start();
                    assertTrue(kitchen.awaitCaptureEnd(Duration.ofSeconds(60)));
                    Await.until(() -> eater.dumplings.size() == 20 * 464, "9,280 dumplings, got " + eater.dumplings.size());
                    assertEquals(0, kitchen.hubSender().orElseThrow().overflowed());
                    assertEquals(0, kitchen.statistics().get(0).droppedPackets());
                }
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void chefsComingLaterReachTheHubsStatusByAFreshHello() throws Exception {
        try (HubServer hub = new HubServer(HubSettings.ephemeral().withStatusInterval(Duration.ofMillis(100)))) {
            hub.start();
            try (Eater eater = new Eater(hub.eaterPort())) {
                Await.until(() -> hub.statistics().eaterCount() == 1, "the eater");
                netdumplings.api.DumplingChef first = new RecordingChef("First");
                netdumplings.api.DumplingChef later = new netdumplings.api.DumplingChef() {
                };
                try (Kitchen kitchen = Kitchen.builder().name("k").pcapFile(SampleCaptures.path("vlan.pcap"))
                        .speed(100).loop(0).filter("").pokeInterval(Duration.ofHours(1))
                        .hub("localhost:" + hub.kitchenPort()).chef(first).build()) {
                    kitchen.start();
                    java.util.function.Predicate<Dumpling> listsBoth = status -> {
                        List<Map<String, Object>> kitchens = (List<Map<String, Object>>)
                                ((Map<String, Object>) status.payload()).get("dumpling_kitchens");
                        return kitchens.size() == 1 && ((List<String>) ((Map<String, Object>) kitchens.get(0)
                                .get("info_from_kitchen")).get("chefs")).size() == 2;
                    };
                    Await.until(() -> hub.statistics().kitchenCount() == 1, "the kitchen");
                    kitchen.addChef(later);
                    Await.until(() -> eater.statuses.stream().anyMatch(listsBoth), "a status listing both chefs");
                    assertEquals(2, kitchen.hubSender().orElseThrow().connections());
                }
            }
        }
    }

    @Test
    void buffersWhileTheHubIsDownAndReconnectsWithHello() throws Exception {
        int port = freePort();
        HubSettings settings = HubSettings.defaults().withKitchenPort(port).withEaterPort(0);
        long created = System.currentTimeMillis();
        try (HubSender sender = new HubSender("localhost:" + port,
                () -> "{\"kitchen_name\": \"k\", \"interface\": \"all\", \"filter\": \"\", \"chefs\": [], "
                        + "\"poke_interval\": 5.0}", 100)) {
            sender.start();
            for (int i = 0; i < 3; i++) {
                sender.accept(dumpling(i));
            }
            Thread.sleep(300); // the hub is down: the sender backs off, keeping the dumplings
            assertEquals(0, sender.sent());
            // Never connected: down since the sender was made (the management views' "trying since").
            assertTrue(sender.disconnectedSince() >= created && sender.disconnectedSince() <= System.currentTimeMillis());
            assertEquals(3, sender.buffered());
            long closed;
            try (HubServer hub = new HubServer(settings)) {
                hub.start();
                Await.until(() -> hub.statistics().dumplingsIn() == 3, "the buffered dumplings");
                assertEquals(1, sender.connections());
                assertEquals(0, sender.disconnectedSince(), "connected");
                closed = System.currentTimeMillis();
            }
            // Gone: down since (at or after) the hub closed, once the sender notices.
            Await.until(() -> sender.disconnectedSince() >= closed, "the hub seen gone");
            // The hub went away; a new one comes up on the same port: hello again, then more.
            try (HubServer hub = new HubServer(settings)) {
                hub.start();
                for (int i = 3; i < 5; i++) {
                    sender.accept(dumpling(i));
                }
                Await.until(() -> hub.statistics().dumplingsIn() == 2, "dumplings after reconnecting");
                assertEquals(2, sender.connections());
                assertEquals("k", hub.statistics().kitchens().get(0).name());
            }
        }
    }

    @Test
    void manyDumplingsQueuedAtOnceArriveInOrderAndWhole() throws Exception {
        try (HubServer hub = new HubServer(HubSettings.ephemeral())) {
            hub.start();
            try (Eater eater = new Eater(hub.eaterPort())) {
                Await.until(() -> hub.statistics().eaterCount() == 1, "the eater");
                HubSender sender = new HubSender("localhost:" + hub.kitchenPort(),
                        () -> "{\"kitchen_name\": \"k\", \"interface\": \"all\", \"filter\": \"\", "
                                + "\"chefs\": [], \"poke_interval\": 5.0}", 10_000);
                // Queued before the sender starts: it writes them in batches of many frames,
                // one of them big enough for a 64-bit frame length and 8-byte masking steps.
                for (int i = 0; i < 3_000; i++) {
                    sender.accept(dumpling(i));
                }
                byte[] big = DumplingJson.toJsonBytes(new Dumpling("TestChef", "k", 1.5, DumplingDriver.PACKET,
                        "\u00e9".repeat(40_000)));
                sender.accept(big);
                sender.start();
                Await.until(() -> eater.dumplings.size() == 3_001, "3,001 dumplings, got " + eater.dumplings.size());
                for (int i = 0; i < 3_000; i++) {
                    assertEquals(i, ((Number) eater.dumplings.get(i).payload()).intValue());
                }
                assertEquals("\u00e9".repeat(40_000), eater.dumplings.get(3_000).payload());
                assertEquals(3_001, sender.sent());
                sender.close();
            }
        }
    }

    @Test
    void overflowIsCounted() {
        HubSender sender = new HubSender("localhost:1", () -> "{}", 2);
        // Not started: nothing drains the buffer.
        for (int i = 0; i < 5; i++) {
            sender.accept(dumpling(i));
        }
        assertEquals(2, sender.buffered());
        assertEquals(3, sender.overflowed());
        sender.close(Duration.ZERO);
    }

    private static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).toList();
    }

    @Test
    void webSocketClientThreadsAreFewNamedDaemonsAndEndWithTheSender() throws Exception {
        try (HubServer hub = new HubServer(HubSettings.ephemeral())) {
            hub.start();
            HubSender sender = new HubSender("localhost:" + hub.kitchenPort(),
                    () -> "{\"kitchen_name\": \"k\", \"interface\": \"all\", \"filter\": \"\", "
                            + "\"chefs\": [], \"poke_interval\": 5.0}", 10, null, "thread_kitchen");
            sender.start();
            sender.accept(dumpling(1));
            Await.until(() -> hub.statistics().dumplingsIn() == 1, "the dumpling");
            List<Thread> client = threadsNamed("nd-hub-client-thread_kitchen");
            assertTrue(!client.isEmpty(), "the client's threads say whose they are");
            // The pool's threads and the scheduler's one.
            assertTrue(client.size() <= HubClient.MAX_THREADS + 1, "a small pool: " + client);
            assertTrue(client.stream().allMatch(Thread::isDaemon), "daemons: " + client);
            assertTrue(threadsNamed("nd-hub-sender-thread_kitchen").get(0).isDaemon());
            sender.close();
            Await.until(() -> threadsNamed("nd-hub-client-thread_kitchen").isEmpty()
                    && threadsNamed("nd-hub-sender-thread_kitchen").isEmpty(), "no thread left");
        }
    }

    @Test
    void theHelloAsksForAcknowledgementsAndSaysWhatWasDropped() {
        assertEquals("{\"ack\": true, \"dropped\": 3, \"kitchen_name\": \"k\"}",
                HubSender.withExtensions("{\"kitchen_name\": \"k\"}", 3));
        assertEquals("{\"ack\": true, \"dropped\": 0}", HubSender.withExtensions(" { }", 0));
        assertEquals("[]", HubSender.withExtensions("[]", 0), "not an object: left to the hub to refuse");
    }

    @Test
    void hubAddressIsHostAndPort() {
        assertEquals(URI.create("ws://localhost:11347/"), HubSender.toUri("localhost:11347"));
        assertEquals(URI.create("ws://127.0.0.1:5/x"), HubSender.toUri("ws://127.0.0.1:5/x"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HubSender.toUri("localhost"));
    }
}
