package netdumplings.eater.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.json.DumplingJson;
import netdumplings.eater.TestHub;
import netdumplings.hub.internal.HubSecurity;
import netdumplings.hub.internal.HubSettings;
import picocli.CommandLine;

/** nd-print, nd-hubdetails and nd-hubstatus, run in-process against the real hub. */
class CommandLineEatersTest {

    private static final ZoneId ZONE = ZoneId.of("Australia/Adelaide");

    /** A tool running on a thread of its own, with its output captured. */
    private static final class Run {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final EaterCommand tool;
        final CompletableFuture<Integer> exit;

        Run(Function<PrintStream[], EaterCommand> make, String... args) {
            tool = make.apply(new PrintStream[] {
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)});
            exit = CompletableFuture.supplyAsync(() -> tool.execute(args));
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        int stop() throws Exception {
            tool.close();
            return exit.get(10, TimeUnit.SECONDS);
        }
    }

    private static Run print(String... args) {
        return new Run(s -> new NdPrint(s[0], s[1], ZONE, false), args);
    }

    private static void publish(TestHub hub, String chef, DumplingDriver driver, Object payload) throws Exception {
        hub.publish(DumplingJson.toJson(new Dumpling(chef, "lo_kitchen", 1795313383.8166428, driver, payload)));
    }

    private static void publishTwo(TestHub hub) throws Exception {
        publish(hub, "DNSLookupChef", DumplingDriver.PACKET,
                Map.of("lookup", Map.of("hostname", "example.com", "when", 1795313383.5)));
        publish(hub, "PacketCountChef", DumplingDriver.INTERVAL, Map.of("packet_counts", Map.of("UDP", 2, "IP", 3)));
        // A marker to know the two before it have been printed.
        publish(hub, "Marker", DumplingDriver.PACKET, "end");
    }

