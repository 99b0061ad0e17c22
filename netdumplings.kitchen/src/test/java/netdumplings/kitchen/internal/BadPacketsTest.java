package netdumplings.kitchen.internal;

import static netdumplings.kitchen.internal.TestChefs.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pcap4j.packet.Packet;

import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;
import netdumplings.kitchen.internal.dispatch.ChefStatistics;
import netdumplings.testing.SampleCaptures;

/**
 * Issue 6, bad packets: malformed and randomly corrupted captures replayed at full speed
 * through chefs that dissect every packet with pcap4j, walk every layer and throw on
 * purpose. The kitchen never stops, counts every packet, and counts the chefs' errors.
 */
class BadPacketsTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    /** Dissects fully with pcap4j and walks every layer, as a real chef would. */
    static final class DissectingChef implements DumplingChef {
        final AtomicLong layers = new AtomicLong();

        @Override
        public String name() {
            return "DissectingChef";
        }

        @Override
        public Object packetHandler(SniffedPacket packet) {
            long n = packet.layers().size();
            for (Packet p = packet.packet(); p != null; p = p.getPayload()) {
                if (p.getHeader() != null) {
                    p.getHeader().length();
                }
                n++;
            }
            packet.summary();
            layers.addAndGet(n);
            // A payload on a few packets, so that encoding runs too.
            return packet.rawData().length % 97 == 0 ? packet.summary() : null;
        }
    }

    /** Fails on every packet: each must be counted as an error, and the kitchen goes on. */
    static final class ThrowingChef implements DumplingChef {
        @Override
        public String name() {
            return "ThrowingChef";
        }

        @Override
        public Object packetHandler(SniffedPacket packet) {
            packet.packet();
            throw new IllegalStateException("chef failure on purpose");
        }
    }

    private static Kitchen replay(Path file, DumplingChef... chefs) {
        Kitchen.Builder builder = Kitchen.builder().pcapFile(file).speed(0).filter("")
                .pokeInterval(Duration.ofHours(1)).chefQueueBatches(1 << 14);
        for (DumplingChef chef : chefs) {
            builder.chef(chef);
        }
        return builder.build();
    }

    /** Counts are {@code capinfos -c -M <file>} on each capture. */
    @ParameterizedTest
    @CsvSource({"bgp-open-malformed.pcapng, 4", "dns-stack-overflow.pcap, 1", "dns-too-many-resources.pcap, 1",
        "ipv4-bad-fragment.pcap, 1", "tcp-malformed.pcap, 2", "tls-malformed.pcap, 1"})
    void malformedCaptureThroughDissectingChefsIsCountedAndErrorsAreCounted(String name, int packets)
            throws Exception {
        DissectingChef dissecting = new DissectingChef();
        ThrowingChef throwing = new ThrowingChef();
        try (Kitchen kitchen = replay(SampleCaptures.path("malformed/" + name), dissecting, throwing)) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT));
            assertFalse(kitchen.failure().isPresent(), () -> kitchen.failure().get());
            assertEquals(packets, kitchen.packetsCaptured());
            ChefStatistics ok = stats(kitchen, "DissectingChef");
            assertEquals(packets, ok.packets());
            assertEquals(0, ok.errors(), "pcap4j dissection never throws on malformed data");
            assertTrue(dissecting.layers.get() >= packets);
            ChefStatistics failing = stats(kitchen, "ThrowingChef");
            assertEquals(packets, failing.packets());
            assertEquals(packets, failing.errors(), "every chef exception is counted");
        }
    }

    @Test
    void captureLibpcapRefusesIsReadWhole() throws Exception {
        // capinfos reads 2 packets; libpcap 1.10 (and so tcpdump -r) refuses the file, its
        // interfaces differing in snapshot length; the kitchen reads it as tshark does.
        ThrowingChef throwing = new ThrowingChef();
        try (Kitchen kitchen = replay(SampleCaptures.path("malformed/ipv4-malformed.pcapng"), throwing)) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(WAIT), "the kitchen ends, it does not hang");
            assertFalse(kitchen.failure().isPresent(), () -> kitchen.failure().get());
            assertEquals(2, kitchen.packetsCaptured());
            assertEquals(2, stats(kitchen, "ThrowingChef").errors());
        }
    }

    @Test
    void corruptedCaptureOfOver100kPacketsIsReplayedWhole() throws Exception {
        Path corrupted = corruptedCapture();
        long expected = capinfosCount(corrupted);
        assertTrue(expected >= 100_000, "capture has " + expected + " packets");

        DissectingChef dissecting = new DissectingChef();
        ThrowingChef throwing = new ThrowingChef();
        try (Kitchen kitchen = replay(corrupted, dissecting, throwing)) {
            kitchen.start();
            assertTrue(kitchen.awaitCaptureEnd(Duration.ofSeconds(100)), "replay did not end");
            assertFalse(kitchen.failure().isPresent(), () -> kitchen.failure().get());
            assertEquals(expected, kitchen.packetsCaptured(), "every packet counted");
            for (String chef : List.of("DissectingChef", "ThrowingChef")) {
                ChefStatistics s = stats(kitchen, chef);
                // A chef may miss packets only if its queue overflows, and then they are counted.
                assertEquals(expected, s.packets() + s.droppedPackets(), s.toString());
            }
            ChefStatistics ok = stats(kitchen, "DissectingChef");
            assertEquals(0, ok.errors(), "pcap4j dissection of corrupted bytes never throws");
            ChefStatistics failing = stats(kitchen, "ThrowingChef");
            assertEquals(failing.packets(), failing.errors(), "every chef exception is counted");
        }
    }

    /**
     * many-protocols.pcap (4,709 packets) 22 times = 103,598 packets, then 2% of the bytes
     * changed by {@code editcap -E 0.02 --seed 6}: the same corruption on every run.
     */
    private static Path corruptedCapture() throws Exception {
        Path dir = Path.of("target", "bad-packets");
        Files.createDirectories(dir);
        Path corrupted = dir.resolve("corrupted-103598.pcap");
        if (Files.isRegularFile(corrupted)) {
            return corrupted;
        }
        Path base = SampleCaptures.path("many-protocols.pcap");
        List<String> merge = new ArrayList<>(List.of("mergecap", "-a", "-F", "pcap", "-w", dir.resolve("big.pcap").toString()));
        for (int i = 0; i < 22; i++) {
            merge.add(base.toString());
        }
        run(merge);
        Path tmp = dir.resolve("corrupted.tmp");
        run(List.of("editcap", "-E", "0.02", "--seed", "6", "-F", "pcap", dir.resolve("big.pcap").toString(),
                tmp.toString()));
        Files.delete(dir.resolve("big.pcap"));
        Files.move(tmp, corrupted);
        return corrupted;
    }

    private static long capinfosCount(Path file) throws Exception {
        String out = run(List.of("capinfos", "-c", "-M", "-T", "-r", file.toString()));
        // One line: "<file>\t<count>".
        String[] fields = out.trim().split("\t");
        return Long.parseLong(fields[fields.length - 1].trim());
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }
}
