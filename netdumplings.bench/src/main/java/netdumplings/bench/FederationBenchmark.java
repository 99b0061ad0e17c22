package netdumplings.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import netdumplings.eater.DumplingEater;
import netdumplings.testing.NatsServer;

/**
 * Section 5: hubs federated through a real nats-server (JetStream on a temporary
 * directory). Hubs A and B run in child JVMs ({@link HubProcess}); the load kitchen
 * publishes to A, 10 eaters read from B; the same load through one hub (no NATS) in the
 * same run, first, and nats-server alone ({@link NatsAlone}). Then fail-over: a
 * {@link DumplingEater} given hubs B and A eats a paced stream from B, B is killed with
 * SIGKILL, and the eater carries on from A; the time without a hub and the dumplings lost
 * or repeated (by offset) are reported. Last, the load again with the hubs' stream in
 * memory ({@code nats_storage=memory}) on a new nats-server.
 */
final class FederationBenchmark {

    static final double TARGET_DELIVERIES_PER_SECOND = 100_000;
    static final double TARGET_P99_MILLIS = 20;
    static final double TARGET_FAILOVER_MILLIS = 2_000;
    private static final int EATERS = 10;
    private static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+)");

    private FederationBenchmark() {
    }

    static void run(Report report, Path work, long deliveries, long pacedMillis) throws Exception {
        try (HubProcess single = new HubProcess(work.resolve("hub-single.log"))) {
            report.note("reference: the same load through one hub, no NATS (child JVM pid " + single.pid() + ")");
            load(report, single, single, deliveries, pacedMillis, "one hub", false,
                    List.of(ProcessLoad.Measured.self("load clients"), new ProcessLoad.Measured("hub", single.pid())));
        }
        // The stream holds a few hundred MB by the end: deleted after each run.
        Path natsDir = Files.createTempDirectory(work, "nats");
        try (NatsServer nats = NatsServer.start(natsDir)) {
            NatsAlone.run(report, nats.url(), HubBenchmark.PACED_RATE, pacedMillis);
            try (HubProcess a = new HubProcess(work.resolve("hub-a.log"), nats.url(), "bench-a");
                    HubProcess b = new HubProcess(work.resolve("hub-b.log"), nats.url(), "bench-b")) {
                report.note("nats-server " + nats.url() + " (JetStream, file storage); hub A pid " + a.pid()
                        + ", hub B pid " + b.pid() + "; kitchen on A, eaters on B");
                load(report, a, b, deliveries, pacedMillis, "A -> NATS -> B", true, federation(a, nats, b));
                failOver(report, a, b);
            }
        } finally {
            Bench.deleteTree(natsDir);
        }
        // The same with the hubs' stream in memory (nats_storage=memory), on a new server.
        Path memoryDir = Files.createTempDirectory(work, "nats");
        try (NatsServer nats = NatsServer.start(memoryDir);
                HubProcess a = new HubProcess(work.resolve("hub-a-memory.log"), nats.url(), "bench-a", "memory");
                HubProcess b = new HubProcess(work.resolve("hub-b-memory.log"), nats.url(), "bench-b", "memory")) {
            report.note("nats-server " + nats.url() + ", the hubs' stream in memory (nats_storage=memory); hub A pid "
                    + a.pid() + ", hub B pid " + b.pid());
            load(report, a, b, deliveries, pacedMillis, "A -> NATS (stream in memory) -> B", false,
                    federation(a, nats, b));
        } finally {
            Bench.deleteTree(memoryDir);
        }
    }

    /** The processes of a federated run, in the order the figures give them. */
    private static List<ProcessLoad.Measured> federation(HubProcess a, NatsServer nats, HubProcess b) {
        return List.of(ProcessLoad.Measured.self("load clients"), new ProcessLoad.Measured("hub A", a.pid()),
                new ProcessLoad.Measured("nats-server", nats.pid()), new ProcessLoad.Measured("hub B", b.pid()));
    }

    private static void load(Report report, HubProcess kitchenHub, HubProcess eaterHub, long deliveries,
            long pacedMillis, String path, boolean targets, List<ProcessLoad.Measured> processes) throws Exception {
        try (EaterSwarm swarm = new EaterSwarm("127.0.0.1", eaterHub.eaterPort(), EATERS);
                LoadKitchen kitchen = new LoadKitchen("127.0.0.1", kitchenHub.kitchenPort())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (eaterHub.stats()[3] != EATERS && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long warm = Math.max(100, deliveries / EATERS / 10);
            kitchen.publish(warm, 0);
            swarm.awaitReceived(warm * EATERS, 3_000, 30_000);

            long dumplings = Math.max(10, deliveries / EATERS);
            long before = swarm.received();
            swarm.measureInto(new Latencies((int) Math.min(4_000_000, dumplings * EATERS)));
            ProcessLoad flatCpu = ProcessLoad.start(processes);
            long t0 = kitchen.publish(dumplings, 0);
            long got = swarm.awaitReceived(before + dumplings * EATERS, 3_000, 60_000) - before;
            double seconds = (swarm.lastReceiptNanos() - t0) / 1e9;
            String label = String.format("deliveries/s, %s, %d eaters, flat out", path, EATERS);
            if (targets) {
                report.target(label, got / seconds, "deliveries/s", TARGET_DELIVERIES_PER_SECOND, true);
            } else {
                report.figure(label, got / seconds, "deliveries/s", null);
            }
            report.note(String.format("  %,d dumplings -> %,d of %,d deliveries in %.3f s", dumplings, got,
                    dumplings * EATERS, seconds));
            report.note("  " + flatCpu.since(dumplings));

            double rate = HubBenchmark.PACED_RATE;
            HubBenchmark.settleBeforePaced(swarm, kitchen, EATERS, pacedMillis, kitchenHub, eaterHub);
            long paced = (long) (rate * pacedMillis / 1000);
            Latencies lat = new Latencies((int) (paced * EATERS));
            long pacedBefore = swarm.received();
            swarm.measureInto(lat);
            HubBenchmark.gcPauses(kitchenHub, eaterHub); // from here on
            ProcessLoad cpu = ProcessLoad.start(processes);
            kitchen.publish(paced, rate);
            long pacedGot = swarm.awaitReceived(pacedBefore + paced * EATERS, 3_000, 30_000) - pacedBefore;
            String pauses = HubBenchmark.gcPauses(kitchenHub, eaterHub);
            String p99 = String.format("latency p99 at %,.0f dumplings/s, %s, %d eaters", rate, path, EATERS);
            if (targets) {
                report.target(p99, lat.percentileMillis(0.99), "ms", TARGET_P99_MILLIS, false);
            } else {
                report.figure(p99, lat.percentileMillis(0.99), "ms", null);
            }
            report.note(String.format("  p50 %.2f ms, p99.9 %.2f ms, max %.2f ms; %,d of %,d deliveries over %.1f s",
                    lat.percentileMillis(0.5), lat.percentileMillis(0.999), lat.percentileMillis(1.0), pacedGot,
                    paced * EATERS, pacedMillis / 1000.0));
            report.note("  " + cpu.since(paced));
            report.note("  " + cpu.busiestThreads(4));
            report.note("  " + pauses);
        }
    }

    private static void failOver(Report report, HubProcess a, HubProcess b) throws Exception {
        // Appended to by the eater's thread, 10,000 a second: not a copy-on-write list, whose
        // every add copies it all (that made this eater fall seconds behind).
        List<Long> offsets = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<URI> connected = new CopyOnWriteArrayList<>();
        String hubA = "127.0.0.1:" + a.eaterPort();
        AtomicLong killedAt = new AtomicLong();
        AtomicLong firstOnA = new AtomicLong();
        // Connections to A made before the kill: B was left early (then the time is not B's).
        AtomicLong earlyOnA = new AtomicLong();
        AtomicReference<URI> current = new AtomicReference<>();
        AtomicLong connectedToA = new AtomicLong();
        try (LoadKitchen kitchen = new LoadKitchen("127.0.0.1", a.kitchenPort());
                DumplingEater eater = DumplingEater.builder().name("failover")
                        .hubs(List.of("127.0.0.1:" + b.eaterPort(), hubA))
                        .onConnect(uri -> {
                            connected.add(uri);
                            current.set(uri);
                            if (uri.getAuthority().equals(hubA)) {
                                if (killedAt.get() == 0) {
                                    earlyOnA.incrementAndGet();
                                } else {
                                    connectedToA.compareAndSet(0, System.nanoTime());
                                }
                            }
                        })
                        .onRawDumpling(raw -> {
                            Matcher m = OFFSET.matcher(raw);
                            if (m.find()) {
                                offsets.add(Long.parseLong(m.group(1)));
                                URI on = current.get();
                                if (killedAt.get() != 0 && on != null && on.getAuthority().equals(hubA)) {
                                    firstOnA.compareAndSet(0, System.nanoTime());
                                }
                            }
                        })
                        .build()) {
            eater.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (b.stats()[3] < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            double rate = HubBenchmark.PACED_RATE;
            long sent = (long) (rate * 6); // 6 s at 10,000/s
            Thread load = new Thread(() -> {
                try {
                    kitchen.publish(sent, rate);
                } catch (Exception e) {
                    // reported by the counts below
                }
            });
            long published0 = a.stats()[0];
            long[] federationOfA0 = a.federation();
            long eaterDropsOfA0 = a.stats()[2];
            long sentByB0 = b.stats()[1];
            load.start();
            // B is killed once the eater keeps up (its JIT warm, within 100 dumplings of what
            // was published), after 1 s at least and 4 s at most: an eater seconds behind
            // would measure its own backlog (read from B's socket before it sees B go), not
            // the fail-over.
            Thread.sleep(1000);
            long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (a.stats()[0] - published0 - offsets.size() > 100 && System.nanoTime() < killDeadline) {
                Thread.sleep(5);
            }
            long eatenBeforeKill = offsets.size();
            long publishedBeforeKill = a.stats()[0] - published0;
            // What B had sent: an eater behind it is slow itself, one level with it waits for B.
            long sentByBBeforeKill = b.stats()[1] - sentByB0;
            killedAt.set(System.nanoTime()); // first: the eater may be on A before kill() returns
            b.kill();
            load.join(30_000);
            // What the kitchen wrote may still be in hub A's socket: count it once A has read it.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long published = a.stats()[0] - published0;
            while (published < sent && System.nanoTime() < end) {
                Thread.sleep(20);
                published = a.stats()[0] - published0;
            }
            while (System.nanoTime() < end && (offsets.isEmpty() || offsets.size() < published)) {
                Thread.sleep(20);
            }
            long lost = 0;
            long repeated = 0;
            for (int i = 1; i < offsets.size(); i++) {
                long step = offsets.get(i) - offsets.get(i - 1);
                if (step > 1) {
                    lost += step - 1;
                } else if (step < 1) {
                    repeated++;
                }
            }
            double failoverMillis = firstOnA.get() == 0 || earlyOnA.get() > 0 ? Double.NaN
                    : (firstOnA.get() - killedAt.get()) / 1e6;
            report.target("fail-over: hub B killed (SIGKILL) to the eater's next dumpling from hub A", failoverMillis,
                    "ms", TARGET_FAILOVER_MILLIS, false);
            // Not eaten 10 s after the load ended: behind, not lost (no gap), but it must show.
            long unread = Math.max(0, published - offsets.size());
            report.note(String.format("  %,d dumplings published at 10,000/s, %,d eaten (by offset: %,d lost, %,d "
                    + "repeated; the eater skips repeats it sees)%s; connected to %s", published, offsets.size(), lost,
                    repeated, unread == 0 ? "" : String.format(", %,d not eaten yet 10 s after the load ended", unread),
                    connected));
            if (connectedToA.get() != 0 && firstOnA.get() != 0) {
                report.note(String.format("  of which: the kill to the connection to hub A %.0f ms, that connection to its first "
                        + "dumpling (the missed ones first) %.0f ms; at the kill the eater had eaten %,d of the %,d "
                        + "dumplings published (hub B had sent %,d, its hub status dumplings included)",
                        (connectedToA.get() - killedAt.get()) / 1e6, (firstOnA.get() - connectedToA.get()) / 1e6,
                        eatenBeforeKill, publishedBeforeKill, sentByBBeforeKill));
            }
            // Where dumplings not eaten stopped: not in the stream (A did not publish them) leaves
            // no gap in the offsets, so the eater cannot see it; A's counters can.
            long[] federationOfA = a.federation();
            report.note(String.format("  hub A meanwhile: %,d dumplings from the kitchen, %,d published to NATS, %,d not "
                    + "federated (NATS away: its own eaters only), %,d NATS reconnections; A's last offset %,d; "
                    + "%,d dropped for its eater", published, federationOfA[0] - federationOfA0[0],
                    federationOfA[1] - federationOfA0[1], federationOfA[5] - federationOfA0[5], federationOfA[4],
                    a.stats()[2] - eaterDropsOfA0));
            if (earlyOnA.get() > 0) {
                report.note("  (n/a: the eater had moved to hub A before the kill, so it measures nothing of B's)");
            }
        }
    }
}
