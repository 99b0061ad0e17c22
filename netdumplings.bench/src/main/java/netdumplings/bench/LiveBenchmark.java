package netdumplings.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import chefs.examples.ARPChef;
import chefs.examples.DNSLookupChef;
import chefs.examples.PacketCountChef;
import netdumplings.kitchen.internal.dispatch.ChefStatistics;
import netdumplings.kitchen.internal.Kitchen;

/**
 * Section 6: live capture. A veth pair, one end in a network namespace of its own;
 * {@code tcpreplay} in the namespace sends a capture at rising rates, and on the other end
 * the kitchen (three example chefs, dumplings encoded) and then tcpdump ({@code -w
 * /dev/null}, the same 32 MiB kernel buffer) capture it in turn; for each, the kernel's
 * drops ({@code pcap_stats}) at each rate. Needs root (for {@code ip netns}), iproute2 and
 * tcpreplay; says so in one line otherwise.
 */
final class LiveBenchmark {

    /** Packets per second asked of tcpreplay; 0 is {@code --topspeed}. */
    private static final int[] RATES = {10_000, 25_000, 50_000, 100_000, 0};
    private static final int[] QUICK_RATES = {10_000, 0};
    private static final Pattern RATED = Pattern.compile("Rated: .* ([0-9.]+) pps");
    private static final Pattern ACTUAL = Pattern.compile("Actual: (\\d+) packets");
    private static final Pattern TCPDUMP_DROPS = Pattern.compile("(\\d+) packets? dropped by kernel");

    private LiveBenchmark() {
    }

    /** One replay: what tcpreplay sent and at what rate, what the capture saw and lost. */
    record Step(int asked, long sent, double rate, long captured, long kernelDrops, long chefDrops) {
    }

    static void run(Report report, Path file, Path work, boolean quick) throws Exception {
        for (String tool : List.of("ip", "tcpreplay", "tcpdump")) {
            if (!onPath(tool)) {
                report.note("skipped: no " + tool + " on the PATH (bin/setup installs iproute2, tcpreplay and tcpdump)");
                return;
            }
        }
        long pid = ProcessHandle.current().pid();
        String ns = "nd-bench-" + pid;
        String host = "ndb" + pid % 100_000 + "h";
        String peer = "ndb" + pid % 100_000 + "p";
        try {
            sh(work, "ip", "netns", "add", ns);
        } catch (IOException e) {
            report.note("skipped: cannot create a network namespace (needs root): " + e.getMessage());
            return;
        }
        try {
            sh(work, "ip", "link", "add", host, "mtu", "9000", "type", "veth", "peer", "name", peer, "mtu", "9000");
            sh(work, "ip", "link", "set", peer, "netns", ns);
            sh(work, "ip", "link", "set", host, "up");
            sh(work, "ip", "netns", "exec", ns, "ip", "link", "set", peer, "up");
            report.note(String.format(Locale.ROOT, "tcpreplay -i %s (namespace %s) -> veth -> %s; %s, looped",
                    peer, ns, host, file.getFileName()));
            // An unreported round first: the kitchen's JIT warm-up (in a run of this section alone).
            kitchenStep(work, ns, peer, host, file, 25_000, quick ? 5_000 : 50_000);
            List<Step> kitchen = new ArrayList<>();
            List<Step> tcpdump = new ArrayList<>();
            for (int rate : quick ? QUICK_RATES : RATES) {
                long packets = quick ? 20_000 : rate == 0 ? 500_000 : Math.max(100_000, rate * 3L);
                Step k = kitchenStep(work, ns, peer, host, file, rate, packets);
                kitchen.add(k);
                Step t = tcpdumpStep(work, ns, peer, host, file, rate, packets);
                tcpdump.add(t);
                report.note(String.format(Locale.ROOT,
                        "%-12s kitchen: %,9.0f pps sent, %,9d captured, kernel drops %,7d, chef drops %,7d | "
                                + "tcpdump: %,9.0f pps sent, %,9d captured, kernel drops %,7d",
                        rate == 0 ? "top speed" : String.format(Locale.ROOT, "%,d pps", rate), k.rate(), k.captured(),
                        k.kernelDrops(), k.chefDrops(), t.rate(), t.captured(), t.kernelDrops()));
            }
            report.figure("live: kitchen, 3 chefs, highest rate with 0 kernel drops", highest(kitchen, true),
                    "packets/s", note(kitchen));
            report.figure("live: tcpdump -w /dev/null, highest rate with 0 kernel drops", highest(tcpdump, false),
                    "packets/s", note(tcpdump));
        } finally {
            try {
                sh(work, "ip", "link", "del", host);
            } catch (IOException e) {
                // Gone with the namespace's end of the pair.
            }
            sh(work, "ip", "netns", "del", ns);
        }
    }

