package netdumplings.kitchen.internal;

import static netdumplings.kitchen.internal.TestChefs.named;
import static netdumplings.kitchen.internal.TestChefs.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingChef;
import netdumplings.api.DumplingDriver;
import netdumplings.api.NetDumplingsException;
import netdumplings.api.SniffedPacket;
import netdumplings.api.json.DumplingJson;
import netdumplings.kitchen.internal.dispatch.ChefStatistics;
import netdumplings.testing.SampleCaptures;

/** The engine on real captures: hand-off, drops, errors, intervals, replay options, errors. */
class KitchenTest {

    private static final Duration LONG_POKE = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Counts packets and nothing else. */
    static final class CountingChef implements DumplingChef {
        final AtomicLong packets = new AtomicLong();

        @Override
        public Object packetHandler(SniffedPacket packet) {
            packets.incrementAndGet();
            return null;
        }
    }

    private static Kitchen.Builder file(String name) {
        return Kitchen.builder().pcapFile(SampleCaptures.path(name)).speed(0).filter("").pokeInterval(LONG_POKE);
    }

    @ParameterizedTest
    @CsvSource({"bgp-open-malformed.pcapng, 4", "dns-stack-overflow.pcap, 1", "dns-too-many-resources.pcap, 1",
        "ipv4-bad-fragment.pcap, 1", "tcp-malformed.pcap, 2", "tls-malformed.pcap, 1"})
    void malformedCapturesAreCountedAndNeverThrow(String name, int packets) throws Exception {
        RecordingChef chef = new RecordingChef("rec");
        try (Kitchen kitchen = file("malformed/" + name).chef(chef).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertEquals(packets, kitchen.packetsCaptured());
            assertEquals(packets, chef.packets.size());
            for (SniffedPacket p : chef.packets) {
                // None of these may throw on a malformed packet.
                p.layers();
                p.summary();
                p.packet();
            }
            assertEquals(0, stats(kitchen, "rec").errors());
            assertFalse(kitchen.failure().isPresent());
        }
    }

    @Test
    void pcapngWhoseInterfacesDifferInSnapshotLengthIsRead() throws Exception {
        // libpcap 1.10 (tcpdump -r) refuses this file ("snapshot length" of its second
        // interface); capinfos and tshark -r read 2 packets on 2 interfaces, Ethernet both.
        RecordingChef chef = new RecordingChef("rec");
        try (Kitchen kitchen = file("malformed/ipv4-malformed.pcapng").chef(chef).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertFalse(kitchen.failure().isPresent(), () -> kitchen.failure().get());
            assertEquals(2, kitchen.packetsCaptured());
            assertEquals(2, chef.packets.size());
            // tshark -r ... -T fields -e frame.time_epoch -e frame.len
            assertEquals(java.time.Instant.parse("2012-10-21T06:56:31.754299Z"), chef.packets.get(0).timestamp());
            assertEquals(217, chef.packets.get(0).originalLength());
            assertEquals(java.time.Instant.parse("2019-10-24T11:18:16.647494Z"), chef.packets.get(1).timestamp());
            assertEquals(66, chef.packets.get(1).originalLength());
        }
    }

    @Test
    void truncatedCaptureGivesEveryWholePacketThenAOneLineFailure(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        byte[] dns = java.nio.file.Files.readAllBytes(SampleCaptures.path("dns.pcap"));
        Path cut = java.nio.file.Files.write(dir.resolve("cut.pcap"), java.util.Arrays.copyOf(dns, dns.length - 30));
        RecordingChef chef = new RecordingChef("rec");
        try (Kitchen kitchen = Kitchen.builder().pcapFile(cut).speed(0).filter("").pokeInterval(LONG_POKE).chef(chef)
                .build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            String failure = kitchen.failure().orElseThrow();
            assertTrue(failure.startsWith("error reading capture file " + cut + ": truncated packet at byte "), failure);
            // tshark -r on the cut file: 463 of dns.pcap's 464 packets, then "cut short".
            assertEquals(463, kitchen.packetsCaptured());
            assertEquals(463, chef.packets.size());
            assertEquals(2, chef.intervals.get(), "the chefs still get their final interval");
        }
    }

