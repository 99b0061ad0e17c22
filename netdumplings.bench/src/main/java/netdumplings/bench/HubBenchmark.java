package netdumplings.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Section 2: the hub's fan-out. The hub runs in a child JVM ({@link HubProcess}); a
 * {@link LoadKitchen} publishes to it and an {@link EaterSwarm} of 10, 100 and 1,000
 * eaters receives, all over loopback. Heap per eater is the child's heap after a full
 * GC with 1,000 idle eaters connected, minus the same with none, divided by 1,000.
 */
final class HubBenchmark {

    static final double TARGET_DELIVERIES_PER_SECOND = 500_000;
    static final double TARGET_P99_MILLIS = 10;
    static final double TARGET_HEAP_PER_EATER_BYTES = 50 * 1024;
    static final double PACED_RATE = 10_000;
    /**
     * How long each paced window lasts (not with --quick). Its p99 is the latency of the
     * slowest 1 % of its deliveries: in the 3 s windows used up to commit 5965793 that
     * was the dumplings of 30 ms, so one stall of 50 ms anywhere on the way (a collection
     * pause on a busy core, a late wake-up in nats-server) put a p99 over 20 ms alone. In
     * 20 s it takes such stalls adding up to 200 ms: the p99 then tells how the latencies
     * are spread, and p99.9 and the maximum, printed beside it, the stalls.
     */
    static final long PACED_MILLIS = 20_000;
    /** How long the paced load runs unmeasured before the measured window (at most as long as it). */
    static final long PACED_WARM_UP_MILLIS = 2_000;

    private HubBenchmark() {
    }

    /**
     * @param deliveries  deliveries per flood run (dumplings = deliveries / eaters)
     * @param pacedMillis how long the paced 10,000/s run lasts
     * @param eaterCounts the swarm sizes, e.g. 10, 100, 1000
     */
    static void run(Report report, Path work, long deliveries, long pacedMillis, int... eaterCounts)
            throws Exception {
        bareReference(report, deliveries, eaterCounts[0]);
        try (HubProcess hub = new HubProcess(work.resolve("hub-child.log"))) {

            report.note("hub in a child JVM (pid " + hub.pid() + "); load kitchen and eaters in this JVM; loopback");
            for (int eaters : eaterCounts) {
                // The baseline just before: the same JIT and pools, no eater connected.
                long heapEmpty = eaters >= 1000 ? hub.heapAfterGc() : 0;
                long rssEmpty = eaters >= 1000 ? StartupBenchmark.rssKiB(hub.pid()) : 0;
                try (EaterSwarm swarm = new EaterSwarm("127.0.0.1", hub.eaterPort(), eaters);
                        LoadKitchen kitchen = new LoadKitchen("127.0.0.1", hub.kitchenPort())) {
                    awaitEaters(hub, eaters);
                    if (eaters >= 1000) {
                        long heap = hub.heapAfterGc();
                        report.target("hub heap per eater, " + eaters + " eaters connected",
                                (heap - heapEmpty) / (double) eaters, "bytes", TARGET_HEAP_PER_EATER_BYTES, false);
                        long rss = StartupBenchmark.rssKiB(hub.pid());
                        report.note(String.format("  (child heap after full GC: %,d bytes with no eater, %,d with %d; "
                                + "VmRSS %,d KiB -> %,d KiB, %,.0f bytes per eater, off-heap buffers included)",
                                heapEmpty, heap, eaters, rssEmpty, rss, (rss - rssEmpty) * 1024.0 / eaters));
                    }
                    // Warm-up: connections, JIT, buffers.
                    long warm = Math.max(100, deliveries / eaters / 10);
                    kitchen.publish(warm, 0);
                    swarm.awaitReceived(warm * eaters, 2_000, 20_000);

                    long dumplings = Math.max(10, deliveries / eaters);
                    long[] before = hub.stats();
                    long hubCpu0 = cpuNanos(hub.pid());
                    long ownCpu0 = ownCpuNanos();
                    Latencies lat = new Latencies((int) Math.min(4_000_000, dumplings * eaters));
                    long receivedBefore = swarm.received();
                    swarm.measureInto(lat);
                    long t0 = kitchen.publish(dumplings, 0);
                    long got = swarm.awaitReceived(receivedBefore + dumplings * eaters, 3_000, 60_000)
                            - receivedBefore;
                    double seconds = (swarm.lastReceiptNanos() - t0) / 1e9;
                    long[] after = hub.stats();
                    double hubCpuPerDelivery = (cpuNanos(hub.pid()) - hubCpu0) / 1e3 / got;
                    double ownCpuPerDelivery = (ownCpuNanos() - ownCpu0) / 1e3 / got;
                    String label = String.format("deliveries/s, %,d eaters, flat out", eaters);
                    if (eaters == 10) {
                        report.target(label, got / seconds, "deliveries/s", TARGET_DELIVERIES_PER_SECOND, true);
                    } else {
                        report.figure(label, got / seconds, "deliveries/s", null);
                    }
                    report.note(String.format("  %,d dumplings -> %,d of %,d deliveries in %.3f s; dropped by hub for "
                            + "slow eaters: %,d; latency p50 %.2f ms, p99 %.2f ms (queueing under flood)",
                            dumplings, got, dumplings * eaters, seconds, after[2] - before[2],
                            lat.percentileMillis(0.5), lat.percentileMillis(0.99)));
                    report.note(String.format("  CPU per delivery: hub %.2f us, load kitchen + eaters %.2f us "
                            + "(2 cores shared by both)", hubCpuPerDelivery, ownCpuPerDelivery));
                    if (eaters == 10) {
                        paced(report, hub, swarm, kitchen, eaters, pacedMillis);
                    }
                }
                awaitEaters(hub, 0);
            }
        }
    }

