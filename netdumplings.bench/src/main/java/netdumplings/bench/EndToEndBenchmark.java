package netdumplings.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import chefs.examples.ARPChef;
import chefs.examples.DNSLookupChef;
import chefs.examples.PacketCountChef;
import netdumplings.eater.DumplingEater;
import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.hub.internal.HubStatistics;
import netdumplings.kitchen.internal.dispatch.ChefStatistics;
import netdumplings.kitchen.internal.Kitchen;

/**
 * Section 3: capture file -> kitchen (three example chefs) -> hub -> one eater (the
 * eater library), all real, in this JVM over loopback. Latency is the eater's receipt
 * time minus the dumpling's {@code creation_time} (both wall clock).
 */
final class EndToEndBenchmark {

    private EndToEndBenchmark() {
    }

    /**
     * Runs on {@code warmUp} and then {@code file} unreported (the WebSocket clients' first
     * connection, and the JIT: a cold flat-out run is half as fast, compiler threads
     * taking the cores that kitchen, hub and eater share), then on {@code file}.
     */
    static void run(Report report, Path warmUp, Path file, Path pacedFile) throws Exception {
        once(null, warmUp, null, "");
        once(null, file, null, "");
        once(report, file, null, "flat out");
        once(report, pacedFile, PACED_GAP, "paced");
    }

    /**
     * The paced run replays with every recorded gap cut to this (speed 1), about 20,000
     * packets/s at most: latency without the flat-out run's queueing.
     */
    static final Duration PACED_GAP = Duration.ofNanos(50_000);

    private static void once(Report report, Path file, Duration gap, String how) throws Exception {
        HubSettings settings = HubSettings.ephemeral().withAddress("127.0.0.1")
                .withStatusInterval(Duration.ofHours(1));
        try (HubServer hub = new HubServer(settings)) {
            hub.start();
            Latencies lat = new Latencies(2_000_000);
            long[] eaten = {0};
            long[] lastNanos = {0};
            CountDownLatch connected = new CountDownLatch(1);
            // The callbacks run on one thread at a time; the volatile-free arrays are
            // read after the eater is quiet (see awaitQuiet).
            DumplingEater eater = DumplingEater.builder().name("bench_e2e").hub("127.0.0.1:" + hub.eaterPort())
                    .onConnect(uri -> connected.countDown())
                    .onDumpling(d -> {
                        Instant now = Instant.now();
                        double nowSeconds = now.getEpochSecond() + now.getNano() / 1e9;
                        lat.record((long) ((nowSeconds - d.creationTime()) * 1e9));
                        synchronized (eaten) {
                            eaten[0]++;
                            lastNanos[0] = System.nanoTime();
                        }
                    }).build();
            try {
                eater.start();
                if (!connected.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the eater did not connect to the hub within 10 s");
                }
                awaitEaterCount(hub);
                Kitchen kitchen = Kitchen.builder().name("bench_e2e").pcapFile(file).loop(1).filter("")
                        .speed(gap == null ? 0 : 1).maxGap(gap)
                        .hub("127.0.0.1:" + hub.kitchenPort()).hubBufferCapacity(1_000_000)
                        .chef(new PacketCountChef()).chef(new DNSLookupChef()).chef(new ARPChef()).build();
                long t0 = System.nanoTime();
                long made;
                long sent;
                long overflowed;
                long packets;
                long chefDrops;
                long hubHadAllNanos;
                long captureEndNanos;
                try {
                    kitchen.start();
                    if (!kitchen.awaitCaptureEnd(Duration.ofMinutes(2))) {
                        throw new IllegalStateException("the kitchen did not finish within 2 minutes");
                    }
                    captureEndNanos = System.nanoTime();
                    packets = kitchen.packetsCaptured();
                    made = kitchen.statistics().stream().mapToLong(ChefStatistics::dumplings).sum();
                    chefDrops = kitchen.statistics().stream().mapToLong(ChefStatistics::droppedPackets).sum();
                    hubHadAllNanos = awaitQuiet(eaten, made, 30_000, hub);
                } finally {
                    kitchen.close();
                    sent = kitchen.hubSender().map(s -> s.sent()).orElse(0L);
                    overflowed = kitchen.hubSender().map(s -> s.overflowed()).orElse(0L);
                }
                long got;
                long last;
                synchronized (eaten) {
                    got = eaten[0];
                    last = lastNanos[0];
                }
                HubStatistics hs = hub.statistics();
                if (report == null) {
                    return;
                }
                double seconds = (last - t0) / 1e9;
                if (gap == null) {
                    report.figure("dumplings/s, file -> kitchen -> hub -> eater, " + how, got / seconds, "dumplings/s",
                            null);
                    report.figure("packets/s behind them (kitchen, hub and eater share the cores)",
                            packets / seconds, "packets/s", null);
                } else {
                    report.note(String.format("paced: replay with recorded gaps cut to %d us (%,.0f packets/s):",
                            gap.toNanos() / 1000, packets / seconds));
                }
                report.figure("latency p50, creation_time to eater, " + how, lat.percentileMillis(0.5), "ms", null);
                report.figure("latency p99, creation_time to eater, " + how, lat.percentileMillis(0.99), "ms", null);
                report.note(String.format("  %,d packets, %,d dumplings made, %,d sent by the kitchen, %,d into the hub, "
                        + "%,d eaten in %.3f s; losses: chef queue %,d packets, kitchen buffer %,d, hub %,d",
                        packets, made, sent, hs.dumplingsIn(), got, seconds, chefDrops, overflowed, hs.eaterDrops()));
                report.note(String.format("  timeline from start: chefs done %.3f s, hub had every dumpling %s, eater had "
                        + "every dumpling %.3f s", (captureEndNanos - t0) / 1e9,
                        hubHadAllNanos == 0 ? "n/a" : String.format("%.3f s", (hubHadAllNanos - t0) / 1e9), seconds));
            } finally {
                eater.close();
            }
        }
    }

    private static void awaitEaterCount(HubServer hub) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hub.statistics().eaterCount() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /**
     * Waits until {@code target} dumplings were eaten, or none came for 2 s, or the limit passed.
     *
     * @return when the hub first counted {@code target} dumplings in, or 0 if not seen
     */
    private static long awaitQuiet(long[] eaten, long target, long maxMillis, HubServer hub)
            throws InterruptedException {
        long hubHadAll = 0;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        long seen = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now;
            synchronized (eaten) {
                now = eaten[0];
            }
            if (hubHadAll == 0 && hub.statistics().dumplingsIn() >= target) {
                hubHadAll = System.nanoTime();
            }
            if (now >= target) {
                return hubHadAll;
            }
            if (now != seen) {
                seen = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(2)) {
                return hubHadAll;
            }
            Thread.sleep(5);
        }
        return hubHadAll;
    }
}
