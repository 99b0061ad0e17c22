package netdumplings.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.TimestampPrecision;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

import chefs.examples.ARPChef;
import chefs.examples.DNSLookupChef;
import chefs.examples.PacketCountChef;
import chefs.standard.ConnectionsChef;
import chefs.standard.DhcpChef;
import chefs.standard.HttpRequestChef;
import chefs.standard.TlsServerNameChef;
import chefs.standard.TopTalkersChef;
import netdumplings.api.DumplingChef;
import netdumplings.chefkit.Configurations;
import netdumplings.kitchen.internal.dispatch.ChefStatistics;
import netdumplings.kitchen.internal.Kitchen;
import netdumplings.kitchen.internal.Pcap4jSupport;
import netdumplings.kitchen.internal.capture.CaptureSource;

/**
 * Section 1: packets/s of the kitchen (three example chefs, dumplings encoded, a sink
 * that counts bytes) on a capture file, next to libpcap (tcpdump) and pcap4j's bare loop
 * (the kitchen's capture before issue 14, kept as a reference line) reading the same file
 * in the same run, and the kitchen with the five standard chefs as well (issue 15); best
 * of {@code runs} each.
 */
final class KitchenBenchmark {

    /** Issue 7's floor, and issue 14's ratios (capture through FFM, not JNA). */
    static final double TARGET_PACKETS_PER_SECOND = 500_000;
    static final double TARGET_RATIO_TO_PCAP4J = 2.0;
    static final double TARGET_RATIO_TO_LIBPCAP = 0.6;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(2);
    /** Unreported rounds before measuring; measured: ratios settle after the third. */
    static final int WARM_UP_ROUNDS = 3;

    private KitchenBenchmark() {
    }

    /** Which chefs a kitchen run feeds. */
    enum Chefs {
        NONE, EXAMPLES, EXAMPLES_AND_STANDARD;

        List<DumplingChef> make() {
            List<DumplingChef> chefs = new java.util.ArrayList<>();
            if (this != NONE) {
                chefs.addAll(List.of(new PacketCountChef(), new DNSLookupChef(), new ARPChef()));
            }
            if (this == EXAMPLES_AND_STANDARD) {
                chefs.addAll(List.of(new TopTalkersChef(Configurations.of(TopTalkersChef.Config.class)),
                        new ConnectionsChef(Configurations.of(ConnectionsChef.Config.class)),
                        new TlsServerNameChef(Configurations.of(TlsServerNameChef.Config.class)),
                        new HttpRequestChef(Configurations.of(HttpRequestChef.Config.class)),
                        new DhcpChef(Configurations.of(DhcpChef.Config.class))));
            }
            return chefs;
        }
    }

    /** One kitchen run's figures. */
    record KitchenRun(long packets, double seconds, long dumplings, long bytes, long drops, long errors) {
        double rate() {
            return packets / seconds;
        }
    }