    /**
     * The same flood through {@link BareFanOutServer} (in this JVM): the machine's
     * ceiling for loopback fan-out with these load clients.
     */
    static void bareReference(Report report, long deliveries, int eaters) throws Exception {
        try (BareFanOutServer bare = new BareFanOutServer();
                EaterSwarm swarm = new EaterSwarm("127.0.0.1", bare.eaterPort(), eaters);
                LoadKitchen kitchen = new LoadKitchen("127.0.0.1", bare.kitchenPort())) {
            Thread.sleep(200); // the last eater's upgrade is answered by the server's thread
            long warm = Math.max(100, deliveries / eaters / 10);
            kitchen.publish(warm, 0);
            swarm.awaitReceived(warm * eaters, 2_000, 20_000);
            long dumplings = Math.max(10, deliveries / eaters);
            long before = swarm.received();
            swarm.measureInto(new Latencies(1));
            long t0 = kitchen.publish(dumplings, 0);
            long got = swarm.awaitReceived(before + dumplings * eaters, 3_000, 60_000) - before;
            double seconds = (swarm.lastReceiptNanos() - t0) / 1e9;
            report.figure(String.format("reference: bare NIO fan-out, %,d eaters, flat out", eaters), got / seconds,
                    "deliveries/s", String.format("(no hub; frames framed once, batched writes; %,d lost)",
                            bare.dropped()));
        }
    }

    /**
     * What comes before every paced window. First a full collection in each hub: a hub that
     * has run a while keeps what it made at start-up in its old generation, while one
     * started a minute ago copies it in each young collection until that has survived 15
     * of them (a federated hub B: about 7 MB, ages 5 to 8 by -Xlog:gc+age, 8 to 81 ms a
     * pause on these busy cores). Then the paced load, unmeasured: a paced load takes other
     * paths (an idle selector, parked threads) than the flat-out one, and their compilation
     * cost hub A about 0.2 of a core (its C2 thread) when left to the measured window.
     */
    static void settleBeforePaced(EaterSwarm swarm, LoadKitchen kitchen, int eaters, long pacedMillis,
            HubProcess... hubs) throws Exception {
        for (HubProcess hub : Arrays.stream(hubs).distinct().toList()) { // the one hub may be both
            hub.heapAfterGc();
        }
        long warm = warmUpCount(PACED_RATE, pacedMillis);
        long before = swarm.received();
        kitchen.publish(warm, PACED_RATE);
        swarm.awaitReceived(before + warm * eaters, 3_000, 30_000);
    }

    /** @return how many the unmeasured paced load before a window of {@code pacedMillis} sends at {@code rate} */
    static long warmUpCount(double rate, long pacedMillis) {
        return (long) (rate * Math.min(PACED_WARM_UP_MILLIS, pacedMillis) / 1000);
    }

    /**
     * @return the JVMs' collection pauses since the last call: the load clients' (the eaters
     *         measure there, so theirs count too) and the hubs'
     */
    static String gcPauses(HubProcess kitchenHub, HubProcess eaterHub) throws java.io.IOException {
        StringBuilder line = new StringBuilder("JVM collection pauses: load clients ")
                .append(GcPauses.ofThisJvm().takeWindow());
        if (kitchenHub == eaterHub) {
            line.append(", hub ").append(kitchenHub.gcPauses());
        } else {
            line.append(", hub A ").append(kitchenHub.gcPauses()).append(", hub B ").append(eaterHub.gcPauses());
        }
        return line.toString();
    }

    private static void paced(Report report, HubProcess hub, EaterSwarm swarm, LoadKitchen kitchen, int eaters,
            long millis) throws Exception {
        settleBeforePaced(swarm, kitchen, eaters, millis, hub);
        long dumplings = (long) (PACED_RATE * millis / 1000);
        Latencies lat = new Latencies((int) (dumplings * eaters));
        long receivedBefore = swarm.received();
        swarm.measureInto(lat);
        gcPauses(hub, hub); // from here on
        kitchen.publish(dumplings, PACED_RATE);
        long got = swarm.awaitReceived(receivedBefore + dumplings * eaters, 3_000, 30_000) - receivedBefore;
        String pauses = gcPauses(hub, hub);
        report.figure(String.format("latency p50 at %,.0f dumplings/s to %d eaters", PACED_RATE, eaters),
                lat.percentileMillis(0.5), "ms", null);
        report.target(String.format("latency p99 at %,.0f dumplings/s to %d eaters", PACED_RATE, eaters),
                lat.percentileMillis(0.99), "ms", TARGET_P99_MILLIS, false);
        report.note(String.format("  p99.9 %.2f ms, max %.2f ms; %,d of %,d deliveries over %.1f s",
                lat.percentileMillis(0.999), lat.percentileMillis(1.0), got, dumplings * eaters, millis / 1000.0));
        report.note("  " + pauses);
    }

    /** @return user + system CPU time of a process (Linux /proc; ticks of 10 ms), or 0 */
    static long cpuNanos(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name in parentheses (which may contain spaces).
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10_000_000L;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** @return this JVM's CPU time, or 0 if unknown */
    static long ownCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.max(0, sun.getProcessCpuTime());
        }
        return 0;
    }

    /** Waits (at most 30 s) until the hub counts exactly {@code n} eaters. */
    private static void awaitEaters(HubProcess hub, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (hub.stats()[3] != n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the hub did not count " + n + " eaters within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
