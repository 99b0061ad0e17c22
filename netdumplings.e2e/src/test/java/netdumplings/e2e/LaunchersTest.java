package netdumplings.e2e;

import static netdumplings.e2e.Launched.freePort;
import static netdumplings.e2e.Launched.start;
import static netdumplings.e2e.Launched.startIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers in bin/ as a user meets them: a wrong flag, a bad value or a missing
 * file gives one line on stderr naming the problem and a non-zero exit, before any
 * runtime starts; and the real runtimes, as processes stopped with real signals.
 */
class LaunchersTest {

    private static final Path BIN = Launched.BIN;

    record Result(int exit, String stdout, List<String> stderr) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command));
        line.set(0, BIN.resolve(command[0]).toString());
        Process process = new ProcessBuilder(line).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "launcher did not finish: " + line);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.exitValue(), out, err.lines().toList());
    }

    private static void assertOneLineError(Result result, String expected) {
        assertEquals(2, result.exit(), "exit code; stderr: " + result.stderr());
        assertEquals(1, result.stderr().size(), "one line on stderr: " + result.stderr());
        assertEquals(expected, result.stderr().get(0));
    }

    @Test
    void unknownFlagIsOneLine() throws Exception {
        assertOneLineError(run("nd-hub", "--bogus"), "nd-hub: Unknown option: '--bogus' (see nd-hub --help)");
        assertOneLineError(run("nd-sniff", "-x"), "nd-sniff: Unknown option: '-x' (see nd-sniff --help)");
        assertOneLineError(run("netdumplings", "--nope"),
                "netdumplings: Unknown option: '--nope' (see netdumplings --help)");
    }

    @Test
    void badValuesAreOneLine() throws Exception {
        assertOneLineError(run("nd-hub", "-i", "99999"),
                "nd-hub: --in-port must be a port from 1 to 65535, not 99999 (see nd-hub --help)");
        assertOneLineError(run("nd-hub", "-f", "-1"),
                "nd-hub: --status-freq must be 0 or a positive number of seconds, not -1.0 (see nd-hub --help)");
        assertOneLineError(run("nd-sniff", "--hub", "nowhere"),
                "nd-sniff: --hub must be HOST:PORT (or ws:// or wss://HOST:PORT), not 'nowhere' (see nd-sniff --help)");
        assertOneLineError(run("nd-sniff", "--loop", "-1"),
                "nd-sniff: --loop must be a whole number >= 0, not -1 (see nd-sniff --help)");
        assertOneLineError(run("nd-sniff", "-p"),
                "nd-sniff: Missing required parameter for option '--poke-interval' (SECONDS) (see nd-sniff --help)");
    }

    @Test
    void missingCaptureFileIsOneLine() throws Exception {
        assertOneLineError(run("nd-sniff", "--pcap", "/no/such/file.pcap"),
                "nd-sniff: cannot read capture file '/no/such/file.pcap': no such readable file");
    }

    @Test
    void secretsComeFromReadableNonEmptyFiles(@TempDir Path dir) throws Exception {
        assertOneLineError(run("nd-hub", "--kitchen-token-file", "/no/such/token"),
                "nd-hub: --kitchen-token-file: cannot read '/no/such/token': no such readable file");
        Path empty = Files.createFile(dir.resolve("empty"));
        assertOneLineError(run("nd-hub", "--eater-token-file", empty.toString()),
                "nd-hub: --eater-token-file: '" + empty + "' is empty; its first line must hold the secret");
        assertOneLineError(run("nd-sniff", "--hub-token-file", empty.toString()),
                "nd-sniff: --hub-token-file: '" + empty + "' is empty; its first line must hold the secret");
        assertOneLineError(run("nd-hub", "--nats-token-file", empty.toString()),
                "nd-hub: --nats-token-file: '" + empty + "' is empty; its first line must hold the secret");
        assertOneLineError(run("nd-hub", "--tls-keystore", "/no/such.p12"),
                "nd-hub: cannot read TLS keystore '/no/such.p12': no such readable file");
        // NATS credentials are passed on by name: the file must exist and be its owner's only.
        assertOneLineError(run("nd-hub", "--nats-creds-file", "/no/such.creds"),
                "nd-hub: cannot read NATS credentials file '/no/such.creds': no such readable file");
        Path open = Files.writeString(dir.resolve("open.nk"), "not read\n");
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertOneLineError(run("nd-hub", "--nats-nkey-file", open.toString()),
                "nd-hub: --nats-nkey-file: '" + open + "' holds a secret but others may read or write it (rw-r--r--):"
                        + " chmod 600 it");
    }

    @Test
    void hubConfigFileIsCheckedLineByLine(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("hub.cfg"), "# limits\neater_queue_limit=20000\n\nbogus=1\n");
        assertOneLineError(run("nd-hub", "--config", config.toString()),
                "nd-hub: --config: " + config + " line 4: no hub setting named 'bogus'");
        Files.writeString(config, "eater_queue_limit 20000\n");
        assertOneLineError(run("nd-hub", "--config", config.toString()),
                "nd-hub: --config: " + config + " line 1: not KEY=VALUE: 'eater_queue_limit 20000'");
        Files.writeString(config, "in_port=11348\n");
        assertOneLineError(run("nd-hub", "--config", config.toString()),
                "nd-hub: the in-port and the out-port must differ (see nd-hub --help)");
    }

    @Test
    void helpListsTheOriginalsFlags() throws Exception {
        Result sniff = run("nd-sniff", "--help");
        assertEquals(0, sniff.exit());
        for (String flag : List.of("--kitchen-name", "--hub", "--interface", "--filter", "--chef-module", "--chef",
                "--chef-list", "--poke-interval", "--pcap", "--speed", "--loop")) {
            assertTrue(sniff.stdout().contains(flag), "nd-sniff --help lacks " + flag);
        }
        Result hub = run("nd-hub", "--help");
        assertEquals(0, hub.exit());
        for (String flag : List.of("--address", "--in-port", "--out-port", "--status-freq")) {
            assertTrue(hub.stdout().contains(flag), "nd-hub --help lacks " + flag);
        }
    }

    @Test
    void eaterToolsExitInOneLineWhenNoHubAnswers() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        // The original exits where this used to retry forever; run() allows 30 s (about 3 s
        // here on 2 busy cores), far from "forever" yet safe under load.
        for (String tool : List.of("nd-print", "nd-hubstatus", "nd-hubdetails")) {
            Result result = run(tool, "-h", "localhost:" + port);
            assertEquals(1, result.exit(), tool + ": " + result.stderr());
            assertEquals(List.of(tool + ": cannot connect to ws://localhost:" + port + ": Connection refused"),
                    result.stderr());
        }
    }

    @Test
    void everyToolHasVersion() throws Exception {
        for (String tool : List.of("nd-print", "nd-hubstatus", "nd-hubdetails")) {
            Result result = run(tool, "--version");
            assertEquals(0, result.exit(), tool + ": " + result.stderr());
            // The project's version, as the root pom names it (read by Maven into this property).
            assertEquals(tool + " (netdumplings for the JVM) " + System.getProperty("netdumplings.version") + "\n",
                    result.stdout());
        }
    }

    // ---- the real runtimes: processes, sockets and signals ----------------------------

    private static final Path PCAPS = Path.of(System.getProperty("netdumplings.root")).resolve("../shared/pcaps")
            .normalize();

    /** The number of packets in a capture, as capinfos counts them. */
    private static long capinfosPackets(Path pcap) throws Exception {
        Process p = new ProcessBuilder("capinfos", "-c", "-M", "-T", "-r", pcap.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor());
        return Long.parseLong(out.split("\\s+")[1]);
    }

    @Test
    void hubStoppedWithSigtermSays1001AndRestartsOnTheSamePorts(@TempDir Path dir) throws Exception {
        int in = freePort();
        int out = freePort();
        // click's syntaxes: --in-port=N and -oN.
        Launched hub = start(dir, "hub1", "nd-hub", "--in-port=" + in, "-o" + out);
        hub.awaitOutput("hub listening on localhost:" + in + " for kitchens and localhost:" + out);
        // nd-hub's metrics port is hub.bndrun's 11350 (not the all-in-one's 11349): the log
        // names it, listening, or in use by another runtime.
        hub.awaitOutput("localhost:11350");
        java.util.concurrent.CompletableFuture<Integer> closeCode = new java.util.concurrent.CompletableFuture<>();
        java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://localhost:" + out), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code,
                            String reason) {
                        closeCode.complete(code);
                        return null;
                    }

                    @Override
                    public void onError(java.net.http.WebSocket ws, Throwable error) {
                        closeCode.completeExceptionally(error);
                    }
                }).get(30, TimeUnit.SECONDS)
                .sendText("{\"eater_name\": \"e2e\"}", true).get(30, TimeUnit.SECONDS);
        hub.process().destroy(); // SIGTERM
        assertEquals(1001, closeCode.get(60, TimeUnit.SECONDS));
        assertEquals(0, hub.awaitExit(), hub.stderr());
        assertTrue(hub.stderr().contains("hub stopped after"), hub.stderr()); // the log: stderr
        long stopped = System.nanoTime();
        Launched again = start(dir, "hub2", "nd-hub", "-i" + in, "--out-port", Integer.toString(out));
        try {
            again.awaitOutput("hub listening on localhost:" + in + " for kitchens and localhost:" + out);
            System.out.printf("nd-hub restarted on the same ports: listening %.1f s after the old one ended%n",
                    (System.nanoTime() - stopped) / 1e9);
        } finally {
            again.process().destroy();
            again.awaitExit();
        }
    }

    @Test
    void sniffReadsThePcapngLibpcapRefuses(@TempDir Path dir) throws Exception {
        // The command, from the checkout: libpcap 1.10 (tcpdump -r) refuses this file,
        // its two interfaces differing in snapshot length; capinfos counts 2 packets.
        Path root = Path.of(System.getProperty("netdumplings.root"));
        String pcap = "../shared/pcaps/malformed/ipv4-malformed.pcapng";
        assertEquals(2, capinfosPackets(root.resolve(pcap)));
        int in = freePort();
        Launched hub = start(dir, "hub", "nd-hub", "-i", Integer.toString(in), "-o", Integer.toString(freePort()));
        try {
            hub.awaitOutput("hub listening");
            // With no filter, both packets reach the chefs.
            Launched all = startIn(root, dir, "all", "nd-sniff", "-h", "localhost:" + in, "--pcap", pcap,
                    "--filter", "", "--loop", "1", "--speed", "0");
            assertEquals(0, all.awaitExit(), all.stdout() + all.stderr());
            assertTrue(all.stdout().contains(": 2 packets read"), all.stdout());
            assertTrue(all.stdout().contains("  PacketCountChef: 2 packets"), all.stdout());
            // The command as it stands: the default filter "tcp or udp or arp" keeps
            // 1, as libpcap's BPF decides: frame 2's IPv4 protocol byte is 7, neither TCP nor UDP
            // (xxd of the file; tshark calls the frame "Bogus IPv4 version").
            Launched sniff = startIn(root, dir, "sniff", "nd-sniff", "-h", "localhost:" + in, "--pcap", pcap,
                    "--loop", "1", "--speed", "0");
            assertEquals(0, sniff.awaitExit(), sniff.stdout() + sniff.stderr());
            assertTrue(sniff.stdout().contains("replayed " + root.resolve(pcap).normalize() + ": 1 packets read"),
                    sniff.stdout());
            assertTrue(!sniff.stderr().contains("error reading"), sniff.stderr());
        } finally {
            hub.process().destroy();
            hub.awaitExit();
        }
    }

    @Test
    void twoSniffsFromOneCheckoutReplayAtOnceAndEndWithASummary(@TempDir Path dir) throws Exception {
        int in = freePort();
        int out = freePort();
        Launched hub = start(dir, "hub", "nd-hub", "-i", Integer.toString(in), "-o", Integer.toString(out));
        try {
            hub.awaitOutput("hub listening");
            Path dns = PCAPS.resolve("dns.pcap");
            Launched one = start(dir, "one", "nd-sniff", "--hub=localhost:" + in, "--kitchen-name=one", "--pcap",
                    dns.toString(), "--loop", "1", "--speed", "0", "-m", "netdumplings.dumplingchefs");
            Launched two = start(dir, "two", "nd-sniff", "-hlocalhost:" + in, "-ntwo", "--pcap", dns.toString(),
                    "--loop", "1", "--speed", "0");
            assertEquals(0, one.awaitExit(), one.stderr());
            assertEquals(0, two.awaitExit(), two.stderr());
            long packets = capinfosPackets(dns);
            for (Launched sniff : List.of(one, two)) {
                String name = sniff == one ? "one" : "two";
                assertTrue(sniff.stdout().contains(name + ": replayed " + dns + ": " + String.format("%,d", packets)
                        + " packets read"), sniff.stdout());
                // The original's module name selects the example chefs.
                assertTrue(sniff.stdout().contains("  DNSLookupChef: " + String.format("%,d", packets) + " packets"),
                        sniff.stdout());
            }
        } finally {
            hub.process().destroy();
            hub.awaitExit();
        }
    }

    @Test
    void netdumplingsPrintsDumplingsFromMovedPortsWithoutEscapeCodesIntoAPipe(@TempDir Path dir) throws Exception {
        int in = freePort();
        int out = freePort();
        Launched all = start(dir, "all", "netdumplings", "-i", Integer.toString(in), "-o", Integer.toString(out),
                "--console-port", Integer.toString(freePort()), "--pcap", PCAPS.resolve("dns.pcap").toString(),
                "--speed", "0", "--print");
        try {
            all.awaitOutput("eaters ws://localhost:" + out);
            all.awaitOutput("DNSLookupChef from default_kitchen");
            assertTrue(!all.stdout().contains("\u001b"), "escape codes in a pipe: " + all.stdout());
        } finally {
            all.process().destroy();
            all.awaitExit();
        }
    }

    /** Waits (up to 120 s) until a port of a running launcher's runtime accepts a connection. */
    private static void awaitListening(Launched running, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
                return;
            } catch (java.net.ConnectException e) {
                assertTrue(System.nanoTime() < deadline && running.process().isAlive(),
                        "nothing listens on " + port + ": " + running.stderr());
                Thread.sleep(200);
            }
        }
    }

    /** The first 100,000 bytes of many-protocols.pcap: a capture cut mid-packet (issue 11). */
    private static Path truncatedCapture(Path dir) throws IOException {
        Path cut = dir.resolve("cut.pcap");
        byte[] whole = Files.readAllBytes(PCAPS.resolve("many-protocols.pcap"));
        Files.write(cut, java.util.Arrays.copyOf(whole, 100_000));
        return cut;
    }

    /**
     * The whole packets of a capture cut short that pass nd-sniff's default filter, as
     * tcpdump reads them (it then says the file was cut short).
     */
    private static long tcpdumpPackets(Path pcap) throws Exception {
        Process p = new ProcessBuilder("tcpdump", "-r", pcap.toString(), "-nn", "tcp or udp or arp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long packets = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().count();
        p.waitFor();
        return packets;
    }

    /**
     * Issue 11: a capture that fails part-way ends its kitchen only after everything read
     * before the failure is cooked; nd-sniff, whose only kitchen it is, then says why in one
     * line and exits 1.
     */
    @Test
    void truncatedCaptureDeliversWhatCameBeforeTheCut(@TempDir Path dir) throws Exception {
        Path cut = truncatedCapture(dir);
        long packets = tcpdumpPackets(cut);
        assertTrue(packets > 100, "tcpdump read " + packets);
        int in = freePort();
        Launched hub = start(dir, "hub", "nd-hub", "-i", Integer.toString(in), "-o", Integer.toString(freePort()));
        try {
            hub.awaitOutput("hub listening");
            Launched sniff = start(dir, "sniff", "nd-sniff", "-h", "localhost:" + in, "-n", "cut", "--pcap",
                    cut.toString(), "--loop", "1", "--speed", "0");
            assertEquals(1, sniff.awaitExit(), sniff.stderr());
            assertTrue(sniff.stdout().contains("cut: stopped replaying " + cut + ": " + String.format("%,d", packets)
                    + " packets read"), sniff.stdout());
            assertTrue(sniff.stdout().contains("  PacketCountChef: " + String.format("%,d", packets) + " packets"),
                    sniff.stdout());
            // Every dumpling made before the cut reached the hub (none dropped).
            var counts = java.util.regex.Pattern.compile("packets read, ([0-9,]+) dumplings sent, 0 dropped")
                    .matcher(sniff.stdout());
            assertTrue(counts.find(), sniff.stdout());
            long made = sniff.stdout().lines().filter(l -> l.startsWith("  "))
                    .mapToLong(l -> Long.parseLong(l.replaceAll(".* packets, ([0-9,]+) dumplings.*", "$1")
                            .replace(",", ""))).sum();
            assertTrue(made > 0, sniff.stdout());
            assertEquals(made, Long.parseLong(counts.group(1).replace(",", "")), sniff.stdout());
            // The reason in one line of its own (the stop's log lines may follow it).
            assertTrue(sniff.stderr().lines().anyMatch(l -> l.startsWith("nd-sniff: error reading capture file " + cut)),
                    sniff.stderr());
        } finally {
            hub.process().destroy();
            hub.awaitExit();
        }
    }

    /** @return the file's text, or "" if it is not there (yet, or just rotated away) */
    private static String readIfThere(Path file) {
        try {
            return Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A launcher's state directory as it names it on stderr: "nd-hub: state in run/hub/N/, ...". */
    private static Path stateDirectory(Launched running) throws IOException {
        var named = java.util.regex.Pattern.compile("state in (\\S+)/,").matcher(running.stderr());
        assertTrue(named.find(), running.stderr());
        return Path.of(System.getProperty("netdumplings.root")).resolve(named.group(1));
    }

    /**
     * Issue 16: a runtime's log file, run/hub/N/netdumplings.log, keeps the records of an
     * earlier start; past the size its configuration sets (netdumplings.logging.cfg in the
     * deploy directory, while it runs) it is rotated, so many files kept; every file is its
     * owner's only (0600).
     */
    @Test
    void hubLogFileIsAppendedAcrossStartsRotatedAndOwnerOnly(@TempDir Path dir) throws Exception {
        Path deploy = Files.createDirectories(dir.resolve("deploy"));
        int in1 = freePort();
        Launched first = start(dir, "hub1", "nd-hub", "-i", Integer.toString(in1), "-o", Integer.toString(freePort()),
                "--deploy", deploy.toString());
        String listening1 = "hub listening on localhost:" + in1 + " for kitchens";
        first.awaitOutput(listening1);
        Path state = stateDirectory(first);
        first.process().destroy();
        assertEquals(0, first.awaitExit(), first.stderr());
        Path log = state.resolve("netdumplings.log");
        assertTrue(Files.readString(log).contains(listening1), Files.readString(log));
        // The hub's last words at the stop reach the file (no rotation yet to move them).
        assertTrue(Files.readString(log).contains("hub stopped after"), Files.readString(log));

        int in2 = freePort();
        int out2 = freePort();
        Launched second = start(dir, "hub2", "nd-hub", "-i", Integer.toString(in2), "-o", Integer.toString(out2),
                "--deploy", deploy.toString());
        String listening2 = "hub listening on localhost:" + in2 + " for kitchens";
        try {
            second.awaitOutput(listening2);
            assertEquals(state, stateDirectory(second), "a restart takes the same state directory");
            String both = Files.readString(log);
            assertTrue(both.indexOf(listening1) >= 0 && both.indexOf(listening1) < both.indexOf(listening2), both);

            // 300 bytes: two records a file. Then eaters join one at a time, each logged
            // ("eater probe-P-N joined from ...", P this hub's port: an earlier run's files may
            // still be there), until the oldest file kept holds their records only.
            String probe = "eater probe-" + out2 + "-";
            Files.writeString(deploy.resolve("netdumplings.logging.cfg"), "maxFileSize=300\nmaxFiles=3\n");
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            Path oldest = state.resolve("netdumplings.log.2");
            // Read while the hub rotates: a file may be missing for a moment (renamed, not yet
            // made anew), so it reads as empty then, and the message is read only on failure.
            java.util.function.Predicate<String> probesOnly = text -> !text.isEmpty()
                    && text.lines().allMatch(line -> line.contains(probe));
            for (int n = 1; !probesOnly.test(readIfThere(oldest)); n++) {
                assertTrue(n <= 200, () -> "not rotated after 200 records: " + readIfThere(log));
                String name = "probe-" + out2 + "-" + n;
                java.net.http.WebSocket eater = http.newWebSocketBuilder()
                        .buildAsync(java.net.URI.create("ws://localhost:" + out2), new java.net.http.WebSocket.Listener() {
                        }).get(30, TimeUnit.SECONDS);
                eater.sendText("{\"eater_name\": \"" + name + "\"}", true).get(30, TimeUnit.SECONDS);
                second.awaitOutput("eater " + name + " joined");
                eater.abort();
            }
        } finally {
            second.process().destroy();
            assertEquals(0, second.awaitExit(), second.stderr());
        }
        assertTrue(!Files.exists(state.resolve("netdumplings.log.3")), "3 files in all");
        String probe = "eater probe-" + out2 + "-";
        int newestBefore = Integer.MAX_VALUE;
        for (String name : List.of("netdumplings.log", "netdumplings.log.1", "netdumplings.log.2")) {
            Path file = state.resolve(name);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file)), name);
            assertTrue(Files.size(file) <= 300, name + ": " + Files.size(file) + " bytes");
            // Older files, older records: the probes' numbers fall from file to file.
            var probes = java.util.regex.Pattern.compile(probe + "(\\d+) joined").matcher(Files.readString(file))
                    .results().map(m -> Integer.parseInt(m.group(1))).toList();
            for (int number : probes) {
                assertTrue(number < newestBefore, name + " has probe " + number + " after " + newestBefore);
            }
            newestBefore = probes.isEmpty() ? newestBefore : probes.get(0);
        }
    }

    /** Issue 11: a hub that cannot listen ends nd-hub in one line, status 1. */
    @Test
    void hubOnAPortInUseEndsInOneLine(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress("localhost", 0));
            Launched hub = start(dir, "hub", "nd-hub", "-i", Integer.toString(taken.getLocalPort()), "-o",
                    Integer.toString(freePort()));
            assertEquals(1, hub.awaitExit(), hub.stderr());
            String reason = "nd-hub: cannot listen on localhost:" + taken.getLocalPort() + ": address already in use";
            assertTrue(hub.stderr().lines().anyMatch(reason::equals), hub.stderr());
        }
    }

    /**
     * Issue 11: a kitchen .cfg whose capture fails, dropped into the all-in-one runtime's
     * deploy directory, stops that kitchen only: the hub, its other kitchen and the console
     * go on; every file the runtime wrote is its owner's only.
     */
    @Test
    void aFailingKitchenLeavesTheAllInOneServing(@TempDir Path dir) throws Exception {
        Path cut = truncatedCapture(dir);
        Path deploy = Files.createDirectories(dir.resolve("deploy"));
        int in = freePort();
        int out = freePort();
        int console = freePort();
        Files.writeString(deploy.resolve("netdumplings.kitchen-cut.cfg"), "kitchen_name=cut\npcap=" + cut
                + "\nspeed=0\nloop=1\nhub=localhost:" + in + "\n");
        Launched all = start(dir, "all", "netdumplings", "-i", Integer.toString(in), "-o", Integer.toString(out),
                "--console-port", Integer.toString(console), "--pcap", PCAPS.resolve("dns.pcap").toString(),
                "--deploy", deploy.toString());
        try {
            all.awaitOutput("kitchen cut: error reading capture file " + cut);
            // Still serving after the failure: both hub ports answer, the console too (the
            // hub may first start on an earlier run's ports in a reused state directory,
            // then move to these: each is awaited).
            for (int port : new int[] {in, out, console}) {
                awaitListening(all, port);
            }
            assertTrue(all.process().isAlive(), all.stderr());
            // Its state directory, as it names it: "netdumplings: state in run/all/N/, ...".
            var named = java.util.regex.Pattern.compile("state in (\\S+)/,").matcher(all.stderr());
            assertTrue(named.find(), all.stderr());
            Path state = Path.of(System.getProperty("netdumplings.root")).resolve(named.group(1));
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(state)));
            // The console password generated at a first start: in its own file, never in the log.
            Path password = state.resolve("console-password");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(Files.exists(password) && Files.size(password) > 0)) {
                assertTrue(System.nanoTime() < deadline, "no " + password);
                Thread.sleep(100);
            }
            String log = Files.readString(state.resolve("netdumplings.log"));
            assertTrue(log.contains("kitchen cut: error reading capture file"), log);
            assertTrue(!log.contains(Files.readString(password).trim()), "the console password is in the log");
            // The same record on the Web Console's log page (its JSON, as the page loads it).
            java.net.http.HttpResponse<String> logPage = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + console
                            + "/system/console/logs.json?minLevel=4")).header("Authorization", "Basic "
                            + java.util.Base64.getEncoder().encodeToString(("admin:" + Files.readString(password).trim())
                                    .getBytes(StandardCharsets.UTF_8))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, logPage.statusCode(), logPage.body());
            assertTrue(logPage.body().contains("kitchen cut: error reading capture file")
                    && logPage.body().contains("\"bundleName\":\"netdumplings kitchen\""), logPage.body());
            try (var files = Files.walk(state)) {
                for (Path f : files.toList()) {
                    java.util.Set<java.nio.file.attribute.PosixFilePermission> mode;
                    try {
                        mode = Files.getPosixFilePermissions(f);
                    } catch (java.nio.file.NoSuchFileException gone) {
                        continue; // a temporary file of the running framework
                    }
                    assertTrue(mode.stream().noneMatch(m -> m.name().startsWith("GROUP") || m.name().startsWith("OTHERS")),
                            f + " is " + java.nio.file.attribute.PosixFilePermissions.toString(mode));
                }
            }
        } finally {
            all.process().destroy();
            all.awaitExit();
        }
    }

    /** The status line of a GET / on a port with the given Host header, over a plain socket. */
    private static String statusLine(int port, String host) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }

    /**
     * Issue 11: --allowed-host adds a name the hub answers to (a name it serves under behind
     * a proxy, say), as does a --config file's allowed_hosts=a,b (two names); any other
     * name is refused (DNS rebinding).
     */
    @Test
    void allowedHostsComeFromTheCommandLineOrTheConfigFile(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("hub.cfg"), "allowed_hosts=one.example, two.example\n");
        Map<List<String>, List<String>> runs = Map.of(
                List.of("--allowed-host", "dumplings.example"), List.of("dumplings.example", "localhost"),
                List.of("--config", config.toString()), List.of("one.example", "two.example"));
        for (Map.Entry<List<String>, List<String>> run : runs.entrySet()) {
            int out = freePort();
            List<String> command = new ArrayList<>(List.of("nd-hub", "-i", Integer.toString(freePort()), "-o",
                    Integer.toString(out)));
            command.addAll(run.getKey());
            Launched hub = start(dir, "hub-" + out, command.toArray(String[]::new));
            try {
                hub.awaitOutput("hub listening");
                for (String allowed : run.getValue()) {
                    assertEquals("HTTP/1.1 200 OK", statusLine(out, allowed + ":" + out), run.getKey() + ": " + allowed);
                }
                assertEquals("HTTP/1.1 403 Forbidden", statusLine(out, "evil.example:" + out));
            } finally {
                hub.process().destroy();
                hub.awaitExit();
            }
        }
    }

    /** Issue 17: nd-hub --failover-hub names the hub the dashboard moves to, in the page and its policy. */
    @Test
    void failoverHubsComeFromTheCommandLine(@TempDir Path dir) throws Exception {
        int out = freePort();
        Launched hub = start(dir, "hub", "nd-hub", "-i", Integer.toString(freePort()), "-o", Integer.toString(out),
                "--failover-hub", "ws://hub-b.example:11348", "--failover-hub=wss://hub-c.example:8443/");
        try {
            hub.awaitOutput("hub listening");
            java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + out + "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(page.body().contains("content=\"ws://hub-b.example:11348 wss://hub-c.example:8443\""),
                    page.body());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow()
                    .contains("connect-src 'self' ws://hub-b.example:11348 wss://hub-c.example:8443;"));
        } finally {
            hub.process().destroy();
            hub.awaitExit();
        }
    }
}