    static void run(Report report, Path file, long packets, int runs) throws Exception {
        Pcap4jSupport.ensureReady();
        double tcpdump = Double.NaN;
        for (int i = 0; i < runs; i++) {
            double s = tcpdumpSeconds(file);
            if (Double.isNaN(s)) {
                break;
            }
            tcpdump = Double.isNaN(tcpdump) ? s : Math.min(tcpdump, s);
        }
        // Unreported rounds of every JVM path first: the page cache, and the JIT, which
        // on 2 cores takes a few passes to settle (a cold kitchen run also competes with
        // compiler threads for the chefs' core).
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            bareLoop(file);
            captureFileLoop(file);
            kitchen(file, Chefs.NONE);
            kitchen(file, Chefs.EXAMPLES);
            kitchen(file, Chefs.EXAMPLES_AND_STANDARD);
        }
        // Interleaved rounds, so that other load on the machine hits every path alike.
        double bare = Double.MAX_VALUE;
        long barePackets = 0;
        double readerSeconds = Double.MAX_VALUE;
        KitchenRun noChefs = null;
        KitchenRun best = null;
        KitchenRun standard = null;
        long dropsInAllRuns = 0;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            barePackets = bareLoop(file);
            bare = Math.min(bare, (System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            captureFileLoop(file);
            readerSeconds = Math.min(readerSeconds, (System.nanoTime() - t0) / 1e9);
            KitchenRun r = kitchen(file, Chefs.NONE);
            if (noChefs == null || r.rate() > noChefs.rate()) {
                noChefs = r;
            }
            r = kitchen(file, Chefs.EXAMPLES);
            dropsInAllRuns += r.drops();
            if (best == null || r.rate() > best.rate()) {
                best = r;
            }
            r = kitchen(file, Chefs.EXAMPLES_AND_STANDARD);
            if (standard == null || r.rate() > standard.rate()) {
                standard = r;
            }
        }
        double libpcapRate = packets / tcpdump;
        double bareRate = barePackets / bare;
        report.figure("libpcap: tcpdump -r FILE -w /dev/null (process)", libpcapRate, "packets/s",
                Double.isNaN(tcpdump) ? "(tcpdump not found)" : "best of " + runs);
        report.figure("pcap4j bare loop(), RawPacketListener counting", bareRate, "packets/s",
                "best of " + runs + ", " + String.format("%,d", barePackets) + " packets");
        report.figure("kitchen's reader (CaptureFile, mmap), bytes copied, counting", barePackets / readerSeconds,
                "packets/s", "best of " + runs);
        report.figure("kitchen, no chef (capture, packet objects, batching)", noChefs.rate(), "packets/s",
                "best of " + runs);
        report.target("kitchen, 3 example chefs, dumplings encoded", best.rate(), "packets/s",
                TARGET_PACKETS_PER_SECOND, true);
        report.note(String.format("  best kitchen run: %,d packets in %.3f s, %,d dumplings (%,d bytes of JSON), "
                + "chef drops %,d (all %d runs: %,d), chef errors %,d", best.packets(), best.seconds(), best.dumplings(),
                best.bytes(), best.drops(), runs, dropsInAllRuns, best.errors()));
        report.figure("kitchen, 3 example + 5 standard chefs, dumplings encoded", standard.rate(), "packets/s",
                String.format("best of %d; %.2f x the 3 examples' rate; chef drops %,d, errors %,d", runs,
                        standard.rate() / best.rate(), standard.drops(), standard.errors()));
        report.target("kitchen / libpcap (tcpdump -r)", best.rate() / libpcapRate, "ratio", TARGET_RATIO_TO_LIBPCAP,
                true);
        report.target("kitchen / bare pcap4j (reference)", best.rate() / bareRate, "ratio", TARGET_RATIO_TO_PCAP4J,
                true);
    }

    /** @return seconds tcpdump took to read the file, or NaN if tcpdump cannot run */
    static double tcpdumpSeconds(Path file) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder("tcpdump", "-r", file.toString(), "-w", "/dev/null")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Double.NaN;
            }
            return p.exitValue() == 0 ? (System.nanoTime() - t0) / 1e9 : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** @return packets pcap4j's bare loop read from the file, counting only */
    static long bareLoop(Path file) throws Exception {
        PcapHandle h = Pcaps.openOffline(file.toString(), TimestampPrecision.NANO);
        try {
            long[] count = {0};
            RawPacketListener counter = data -> count[0]++;
            h.loop(-1, counter);
            return count[0];
        } finally {
            h.close();
        }
    }

    /**
     * The kitchen's own file reader alone: every packet's bytes copied into a new array
     * and counted, as the capture thread gets them.
     *
     * @return packets read
     */
    static long captureFileLoop(Path file) {
        long[] count = {0, 0};
        try (CaptureSource source = CaptureSource.openFile(file, "")) {
            source.read((seconds, nanos, length, data, dlt) -> {
                count[0]++;
                count[1] += data.length + nanos;
            });
        }
        return count[0] + (count[1] == 42 ? 1 : 0); // keeps the reads from being optimised away
    }

    /** One kitchen run over the whole file, until every chef (if any) has handled every packet. */
    static KitchenRun kitchen(Path file, Chefs chefs) throws InterruptedException {
        LongAdder bytes = new LongAdder();
        LongAdder dumplings = new LongAdder();
        Kitchen.Builder builder = Kitchen.builder().name("bench_kitchen").pcapFile(file).speed(0).loop(1).filter("")
                .sink(json -> {
                    bytes.add(json.length);
                    dumplings.increment();
                });
        chefs.make().forEach(builder::chef);
        Kitchen kitchen = builder.build();
        try {
            long t0 = System.nanoTime();
            kitchen.start();
            if (!kitchen.awaitCaptureEnd(RUN_LIMIT)) {
                throw new IllegalStateException("kitchen did not finish " + file + " within " + RUN_LIMIT
                        + kitchen.failure().map(f -> ": " + f).orElse(""));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            List<ChefStatistics> stats = kitchen.statistics();
            long drops = stats.stream().mapToLong(ChefStatistics::droppedPackets).sum();
            long errors = stats.stream().mapToLong(ChefStatistics::errors).sum();
            return new KitchenRun(kitchen.packetsCaptured(), seconds, dumplings.sum(), bytes.sum(), drops, errors);
        } finally {
            kitchen.close();
        }
    }
}
