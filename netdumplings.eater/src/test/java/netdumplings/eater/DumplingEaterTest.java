package netdumplings.eater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.InvalidDumplingException;
import netdumplings.api.json.DumplingJson;
import netdumplings.hub.internal.HubSettings;

/** {@link DumplingEater} against the real hub, and against a bare server for the odd cases. */
class DumplingEaterTest {

    private static String dumplingJson(String chef, String kitchen, Object payload) {
        return DumplingJson.toJson(new Dumpling(chef, kitchen, 1795313383.5, DumplingDriver.PACKET, payload));
    }

    @Test
    void eatsOnlyTheWantedChefsAndKitchens() throws Exception {
        try (TestHub hub = TestHub.start().kitchen("k1")) {
            List<Dumpling> eaten = new CopyOnWriteArrayList<>();
            List<String> raw = new CopyOnWriteArrayList<>();
            DumplingEater eater = DumplingEater.builder().name("filtering").hub(hub.eaterAddress())
                    .chefs(List.of("A")).kitchens(List.of("k1", "k3"))
                    .onDumpling(eaten::add).onRawDumpling(raw::add).build();
            CompletableFuture<Void> done = eater.start();
            hub.awaitEaters(1);
            hub.publish("B", "k1", 1);
            hub.publish("A", "k2", 2);
            hub.publish("A", null, 3);
            hub.publish("A", "k1", 4);
            hub.publish("A", "k3", 5);
            TestHub.awaitTrue(() -> eaten.size() == 2, "two dumplings");
            eater.close();
            done.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(4, 5), eaten.stream().map(Dumpling::payload).toList());
            assertEquals(List.of("k1", "k3"), eaten.stream().map(Dumpling::kitchen).toList());
            assertEquals(List.of(dumplingJson("A", "k1", 4), dumplingJson("A", "k3", 5)), raw);
        }
    }

    @Test
    void eatsEveryDumplingWithoutFilters() throws Exception {
        try (TestHub hub = TestHub.start().kitchen("k1")) {
            List<Dumpling> eaten = new CopyOnWriteArrayList<>();
            DumplingEater eater = DumplingEater.builder().hub(hub.eaterAddress()).onDumpling(eaten::add).build();
            CompletableFuture<Void> done = eater.start();
            hub.awaitEaters(1);
            hub.publish("A", "k1", Map.of("x", 1));
            hub.publish("B", "k2", List.of("y"));
            done.orTimeout(1, TimeUnit.MILLISECONDS); // not waited on: closed below
            TestHub.awaitTrue(() -> eaten.size() == 2, "two dumplings");
            eater.close();
            assertEquals(List.of(Map.of("x", 1), List.of("y")), eaten.stream().map(Dumpling::payload).toList());
        }
    }

    @Test
    void runWithACountStopsAfterExactlyThatMany() throws Exception {
        try (TestHub hub = TestHub.start().kitchen("k1")) {
            List<Dumpling> eaten = new CopyOnWriteArrayList<>();
            DumplingEater eater = DumplingEater.builder().hub(hub.eaterAddress()).chefs(List.of("A"))
                    .onDumpling(eaten::add).build();
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> eater.run(2));
            hub.awaitEaters(1);
            for (int i = 0; i < 5; i++) {
                hub.publish("A", "k1", i);
            }
            done.get(10, TimeUnit.SECONDS);
            hub.awaitEaters(0);
            assertEquals(List.of(0, 1), eaten.stream().map(Dumpling::payload).toList());
        }
    }

    @Test
    void aFullEaterClosesWith4102() throws Exception {
        try (RawWebSocketServer server = new RawWebSocketServer()) {
            List<Dumpling> eaten = new CopyOnWriteArrayList<>();
            DumplingEater eater = DumplingEater.builder().name("counted").hub(server.address())
                    .onDumpling(eaten::add).build();
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> eater.run(2));
            server.accept();
            assertEquals("{\"eater_name\":\"counted\"}", server.next().text());
            server.sendText(dumplingJson("A", "k", 1));
            server.sendText(dumplingJson("A", "k", 2));
            server.sendText(dumplingJson("A", "k", 3));
            RawWebSocketServer.Received close = server.next();
            assertEquals(4102, close.closeCode());
            assertEquals("dumpling eater is full", close.closeReason());
            done.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(1, 2), eaten.stream().map(Dumpling::payload).toList());
        }
    }

    @Test
    void closeSendsConnectionCancelled4101() throws Exception {
        try (RawWebSocketServer server = new RawWebSocketServer()) {
            CountDownLatch connected = new CountDownLatch(1);
            List<EaterState> states = new CopyOnWriteArrayList<>();
            DumplingEater eater = DumplingEater.builder().hub(server.address())
                    .onConnect(uri -> connected.countDown())
                    .onStateChange(change -> states.add(change.state())).build();
            CompletableFuture<Void> done = eater.start();
            server.accept();
            assertEquals("{\"eater_name\":\"nameless_eater\"}", server.next().text());
            assertTrue(connected.await(10, TimeUnit.SECONDS));
            eater.close();
            RawWebSocketServer.Received close = server.next();
            assertEquals(4101, close.closeCode());
            assertEquals("connection cancelled", close.closeReason());
            done.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(EaterState.CONNECTING, EaterState.CONNECTED, EaterState.CLOSED), states);
        }
    }

    @Test
    void reconnectsAfterTheHubRestarts() throws Exception {
        List<Dumpling> eaten = new CopyOnWriteArrayList<>();
        List<Throwable> lost = new CopyOnWriteArrayList<>();
        List<EaterState> states = new CopyOnWriteArrayList<>();
        CountDownLatch twoConnects = new CountDownLatch(2);
        TestHub first = TestHub.start().kitchen("k1");
        int eaterPort = first.server().eaterPort();
        DumplingEater eater = DumplingEater.builder().hub(first.eaterAddress())
                .reconnectDelays(Duration.ofMillis(100), Duration.ofMillis(400))
                .onConnect(uri -> twoConnects.countDown()).onDumpling(eaten::add).onConnectionLost(lost::add)
                .onStateChange(change -> states.add(change.state())).build();
        CompletableFuture<Void> done = eater.start();
        try {
            first.awaitEaters(1);
            first.publish("A", "k1", "before");
            TestHub.awaitTrue(() -> eaten.size() == 1, "the first dumpling");
            first.close();
            TestHub.awaitTrue(() -> !lost.isEmpty(), "the connection to be lost");
            try (TestHub second = TestHub.start(HubSettings.ephemeral().withEaterPort(eaterPort)
                    .withStatusInterval(Duration.ofHours(1))).kitchen("k1")) {
                assertTrue(twoConnects.await(20, TimeUnit.SECONDS), "the eater never reconnected");
                second.awaitEaters(1);
                second.publish("A", "k1", "after");
                TestHub.awaitTrue(() -> eaten.size() == 2, "the second dumpling");
            }
        } finally {
            eater.close();
            first.close();
        }
        done.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("before", "after"), eaten.stream().map(Dumpling::payload).toList());
        HubConnectionException cause = assertInstanceOf(HubConnectionException.class, lost.get(0));
        assertEquals(1001, cause.closeCode());
        assertEquals(List.of(EaterState.CONNECTING, EaterState.CONNECTED, EaterState.LOST, EaterState.RECONNECTING),
                states.subList(0, 4));
        assertTrue(states.indexOf(EaterState.CONNECTED) < states.lastIndexOf(EaterState.CONNECTED));
        assertEquals(EaterState.CLOSED, states.get(states.size() - 1));
    }

    @Test
    void skipsAFrameThatIsNotADumpling() throws Exception {
        try (TestHub hub = TestHub.start().kitchen("k1")) {
            List<Dumpling> eaten = new CopyOnWriteArrayList<>();
            List<String> problems = new CopyOnWriteArrayList<>();
            DumplingEater eater = DumplingEater.builder().hub(hub.eaterAddress()).onDumpling(eaten::add)
                    .onInvalidDumpling((frame, e) -> problems.add(frame + " -> " + e.getMessage())).build();
            eater.start();
            hub.awaitEaters(1);
            // The hub checks only metadata.chef, so it forwards this; the eater cannot use it.
            hub.publish("{\"metadata\": {\"chef\": \"A\"}, \"payload\": 1}");
            hub.publish("A", "k1", "good");
            TestHub.awaitTrue(() -> eaten.size() == 1, "the good dumpling");
            eater.close();
            assertEquals(List.of("{\"metadata\": {\"chef\": \"A\"}, \"payload\": 1} -> "
                    + "metadata.creation_time must be a number of seconds"), problems);
            assertEquals("good", eaten.get(0).payload());
        }
    }

    @Test
    void assemblesAFragmentedMessage() throws Exception {
        try (RawWebSocketServer server = new RawWebSocketServer()) {
            List<Dumpling> eaten = new CopyOnWriteArrayList<>();
            DumplingEater eater = DumplingEater.builder().hub(server.address()).onDumpling(eaten::add).build();
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> eater.run(1));
            server.accept();
            server.next(); // hello
            String json = dumplingJson("A", "k", Map.of("text", "fragmented \u00e9"));
            server.sendText(json.substring(0, 10), json.substring(10, 30), json.substring(30));
            done.get(10, TimeUnit.SECONDS);
            assertEquals(Map.of("text", "fragmented \u00e9"), eaten.get(0).payload());
        }
    }

    @Test
    void refusesAMessageOverOneMebibyteWith4009() throws Exception {
        try (RawWebSocketServer server = new RawWebSocketServer()) {
            List<InvalidDumplingException> problems = new CopyOnWriteArrayList<>();
            List<Throwable> lost = new CopyOnWriteArrayList<>();
            DumplingEater eater = DumplingEater.builder().hub(server.address()).reconnect(false)
                    .onInvalidDumpling((frame, e) -> problems.add(e)).onConnectionLost(lost::add).build();
            CompletableFuture<Void> done = eater.start();
            server.accept();
            server.next(); // hello
            String half = "x".repeat(DumplingJson.MAX_MESSAGE_BYTES / 2 + 1);
            server.sendText("{\"metadata\": \"" + half, half, "\"}");
            RawWebSocketServer.Received close = server.next();
            assertEquals(DumplingEater.CLOSE_TOO_BIG, close.closeCode(), close.toString());
            done.get(10, TimeUnit.SECONDS);
            assertEquals(1, problems.size());
            assertTrue(problems.get(0).getMessage().contains("over the limit of 1048576 bytes"),
                    problems.get(0).getMessage());
            assertEquals(4009, assertInstanceOf(HubConnectionException.class, lost.get(0)).closeCode());
        }
    }

    @Test
    void aThrowingCallbackDoesNotStopTheEater() throws Exception {
        try (RawWebSocketServer server = new RawWebSocketServer()) {
            List<Object> eaten = new CopyOnWriteArrayList<>();
            DumplingEater eater = DumplingEater.builder().hub(server.address()).onDumpling(d -> {
                eaten.add(d.payload());
                if (eaten.size() == 1) {
                    throw new IllegalStateException("a chef's bad day");
                }
            }).build();
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> eater.run(2));
            server.accept();
            server.next();
            server.sendText(dumplingJson("A", "k", 1));
            server.sendText(dumplingJson("A", "k", 2));
            done.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(1, 2), eaten);
            assertEquals(4102, server.next().closeCode());
        }
    }

    @Test
    void withoutReconnectionRunReturnsWhenTheHubIsUnreachable() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<EaterStateChange> changes = new CopyOnWriteArrayList<>();
        DumplingEater eater = DumplingEater.builder().hub("localhost:" + port).reconnect(false)
                .onStateChange(changes::add).build();
        eater.run();
        assertEquals(List.of(EaterState.CONNECTING, EaterState.LOST, EaterState.CLOSED),
                changes.stream().map(EaterStateChange::state).toList());
        assertEquals("lost connection to ws://localhost:" + port + ": cannot connect to ws://localhost:" + port
                + ": Connection refused", changes.get(1).describe());
        assertThrows(IllegalStateException.class, eater::run, "an eater runs once");
    }

    @Test
    void withReconnectionItRetriesUntilClosed() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<EaterStateChange> changes = new CopyOnWriteArrayList<>();
        DumplingEater eater = DumplingEater.builder().hub("localhost:" + port)
                .reconnectDelays(Duration.ofMillis(10), Duration.ofMillis(40)).onStateChange(changes::add).build();
        CompletableFuture<Void> done = eater.start();
        TestHub.awaitTrue(() -> changes.stream().filter(c -> c.state() == EaterState.CONNECTING).count() >= 4,
                "four attempts");
        eater.close();
        done.get(10, TimeUnit.SECONDS);
        List<Duration> delays = changes.stream().filter(c -> c.state() == EaterState.RECONNECTING)
                .map(EaterStateChange::retryDelay).toList();
        assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40)), delays.subList(0, 3));
        assertTrue(delays.stream().allMatch(d -> d.compareTo(Duration.ofMillis(40)) <= 0), delays.toString());
        assertNull(changes.get(changes.size() - 1).cause());
        assertEquals(EaterState.CLOSED, changes.get(changes.size() - 1).state());
    }
}
