package netdumplings.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netdumplings.testing.PcapFiles;
import netdumplings.testing.SampleCaptures;

/**
 * Exercises the benchmark command's code with --quick sizes (no speed is asserted: only
 * that every section prints its figures and they are positive numbers).
 */
class BenchSmokeTest {

    private static final Pattern FIGURE = Pattern.compile("^  (\\S.*?)\\s{2,}([0-9][0-9,]*(?:\\.[0-9]+)?) (\\S+)");

    private static String output;
    private static int failures;

    @BeforeAll
    static void runQuick() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        failures = Bench.run(Bench.Options.parse("--quick"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);
    }

    @Test
    void everySectionRunsWithoutFailure() {
        assertEquals(0, failures, output);
        for (String heading : List.of("== 1. Kitchen throughput", "== 2. Hub fan-out", "== 3. End to end",
                "== 4. Start-up", "== 5. Federation", "== 6. Live capture")) {
            assertTrue(output.contains(heading), "missing " + heading + " in\n" + output);
        }
    }

    @Test
    void kitchenSectionPrintsPositiveRates() {
        for (String label : List.of("pcap4j bare loop", "kitchen's reader", "kitchen, no chef",
                "kitchen, 3 example chefs", "kitchen / bare pcap4j", "kitchen / libpcap")) {
            assertTrue(figure(label) > 0, label);
        }
    }

    @Test
    void hubSectionPrintsPositiveDeliveriesAndLatency() {
        assertTrue(figure("reference: bare NIO fan-out") > 0);
        assertTrue(figure("deliveries/s, 10 eaters") > 0);
        assertTrue(figure("deliveries/s, 100 eaters") > 0);
        assertTrue(figure("latency p99 at 10,000 dumplings/s") > 0);
    }

    @Test
    void hubSectionsPacedWindowSaysWhatEachJvmPaused() {
        String hub = output.substring(output.indexOf("== 2. Hub fan-out"), output.indexOf("== 3. End to end"));
        assertTrue(hub.matches("(?s).*\\n    JVM collection pauses: load clients (none|\\d+ \\(\\d+ ms in all, longest \\d+ "
                + "ms\\)), hub (none|\\d+ \\(\\d+ ms in all, longest \\d+ ms\\))\\n.*"), hub);
    }

    @Test
    void endToEndPrintsPositiveRateAndLatency() {
        assertTrue(figure("dumplings/s, file -> kitchen") > 0);
        assertTrue(figure("latency p99, creation_time") > 0);
    }

    @Test
    void federationSectionPrintsRatesAndEachJvmsPauses() {
        assertTrue(figure("deliveries/s, A -> NATS -> B, 10 eaters, flat out") > 0, output);
        assertTrue(figure("latency p99 at 10,000 dumplings/s, A -> NATS -> B") > 0, output);
        // Each paced window says what every JVM in it paused for: the one hub, then A and B.
        assertTrue(output.matches("(?s).*\\n    JVM collection pauses: load clients [^\\n]*, hub (none|\\d+ \\(\\d+ ms in all, "
                + "longest \\d+ ms\\))\\n.*"), output);
        assertTrue(output.matches("(?s).*\\n    JVM collection pauses: load clients [^\\n]*, hub A [^\\n]*, hub B [^\\n]*\\n.*"),
                output);
    }

    @Test
    void federationPacedWindowsPrintTheirTailAndLength() {
        // Beside each paced p99: p50, p99.9 and the maximum, and the window's length (--quick: 0.5 s).
        assertTrue(output.matches("(?s).*\\n    p50 [\\d.]+ ms, p99\\.9 [\\d.]+ ms, max [\\d.]+ ms; [\\d,]+ of [\\d,]+ "
                + "deliveries over 0\\.5 s\\n.*"), output);
    }

    @Test
    void liveSectionPrintsRatesOrSaysWhyNot() {
        // Root (ip netns), tcpreplay and tcpdump are there on the CI machines; elsewhere the
        // section says in one line why it is skipped.
        if (!output.contains("skipped: ")) {
            assertTrue(figure("live: kitchen, 3 chefs") > 0, output);
            assertTrue(figure("live: tcpdump -w /dev/null") > 0, output);
        }
    }

    @Test
    void targetsAreJudged() {
        assertTrue(output.matches("(?s).*target >= 500,000\\s+(PASS|MISS).*"), output);
    }

    @Test
    void badOptionsAreRefusedWithOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bench.Options.parse("--section", "nope"));
        assertEquals("--section must be one of kitchen|hub|e2e|startup|nats|live, not 'nope'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bench.Options.parse("--fast"));
        assertThrows(IllegalArgumentException.class, () -> Bench.Options.parse("--section"));
    }

    @Test
    void repeatedCaptureHasOneHeaderAndTheRecordsNTimes(@TempDir Path dir) throws Exception {
        Path sample = SampleCaptures.path("dns.pcap");
        Path big = PcapFiles.repeated(sample, 3, dir);
        long body = Files.size(sample) - PcapFiles.HEADER_BYTES;
        assertEquals(PcapFiles.HEADER_BYTES + 3 * body, Files.size(big));
        assertEquals(3 * 464, netdumplings.bench.KitchenBenchmark.bareLoop(big));
    }

    /** @return the first figure whose label starts with {@code label} */
    private static double figure(String label) {
        for (String line : output.split("\n")) {
            Matcher m = FIGURE.matcher(line);
            if (m.find() && m.group(1).startsWith(label)) {
                return Double.parseDouble(m.group(2).replace(",", ""));
            }
        }
        throw new AssertionError("no figure '" + label + "' in\n" + output);
    }
}