    @Test
    void slowChefDropsWhileCountingChefSeesEverything() throws Exception {
        CountingChef counting = new CountingChef();
        CountDownLatch release = new CountDownLatch(1);
        DumplingChef sleepy = named("SleepyChef", packet -> {
            try {
                // Sleeps on its first packet until the whole file is captured.
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        // 16-packet batches, 200 batches per chef queue: the sleepy chef can hold at most
        // 200 queued batches plus the one it sleeps on; the replay waits for it once (the
        // default 1 s), then the rest is dropped for it only.
        try (Kitchen kitchen = file("many-protocols.pcap").batchSize(16).chefQueueBatches(200)
                .chef(counting).chef(sleepy).build()) {
            kitchen.start();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (kitchen.packetsCaptured() < 4709 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            release.countDown();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertEquals(4709, kitchen.packetsCaptured());
            assertEquals(4709, counting.packets.get());
            ChefStatistics countingStats = stats(kitchen, "CountingChef");
            assertEquals(4709, countingStats.packets());
            assertEquals(0, countingStats.droppedPackets());
            ChefStatistics sleepyStats = stats(kitchen, "SleepyChef");
            assertTrue(sleepyStats.packets() >= 200 * 16 && sleepyStats.packets() <= 201 * 16,
                    sleepyStats.toString());
            assertEquals(4709, sleepyStats.packets() + sleepyStats.droppedPackets(), sleepyStats.toString());
        }
    }

    @Test
    void throwingChefKeepsReceivingPackets() throws Exception {
        DumplingChef throwing = new DumplingChef() {
            @Override
            public Object packetHandler(SniffedPacket packet) {
                throw new IllegalStateException("burnt");
            }
        };
        try (Kitchen kitchen = file("dns.pcap").chef(throwing).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            ChefStatistics s = kitchen.statistics().get(0);
            assertEquals(464, s.packets());
            assertEquals(464, s.errors());
        }
    }

    @Test
    void intervalHandlerRunsAtStartAndAtEndOfFile() throws Exception {
        RecordingChef chef = new RecordingChef("rec");
        List<byte[]> sent = new CopyOnWriteArrayList<>();
        try (Kitchen kitchen = file("dns.pcap").name("k1").chef(chef).sink(sent::add).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertEquals(2, chef.intervals.get());
            assertEquals(464, chef.packets.size());
            assertEquals(1, chef.starts.get());
        }
        assertEquals(1, chef.stops.get());
        assertEquals(2, sent.size());
        Dumpling last = DumplingJson.fromJson(sent.get(1));
        assertEquals("rec", last.chef());
        assertEquals("k1", last.kitchen());
        assertEquals(DumplingDriver.INTERVAL, last.driver());
        assertEquals("interval 2", last.payload());
    }

    @Test
    void packetDumplingsAreEncodedOnceAndInvalidPayloadsCounted() throws Exception {
        DumplingChef summaries = new DumplingChef() { // the default handler: a summary per packet
            @Override
            public String name() {
                return "SummaryChef";
            }
        };
        DumplingChef invalid = named("InvalidChef", packet -> new Object()); // not JSON-able
        List<byte[]> sent = new CopyOnWriteArrayList<>();
        try (Kitchen kitchen = file("arp-request.pcap").chef(summaries).chef(invalid).sink(sent::add).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertEquals(1, stats(kitchen, "SummaryChef").dumplings());
            assertEquals(1, stats(kitchen, "InvalidChef").invalidPayloads());
            assertEquals(0, stats(kitchen, "InvalidChef").dumplings());
        }
        assertEquals(1, sent.size());
        Dumpling d = DumplingJson.fromJson(new String(sent.get(0), StandardCharsets.UTF_8));
        assertEquals(DumplingDriver.PACKET, d.driver());
        assertTrue(((String) d.payload()).startsWith("Ethernet / ARP"), (String) d.payload());
    }

    @Test
    void loopReplaysTheFileThatManyTimes() throws Exception {
        CountingChef chef = new CountingChef();
        try (Kitchen kitchen = file("dns.pcap").loop(3).chef(chef).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertEquals(3 * 464, chef.packets.get());
            assertEquals(3 * 464, kitchen.packetsCaptured());
        }
    }

    @Test
    void speedHonoursRecordedGaps() throws Exception {
        // vlan.pcap spans 35.4 s: at 100 times the speed, it takes at least 0.354 s.
        CountingChef chef = new CountingChef();
        long start = System.nanoTime();
        try (Kitchen kitchen = file("vlan.pcap").speed(100).chef(chef).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
        }
        assertTrue(System.nanoTime() - start >= 350_000_000L);
        assertEquals(26, chef.packets.get());
    }

    @Test
    void maxGapCapsLongPauses() throws Exception {
        // many-protocols.pcap spans 4.5 years; with gaps capped at 0 it replays at once.
        CountingChef chef = new CountingChef();
        try (Kitchen kitchen = file("many-protocols.pcap").speed(1).maxGap(Duration.ZERO).chef(chef).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertEquals(4709, chef.packets.get());
        }
    }

    @Test
    void filterAppliesToFiles() throws Exception {
        CountingChef chef = new CountingChef();
        try (Kitchen kitchen = file("many-protocols.pcap").filter("arp").chef(chef).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            // tshark -r many-protocols.pcap -Y arp | wc -l
            assertEquals(ARP_PACKETS, chef.packets.get());
        }
    }

    static final int ARP_PACKETS = 4;

    @Test
    void missingFileIsAClearError() {
        Path missing = Path.of("/nonexistent/capture.pcap");
        Kitchen kitchen = Kitchen.builder().pcapFile(missing).build();
        NetDumplingsException e = assertThrows(NetDumplingsException.class, kitchen::start);
        assertEquals("capture file /nonexistent/capture.pcap does not exist", e.getMessage());
        kitchen.close();
    }

    @Test
    void badFilterIsAClearError() {
        Kitchen kitchen = file("dns.pcap").filter("tcp or or").build();
        NetDumplingsException e = assertThrows(NetDumplingsException.class, kitchen::start);
        assertTrue(e.getMessage().startsWith("bad filter \"tcp or or\": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        kitchen.close();
    }

    @Test
    void chefAddedAndRemovedWhileCapturing() throws Exception {
        RecordingChef late = new RecordingChef("late");
        CountingChef always = new CountingChef();
        // Forever at 100x: vlan.pcap takes ~0.35 s per pass.
        try (Kitchen kitchen = file("vlan.pcap").speed(100).loop(0).chef(always).build()) {
            kitchen.start();
            Thread.sleep(200);
            kitchen.addChef(late);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (late.packets.size() < 30 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(kitchen.removeChef(late));
            int seen = late.packets.size();
            long before = always.packets.get();
            Thread.sleep(500);
            assertTrue(always.packets.get() > before, "capture goes on");
            assertEquals(seen, late.packets.size(), "a removed chef is fed no more");
            assertEquals(1, late.starts.get());
            assertEquals(1, late.stops.get());
            assertEquals(List.of(always), kitchen.chefs());
            assertFalse(kitchen.awaitCaptureEnd(Duration.ofMillis(10)));
        }
    }

    @Test
    void helloListsSortedChefClassNames() {
        Kitchen kitchen = file("dns.pcap").name("k").chef(new RecordingChef("r")).chef(new CountingChef()).build();
        Map<String, Object> hello = DumplingJson.objectFromJson(DumplingJson.toJson(kitchen.hello()));
        assertEquals("k", hello.get("kitchen_name"));
        assertEquals(List.of(CountingChef.class.getName(), RecordingChef.class.getName()), hello.get("chefs"));
        assertEquals(3600.0, hello.get("poke_interval"));
        kitchen.close();
    }
}