    /** @return the highest rate tcpreplay reached with no kernel drop (and no chef drop, for the kitchen) */
    private static double highest(List<Step> steps, boolean chefs) {
        double best = Double.NaN;
        for (Step s : steps) {
            if (s.kernelDrops() == 0 && (!chefs || s.chefDrops() == 0) && (Double.isNaN(best) || s.rate() > best)) {
                best = s.rate();
            }
        }
        return best;
    }

    private static String note(List<Step> steps) {
        Step top = steps.get(steps.size() - 1);
        boolean clean = steps.stream().allMatch(s -> s.kernelDrops() == 0 && s.chefDrops() == 0);
        return clean ? String.format(Locale.ROOT, "no drop up to tcpreplay's top speed here (%,.0f pps)", top.rate())
                : "";
    }

    private static Step kitchenStep(Path work, String ns, String peer, String host, Path file, int rate, long packets)
            throws Exception {
        LongAdder bytes = new LongAdder();
        Kitchen kitchen = Kitchen.builder().name("live_bench").liveInterface(host).filter("").promiscuous(true)
                .pokeInterval(Duration.ofSeconds(1)).sink(json -> bytes.add(json.length)).chef(new PacketCountChef())
                .chef(new DNSLookupChef()).chef(new ARPChef()).build();
        try {
            kitchen.start();
            Thread.sleep(300); // the capture thread reading
            long[] replay = replay(work, ns, peer, file, rate, packets);
            settle(kitchen::packetsCaptured);
            long chefDrops = kitchen.statistics().stream().mapToLong(ChefStatistics::droppedPackets).sum();
            return new Step(rate, replay[0], Double.longBitsToDouble(replay[1]), kitchen.packetsCaptured(),
                    kitchen.kernelDrops(), chefDrops);
        } finally {
            kitchen.close();
        }
    }

    private static Step tcpdumpStep(Path work, String ns, String peer, String host, Path file, int rate, long packets)
            throws Exception {
        // Its summary goes to stderr, read from a file once it has ended (a pipe read after
        // the process ended fails with "Stream closed").
        Path err = work.resolve("live-tcpdump.err");
        Process p = new ProcessBuilder("tcpdump", "-i", host, "-n", "-B", "32768", "-w", "/dev/null")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        long[] replay;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(err).contains("listening on")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("tcpdump did not start: " + Files.readString(err).trim());
                }
                Thread.sleep(50);
            }
            replay = replay(work, ns, peer, file, rate, packets);
            Thread.sleep(1000);
        } finally {
            p.destroy(); // SIGTERM: tcpdump prints its statistics and ends
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        String text = Files.readString(err);
        Matcher drops = TCPDUMP_DROPS.matcher(text);
        Matcher captured = Pattern.compile("(\\d+) packets? captured").matcher(text);
        if (!drops.find() || !captured.find()) {
            throw new IOException("no statistics from tcpdump: " + text.trim());
        }
        return new Step(rate, replay[0], Double.longBitsToDouble(replay[1]), Long.parseLong(captured.group(1)),
                Long.parseLong(drops.group(1)), 0);
    }

    /** @return packets sent, and the rate reached (as the bits of a double) */
    private static long[] replay(Path work, String ns, String peer, Path file, int rate, long packets)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, "tcpreplay", "-i", peer));
        if (rate == 0) {
            command.add("--topspeed");
        } else {
            command.add("--pps=" + rate);
        }
        command.addAll(List.of("--limit=" + packets, "--loop=0", file.toString()));
        Path out = work.resolve("live-tcpreplay.out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("tcpreplay did not end");
        }
        String text = Files.readString(out);
        Matcher rated = RATED.matcher(text);
        Matcher actual = ACTUAL.matcher(text);
        if (p.exitValue() != 0 || !rated.find() || !actual.find()) {
            throw new IOException("tcpreplay failed: " + text.lines().filter(l -> !l.contains("flow"))
                    .reduce("", (a, b) -> a + " " + b).trim());
        }
        return new long[] {Long.parseLong(actual.group(1)),
            Double.doubleToLongBits(Double.parseDouble(rated.group(1)))};
    }

    /** Waits until a counter stops moving (checked every 200 ms, at most 20 s). */
    private static void settle(java.util.function.LongSupplier counter) throws InterruptedException {
        long last = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            long now = counter.getAsLong();
            if (now == last) {
                return;
            }
            last = now;
            Thread.sleep(200);
        }
    }

    private static void sh(Path work, String... command) throws IOException, InterruptedException {
        Path out = work.resolve("live-command.out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": " + Files.readString(out).trim());
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
