package netdumplings.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import netdumplings.testing.PcapFiles;

/**
 * The benchmark command ({@code bin/nd-bench}): kitchen throughput, hub fan-out, end to
 * end, start-up, printed in one run. {@code --jmh ARGS} runs the JMH micro-benchmarks
 * instead ({@code org.openjdk.jmh.Main ARGS}).
 * <p>
 * Paths: the repository root is the system property {@code netdumplings.root} (default:
 * the working directory); the sample captures are {@code <root>/../shared/pcaps} unless
 * {@code netdumplings.pcaps} says otherwise; inputs are built under
 * {@code <root>/netdumplings.bench/target/bench}.
 */
public final class Bench {

    static final List<String> SECTIONS = List.of("kitchen", "hub", "e2e", "startup", "nats", "live");

    private Bench() {
    }

    /** The command line, checked. */
    record Options(boolean quick, Set<String> sections, boolean help, Path runtimes) {

        /** @throws IllegalArgumentException with a one-line message for a bad command line */
        static Options parse(String... args) {
            boolean quick = false;
            boolean help = false;
            Path runtimes = null;
            Set<String> sections = new LinkedHashSet<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--help", "-h" -> help = true;
                    case "--section" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("option --section needs a value");
                        }
                        String s = args[++i];
                        if (!SECTIONS.contains(s)) {
                            throw new IllegalArgumentException("--section must be one of "
                                    + String.join("|", SECTIONS) + ", not '" + s + "'");
                        }
                        sections.add(s);
                    }
                    case "--runtimes" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("option --runtimes needs a value");
                        }
                        runtimes = Path.of(args[++i]).toAbsolutePath().normalize();
                    }
                    default -> throw new IllegalArgumentException("no such option: " + args[i]);
                }
            }
            return new Options(quick, sections.isEmpty() ? new LinkedHashSet<>(SECTIONS) : sections, help, runtimes);
        }
    }

    static final String USAGE = """
            Usage: nd-bench [--quick] [--section kitchen|hub|e2e|startup|nats|live]... [--runtimes DIR] | --jmh [JMH ARGS] | --help

              Measures netdumplings on this machine and prints the figures with the targets:
              1. kitchen throughput (many-protocols.pcap x100 through the three example chefs,
                 next to pcap4j's bare loop and tcpdump), 2. hub fan-out to 10, 100, 1000 eaters,
              3. end to end (file -> kitchen -> hub -> eater), 4. start-up of the runtimes,
              5. federation through NATS, 6. live capture (tcpreplay at rising rates onto a veth
              pair in a network namespace: the kitchen's and tcpdump's kernel drops; needs root).
              Loopback and that veth pair only. Every section is bounded in time.

            Options:
              --quick            small sizes: a smoke run of a few seconds per section
              --section NAME     run only this section (repeatable; default: all)
              --runtimes DIR     where bnd.jar and hub.jar are, for the start-up section
                                 (default: target/ of the repository, built by bin/setup)
              --jmh [ARGS]       run the JMH micro-benchmarks (ARGS go to JMH, e.g. -f 1 -wi 2 -i 3)
              --help             show this message and exit
            """;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("nd-bench: " + e.getMessage() + " (see nd-bench --help)");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(USAGE);
            return;
        }
        int failures = run(options, System.out);
        System.exit(failures == 0 ? 0 : 1);
    }

    /** @return the repository root: {@code netdumplings.root}, default the working directory */
    static Path root() {
        return Path.of(System.getProperty("netdumplings.root", ".")).toAbsolutePath().normalize();
    }

    /**
     * Where the sample captures are, for the sections and the JMH benchmarks alike.
     *
     * @return {@code netdumplings.pcaps} if set, else {@code <root>/../shared/pcaps}
     * @throws IllegalStateException if that folder does not exist
     */
    public static Path samplePcaps() {
        String explicit = System.getProperty("netdumplings.pcaps");
        Path pcaps = (explicit != null ? Path.of(explicit) : root().resolve("../shared/pcaps")).toAbsolutePath()
                .normalize();
        if (!Files.isDirectory(pcaps)) {
            throw new IllegalStateException("no sample captures at " + pcaps
                    + ": set -Dnetdumplings.root=<repository> or -Dnetdumplings.pcaps=<dir>");
        }
        return pcaps;
    }

    /**
     * Runs the chosen sections, printing to {@code out}. A section that fails prints one
     * line saying why and the others still run.
     *
     * @return how many sections failed
     */
    static int run(Options options, PrintStream out) throws Exception {
        // Library chatter (Jetty, the kitchen's statistics) would mix with the figures.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Path root = root();
        Path pcaps = samplePcaps();
        Path work = Files.createDirectories(root.resolve("netdumplings.bench/target/bench"));
        Report report = new Report(out);
        boolean quick = options.quick();
        out.printf(Locale.ROOT, "netdumplings benchmark%s: %d cores, Java %s, load average %s at start%n",
                quick ? " (--quick: small sizes, figures not representative)" : "",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), loadAverage());

        Path sample = pcaps.resolve("many-protocols.pcap");
        int times = quick ? 5 : 100;
        long packetsPerCopy = 4709;
        int failures = 0;
        List<String> failed = new ArrayList<>();
        for (String section : options.sections()) {
            try {
                switch (section) {
                    case "kitchen" -> {
                        Path big = PcapFiles.repeated(sample, times, work);
                        report.section(String.format("1. Kitchen throughput: many-protocols.pcap x%d = %,d packets",
                                times, times * packetsPerCopy));
                        KitchenBenchmark.run(report, big, times * packetsPerCopy, quick ? 2 : 5);
                    }
                    case "hub" -> {
                        report.section("2. Hub fan-out: load kitchen -> hub -> 10 / 100 / 1,000 eaters");
                        HubBenchmark.run(report, work, quick ? 50_000 : 2_000_000, quick ? 500 : HubBenchmark.PACED_MILLIS,
                                quick ? new int[] {10, 100} : new int[] {10, 100, 1000});
                    }
                    case "e2e" -> {
                        Path big = PcapFiles.repeated(sample, times, work);
                        report.section(String.format("3. End to end: many-protocols.pcap x%d -> kitchen -> hub -> eater",
                                times));
                        EndToEndBenchmark.run(report, pcaps.resolve("dns.pcap"), big,
                                quick ? pcaps.resolve("dns.pcap") : PcapFiles.repeated(sample, 5, work));
                    }
                    case "startup" -> {
                        report.section("4. Start-up: launch to hub accepting connections, resident memory");
                        StartupBenchmark.run(report, root,
                                options.runtimes() != null ? options.runtimes() : root.resolve("target"), work,
                                pcaps.resolve("dns.pcap"));
                    }
                    case "nats" -> {
                        report.section("5. Federation: load kitchen -> hub A -> NATS JetStream -> hub B -> 10 eaters; fail-over");
                        FederationBenchmark.run(report, work, quick ? 50_000 : 1_000_000,
                                quick ? 500 : HubBenchmark.PACED_MILLIS);
                    }
                    case "live" -> {
                        report.section("6. Live capture: tcpreplay at rising rates -> veth -> kitchen (3 chefs) / tcpdump");
                        LiveBenchmark.run(report, sample, work, quick);
                    }
                    default -> throw new IllegalStateException(section);
                }
            } catch (Exception | Error e) {
                failures++;
                failed.add(section);
                report.note("FAILED: " + section + ": " + e);
            }
        }
        out.println();
        out.printf(Locale.ROOT, "done: load average %s at end%s%n", loadAverage(),
                failed.isEmpty() ? "" : "; failed sections: " + failed);
        return failures;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    /** Deletes a directory the bench made, with everything in it. */
    static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
