package netdumplings.kitchen.internal;

import static netdumplings.kitchen.internal.TestChefs.named;
import static netdumplings.kitchen.internal.TestChefs.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;
import netdumplings.kitchen.internal.dispatch.ChefStatistics;
import netdumplings.testing.SampleCaptures;

/**
 * Issue 3's "isolated chefs", all at once in one kitchen: a chef that throws, one that
 * makes payloads that are not JSON-able and one that sleeps on every packet cannot cost a
 * counting chef next to them a single packet, and the kitchen keeps figures for each. A
 * replay waits for a chef that merely pauses, so it loses nothing either.
 */
class ChefIsolationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PACKETS = 4709; // many-protocols.pcap, without a filter

    /** Counts packets and makes a small dumpling of every 100th. */
    static final class CountingChef implements DumplingChef {
        final AtomicLong packets = new AtomicLong();

        @Override
        public String name() {
            return "CountingChef";
        }

        @Override
        public Object packetHandler(SniffedPacket packet) {
            long n = packets.incrementAndGet();
            return n % 100 == 0 ? n : null;
        }
    }

    @Test
    void chefsThatThrowOrMakeInvalidPayloadsAreCountedAndCostAnotherChefNothing() throws Exception {
        CountingChef counting = new CountingChef();
        DumplingChef throwing = named("ThrowingChef", p -> {
            throw new IllegalStateException("burnt");
        });
        DumplingChef invalid = named("InvalidChef", p -> new Object()); // not JSON-able
        AtomicLong sent = new AtomicLong();
        try (Kitchen kitchen = file().chef(throwing).chef(invalid).chef(counting)
                .sink(json -> sent.incrementAndGet()).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertEquals(PACKETS, kitchen.packetsCaptured());

            ChefStatistics c = stats(kitchen, "CountingChef");
            assertEquals(PACKETS, counting.packets.get());
            assertEquals(PACKETS, c.packets());
            assertEquals(PACKETS / 100, c.dumplings());
            assertEquals(0, c.errors() + c.invalidPayloads() + c.droppedPackets());
            assertTrue(c.handlerNanos() > 0, c.toString());
            assertEquals(PACKETS / 100, sent.get(), "only the counting chef's dumplings are sent");

            ChefStatistics t = stats(kitchen, "ThrowingChef");
            assertEquals(PACKETS, t.packets(), "a chef that throws keeps receiving packets");
            assertEquals(PACKETS, t.errors());
            assertEquals(0, t.dumplings() + t.invalidPayloads() + t.droppedPackets());

            ChefStatistics i = stats(kitchen, "InvalidChef");
            assertEquals(PACKETS, i.packets());
            assertEquals(PACKETS, i.invalidPayloads());
            assertEquals(0, i.dumplings() + i.errors() + i.droppedPackets());
        }
    }

    @Test
    void aReplayWaitsForAChefThatPausesAndLosesNothing() throws Exception {
        AtomicLong counted = new AtomicLong();
        DumplingChef counting = named("CountingChef", p -> {
            counted.incrementAndGet();
            return null;
        });
        AtomicLong first = new AtomicLong();
        DumplingChef pausing = named("PausingChef", p -> {
            if (first.getAndIncrement() == 0) {
                try {
                    Thread.sleep(300); // descheduled, or the JIT at work: a healthy chef's pause
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        });
        // Queues of 4 batches of 16 packets overflow within the pause at full speed; the
        // replay waits instead (up to the default 1 s without progress).
        try (Kitchen kitchen = file().batchSize(16).chefQueueBatches(4).chef(pausing).chef(counting).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertEquals(PACKETS, counted.get());
            assertEquals(PACKETS, first.get());
            for (ChefStatistics s : kitchen.statistics()) {
                assertEquals(PACKETS, s.packets(), s.toString());
                assertEquals(0, s.droppedPackets(), s.toString());
            }
        }
    }

    @Test
    void aChefSleepingOnEveryPacketDropsForItselfOnly() throws Exception {
        // Makes no dumplings: the codec's first use (loading Jackson, ~0.1 s) would itself
        // overflow these small queues while the file is read at full speed.
        AtomicLong counted = new AtomicLong();
        DumplingChef counting = named("CountingChef", p -> {
            counted.incrementAndGet();
            return null;
        });
        DumplingChef sleepy = named("SleepyChef", p -> {
            try {
                Thread.sleep(1); // on every packet: far slower than the replay
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        // Queues of 200 batches of 16 packets: room for 3,200 of the 4,709 packets, plenty
        // for a chef that keeps up, not for one that sleeps 1 ms on each.
        // No replay wait: the capture drops for a chef at once, as a live capture does.
        try (Kitchen kitchen = file().batchSize(16).chefQueueBatches(200).replayChefWait(Duration.ZERO)
                .chef(sleepy).chef(counting).build()) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertEquals(PACKETS, counted.get(), kitchen.statistics().toString());
            assertEquals(0, stats(kitchen, "CountingChef").droppedPackets());

            ChefStatistics s = stats(kitchen, "SleepyChef");
            assertTrue(s.droppedPackets() > 0, s.toString());
            assertEquals(PACKETS, s.packets() + s.droppedPackets(), "every packet is handled or counted as dropped");
            assertTrue(s.handlerNanos() >= s.packets() * 1_000_000L, "handler time covers the sleeps: " + s);
        }
    }

    private static Kitchen.Builder file() {
        return Kitchen.builder().pcapFile(SampleCaptures.path("many-protocols.pcap")).speed(0).filter("")
                .pokeInterval(Duration.ofHours(1));
    }
}