    private static void awaitOutput(Run run, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!run.out().contains(text)) {
            assertTrue(System.nanoTime() < deadline, "no \"" + text + "\" in: " + run.out() + run.err());
            Thread.sleep(10);
        }
    }

    @Test
    void ndPrintPrintsExactlyAsTheOriginal() throws Exception {
        try (TestHub hub = TestHub.start().kitchen("lo_kitchen")) {
            Run run = print("--no-color", "-h", hub.eaterAddress());
            hub.awaitEaters(1);
            publishTwo(hub);
            awaitOutput(run, "\"end\"");
            assertEquals(0, run.stop());
            assertEquals("Connected to nd-hub at ws://" + hub.eaterAddress() + "\n"
                    + "Waiting for dumplings...\n\n"
                    + "2026-11-22T12:39:43.816643 [packet  ] DNSLookupChef from lo_kitchen\n\n"
                    + "{\n    \"lookup\": {\n        \"hostname\": \"example.com\",\n        \"when\": 1795313383.5\n    }\n}\n\n"
                    + "2026-11-22T12:39:43.816643 [interval] PacketCountChef from lo_kitchen\n\n"
                    + "{\n    \"packet_counts\": {\n        \"IP\": 3,\n        \"UDP\": 2\n    }\n}\n\n"
                    + "2026-11-22T12:39:43.816643 [packet  ] Marker from lo_kitchen\n\n"
                    + "\"end\"\n\n", run.out());
            assertEquals("", run.err());
        }
    }

    @Test
    void ndPrintLastPrintsTheLastOnesTheHubKeptThenLiveOnes() throws Exception {
        try (TestHub hub = TestHub.startWithHistory(100).kitchen("lo_kitchen")) {
            for (int i = 1; i <= 5; i++) {
                publish(hub, "Marker", DumplingDriver.PACKET, "p" + i);
            }
            hub.awaitDumplingsIn(5);
            Run run = print("--no-color", "--last", "2", "-h", hub.eaterAddress());
            awaitOutput(run, "\"p5\"");
            publish(hub, "Marker", DumplingDriver.PACKET, "p6");
            awaitOutput(run, "\"p6\"");
            assertEquals(0, run.stop());
            String out = run.out();
            assertTrue(!out.contains("\"p3\"") && out.indexOf("\"p4\"") < out.indexOf("\"p5\"")
                    && out.indexOf("\"p5\"") < out.indexOf("\"p6\""), out);
            assertEquals("", run.err());
        }
    }

    @Test
    void ndPrintRefusesABadSinceInOneLine() throws Exception {
        Run run = print("--since", "yesterday");
        assertEquals(2, run.exit.get(10, TimeUnit.SECONDS));
        assertEquals("nd-print: --since must be a time such as 2026-12-01T10:15:00Z or seconds since 1970, not 'yesterday'"
                + " (see nd-print --help)\n", run.err());
    }

    @Test
    void ndPrintWithoutPayloadPrintsHeadersOnly() throws Exception {
        try (TestHub hub = TestHub.start().kitchen("lo_kitchen")) {
            Run run = print("--no-color", "--no-payload", "-h", hub.eaterAddress());
            hub.awaitEaters(1);
            publishTwo(hub);
            awaitOutput(run, "Marker");
            run.stop();
            assertEquals("Connected to nd-hub at ws://" + hub.eaterAddress() + "\nWaiting for dumplings...\n\n"
                    + "2026-11-22T12:39:43.816643 [packet  ] DNSLookupChef from lo_kitchen\n"
                    + "2026-11-22T12:39:43.816643 [interval] PacketCountChef from lo_kitchen\n"
                    + "2026-11-22T12:39:43.816643 [packet  ] Marker from lo_kitchen\n", run.out());
        }
    }

    @Test
    void ndPrintWithoutPacketDumplingsPrintsIntervalOnes() throws Exception {
        try (TestHub hub = TestHub.start().kitchen("lo_kitchen")) {
            Run run = print("--no-color", "--no-packet-dumplings", "--no-payload", "-h", hub.eaterAddress());
            hub.awaitEaters(1);
            publishTwo(hub);
            publish(hub, "IntervalMarker", DumplingDriver.INTERVAL, null);
            awaitOutput(run, "IntervalMarker");
            run.stop();
            assertEquals(List.of("2026-11-22T12:39:43.816643 [interval] PacketCountChef from lo_kitchen",
                    "2026-11-22T12:39:43.816643 [interval] IntervalMarker from lo_kitchen"),
                    run.out().lines().skip(3).toList());
        }
    }

    @Test
    void ndPrintFiltersByChefAndColoursTheHeader() throws Exception {
        try (TestHub hub = TestHub.start().kitchen("lo_kitchen")) {
            Run run = print("--color", "-c", "PacketCountChef", "-c", "Marker", "--no-payload", "-h", hub.eaterAddress());
            hub.awaitEaters(1);
            publishTwo(hub);
            awaitOutput(run, "Marker");
            run.stop();
            assertEquals(List.of(
                    "2026-11-22T12:39:43.816643 [interval] \u001b[1mPacketCountChef\u001b[0m from \u001b[1mlo_kitchen\u001b[0m",
                    "2026-11-22T12:39:43.816643 [packet  ] \u001b[1mMarker\u001b[0m from \u001b[1mlo_kitchen\u001b[0m"),
                    run.out().lines().skip(3).toList());
        }
    }

    @Test
    void ndPrintRefusesAnUnknownFlagInOneLine() throws Exception {
        Run run = print("--bogus");
        assertEquals(2, run.exit.get(10, TimeUnit.SECONDS));
        assertEquals("nd-print: Unknown option: '--bogus' (see nd-print --help)\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void ndPrintRefusesABadHubAddressInOneLine() throws Exception {
        Run run = print("-h", "localhost:port");
        assertEquals(2, run.exit.get(10, TimeUnit.SECONDS));
        assertEquals("nd-print: invalid hub address \"localhost:port\": expected HOST:PORT (see nd-print --help)\n",
                run.err());
    }

    @Test
    void ndPrintSendsTheTokenOfItsTokenFile(@TempDir Path dir) throws Exception {
        HubSettings guarded = HubSettings.ephemeral().withStatusInterval(Duration.ofHours(1))
                .withSecurity(HubSecurity.NONE.withTokens(null, "eat-secret"));
        try (TestHub hub = TestHub.start(guarded).kitchen("lo_kitchen")) {
            Path token = Files.writeString(dir.resolve("eater.token"), "eat-secret\n");
            Run run = print("--no-color", "--token-file", token.toString(), "-h", hub.eaterAddress());
            hub.awaitEaters(1);
            publishTwo(hub);
            awaitOutput(run, "\"end\"");
            assertEquals(0, run.stop());
        }
    }

    @Test
    void ndPrintRefusesAnUnreadableOrEmptyTokenFileInOneLine(@TempDir Path dir) throws Exception {
        Run missing = print("--token-file", dir.resolve("none").toString());
        assertEquals(2, missing.exit.get(10, TimeUnit.SECONDS));
        assertEquals("nd-print: --token-file: cannot read '" + dir.resolve("none") + "': no such file (see nd-print --help)\n",
                missing.err());
        Path empty = Files.createFile(dir.resolve("empty"));
        Run blank = new Run(s -> new NdHubDetails(s[0], s[1], ZONE, false), "--token-file", empty.toString());
        assertEquals(2, blank.exit.get(10, TimeUnit.SECONDS));
        assertEquals("nd-hubdetails: --token-file: '" + empty + "' is empty; its first line must hold the secret "
                + "(see nd-hubdetails --help)\n", blank.err());
    }

    @Test
    void ndPrintHelpNamesEveryOption() throws Exception {
        Run run = print("--help");
        assertEquals(0, run.exit.get(10, TimeUnit.SECONDS));
        for (String option : List.of("-h, --hub=HOST:PORT", "-c, --chef", "-k, --kitchen", "-n, --eater-name",
                "--[no-]interval-dumplings", "--[no-]packet-dumplings", "--[no-]payload", "--[no-]color")) {
            assertTrue(run.out().contains(option), option + " in " + run.out());
        }
        assertTrue(run.out().startsWith("Usage: nd-print "), run.out());
    }

    @Test
    void ndPrintExitsInOneLineWhenTheHubIsUnreachable() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run run = print("-h", "localhost:" + port);
        assertEquals(1, run.exit.get(20, TimeUnit.SECONDS));
        assertEquals("nd-print: cannot connect to ws://localhost:" + port + ": Connection refused\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void ndPrintExitsWhenTheHubSaysGoodbye() throws Exception {
        TestHub hub = TestHub.start(HubSettings.ephemeral());
        Run run = print("--no-color", "-h", hub.eaterAddress());
        awaitOutput(run, "Waiting for dumplings...");
        hub.close(); // a graceful stop: 1001 to every eater
        assertEquals(0, run.exit.get(20, TimeUnit.SECONDS));
        assertTrue(run.out().endsWith("\nLost connection to nd-hub: hub closed the connection: 1001 hub shutting down\n"),
                run.out());
    }

    @Test
    void ndPrintKeepsRetryingWithOneNoticeWhileTheHubIsAwayWithReconnect() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run run = print("--reconnect", "-h", "localhost:" + port);
        Thread.sleep(1800); // several attempts: 0.5 s, then 1 s
        assertEquals(0, run.stop());
        assertEquals("nd-print: cannot connect to ws://localhost:" + port + ": Connection refused (retrying)\n",
                run.err());
    }

    @Test
    void ndHubDetailsPrintsOneStatusDumplingAndExits() throws Exception {
        try (TestHub hub = TestHub.start(HubSettings.ephemeral().withStatusInterval(Duration.ofMillis(200)))) {
            Run run = new Run(s -> new NdHubDetails(s[0], s[1], ZONE, false), "--no-color", "-h", hub.eaterAddress(),
                    "-n", "details");
            assertEquals(0, run.exit.get(20, TimeUnit.SECONDS));
            String out = run.out();
            assertTrue(out.startsWith("Connected to nd-hub at ws://" + hub.eaterAddress()
                    + "\nWaiting for a SystemStatus dumpling...\n\n{\n"), out);
            assertTrue(out.endsWith("\n}\n\n"), out);
            List<String> topKeys = out.lines().filter(l -> l.matches("    \"\\w+\": .*"))
                    .map(l -> l.substring(5, l.indexOf('"', 5))).toList();
            // Sorted as the original prints them: its keys and the hub's additive ones (PROTOCOL.md).
            assertEquals(List.of("dumpling_eater_count", "dumpling_eaters", "dumpling_eaters_more",
                    "dumpling_kitchen_count", "dumpling_kitchens", "dumpling_kitchens_more", "server_uptime",
                    "total_dumplings_dropped", "total_dumplings_in", "total_dumplings_out", "total_eaters_dropped"),
                    topKeys);
            assertTrue(out.contains("\n    \"dumpling_eater_count\": 1,\n"), out);
            assertTrue(out.contains("\"eater_name\": \"details\""), out);
            assertEquals("", run.err());
        }
    }

    @Test
    void theStatusToolsNameTheirEaterUnlessToldOtherwise() {
        NdHubDetails details = new NdHubDetails(System.out, System.err, ZONE, false);
        new CommandLine(details).parseArgs();
        assertEquals("detailseater", details.eaterName);
        NdHubStatus status = new NdHubStatus(System.out, System.err, ZONE, false);
        new CommandLine(status).parseArgs();
        assertEquals("statuseater", status.eaterName);
        NdHubStatus named = new NdHubStatus(System.out, System.err, ZONE, false);
        new CommandLine(named).parseArgs("--eater-name", "mine");
        assertEquals("mine", named.eaterName);
    }

    @Test
    void ndHubDetailsFailsInOneLineWhenTheHubIsUnreachable() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run run = new Run(s -> new NdHubDetails(s[0], s[1], ZONE, false), "-h", "localhost:" + port);
        assertEquals(1, run.exit.get(20, TimeUnit.SECONDS));
        assertEquals("nd-hubdetails: cannot connect to ws://localhost:" + port + ": Connection refused\n", run.err());
    }

    @Test
    void ndHubStatusPrintsASummaryLinePerStatusDumpling() throws Exception {
        try (TestHub hub = TestHub.start(HubSettings.ephemeral().withStatusInterval(Duration.ofMillis(100)))) {
            Run run = new Run(s -> new NdHubStatus(s[0], s[1], ZONE, false), "--no-color", "-h", hub.eaterAddress());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (run.out().lines().count() < 4) {
                assertTrue(System.nanoTime() < deadline, run.out());
                Thread.sleep(10);
            }
            assertEquals(0, run.stop());
            List<String> lines = run.out().lines().toList();
            assertEquals("nd-hub status from ws://" + hub.eaterAddress(), lines.get(0));
            assertEquals("Waiting for data...", lines.get(1));
            // The original's prefix: strftime('%Y-%m-%d %H:%M:%S') and two spaces.
            Pattern line = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  uptime: 00:00:0\\d  dumplings in: 0  out: \\d+  kitchens: 0  eaters: 1");
            for (String status : lines.subList(2, lines.size())) {
                assertTrue(line.matcher(status).matches(), status);
            }
        }
    }

    @Test
    void ndHubStatusRewritesTheLineInPlaceOnATerminal() throws Exception {
        try (TestHub hub = TestHub.start(HubSettings.ephemeral().withStatusInterval(Duration.ofMillis(100)))) {
            Run run = new Run(s -> new NdHubStatus(s[0], s[1], ZONE, true), "--no-color", "-h", hub.eaterAddress());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (run.out().chars().filter(c -> c == '\r').count() < 2) {
                assertTrue(System.nanoTime() < deadline, run.out());
                Thread.sleep(10);
            }
            run.stop();
            String out = run.out();
            assertTrue(out.startsWith("nd-hub status from ws://" + hub.eaterAddress() + "\nWaiting for data... \r"), out);
            assertTrue(Pattern.compile("\r\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  uptime: 00:00:00  dumplings in: 0  out: ")
                    .matcher(out).find(), out);
            // One newline after the header, one when the tool ends: the status lines are rewritten.
            assertEquals(2, out.chars().filter(c -> c == '\n').count(), out);
            assertTrue(out.endsWith("\n") && !out.endsWith("\n\n"), out);
        }
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColor() {
        NdPrint pipe = new NdPrint(System.out, System.err, ZONE, false);
        new CommandLine(pipe).parseArgs();
        pipe.environment = Map.of();
        assertFalse(pipe.color(), "colour into a pipe");
        NdPrint tty = new NdPrint(System.out, System.err, ZONE, true);
        new CommandLine(tty).parseArgs();
        tty.environment = Map.of();
        assertTrue(tty.color(), "colour on a terminal");
        tty.environment = Map.of("NO_COLOR", "1");
        assertFalse(tty.color(), "NO_COLOR");
        NdPrint off = new NdPrint(System.out, System.err, ZONE, true);
        new CommandLine(off).parseArgs("--no-color");
        off.environment = Map.of();
        assertFalse(off.color(), "--no-color");
        NdPrint on = new NdPrint(System.out, System.err, ZONE, false);
        new CommandLine(on).parseArgs("--color");
        on.environment = Map.of("NO_COLOR", "1");
        assertTrue(on.color(), "an explicit --color wins");
    }

    @Test
    void ndPrintPrintsNoEscapeCodesIntoAPipe() throws Exception {
        try (TestHub hub = TestHub.start().kitchen("lo_kitchen")) {
            Run run = print("-h", hub.eaterAddress());
            hub.awaitEaters(1);
            publish(hub, "PacketCountChef", DumplingDriver.INTERVAL, Map.of("packet_counts", Map.of("TCP", 3)));
            awaitOutput(run, "\"TCP\": 3");
            assertEquals(0, run.stop());
            assertFalse(run.out().contains("\u001b"), run.out());
        }
    }
}
