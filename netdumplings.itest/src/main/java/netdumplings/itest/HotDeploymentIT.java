package netdumplings.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import netdumplings.api.ChefContext;
import netdumplings.api.Dumpling;
import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;
import netdumplings.eater.DumplingEater;
import netdumplings.itest.hotchef.HotChef;

/**
 * The runtime's promise, under load: chef bundles dropped into, overwritten in and deleted
 * from File Install's directory start, replace and remove their chefs while a kitchen
 * replays a capture at 128,000 packets/s, and a chef that was not touched loses no packet.
 * A chef's own configuration comes from a {@code .cfg} file there and changes while it runs.
 * <p>
 * The chef bundles are built here with bnd from {@link HotChef}; its announcements travel
 * the real way: kitchen, hub, eater.
 */
@ExtendWith({ BundleContextExtension.class, ServiceExtension.class })
class HotDeploymentIT {

    private static final int KITCHEN_PORT = 21447;
    private static final int EATER_PORT = 21448;
    private static final int PACKETS_PER_PASS = 4709; // many-protocols.pcap, without a filter
    private static final int CYCLES = 20;
    private static final int PACED_BATCH = 256; // the kitchen's batch size
    private static final int PACED_GAP_MICROS = 2_000;
    /**
     * How long a new chef may take to see its first packets. Generous: on a loaded 2-core
     * machine a bundle's start can take seconds; how fast it is, is printed, not asserted
     * (bin/nd-bench measures speed).
     */
    private static final long ARRIVAL_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    private final TestConfigurations configurations = new TestConfigurations();
    private final List<Path> deployed = new ArrayList<>();
    /** HotChef announcements with the System.nanoTime() they arrived at the eater. */
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private DumplingEater eater;
    private ServiceRegistration<DumplingChef> countingRegistration;
    private Path deployDir;
    private Path workDir;
    private ChefBundleBuilder builder;

    private record Arrival(long nanos, Map<String, Object> payload) {
    }

    /** The untouched chef: counts every packet, on the kitchen's one thread for it. */
    static final class CountingChef implements DumplingChef {
        static final String NAME = "ItestCountingChef";
        final AtomicInteger starts = new AtomicInteger();
        volatile long packets;

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public void start(ChefContext context) {
            starts.incrementAndGet();
        }

        @Override
        public Object packetHandler(SniffedPacket packet) {
            packets++; // one writer: the chef's own thread
            return null;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        deployDir = Path.of(context.getProperty("felix.fileinstall.dir"));
        Files.createDirectories(deployDir);
        workDir = Files.createTempDirectory("nd-hotdeploy-");
        builder = new ChefBundleBuilder(context.getBundle(), HotChef.class.getPackageName());

        configurations.update(configAdmin.getConfiguration("netdumplings.hub", "?"), Map.of(
                "address", "localhost", "in_port", KITCHEN_PORT, "out_port", EATER_PORT,
                "status_freq", 1.0));
        CountDownLatch connected = new CountDownLatch(1);
        eater = DumplingEater.builder()
                .name("hotdeploy_eater")
                .hub("localhost:" + EATER_PORT)
                .chefs(List.of(HotChef.NAME))
                .onConnect(uri -> connected.countDown())
                .onDumpling(this::eaten)
                .reconnect(true)
                .build();
        eater.start();
        assertTrue(connected.await(30, TimeUnit.SECONDS), "the eater never connected to the hub");
    }

    @SuppressWarnings("unchecked")
    private void eaten(Dumpling dumpling) {
        arrivals.add(new Arrival(System.nanoTime(), (Map<String, Object>) dumpling.payload()));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Path p : deployed) {
            Files.deleteIfExists(p);
        }
        configurations.deleteAll();
        if (countingRegistration != null) {
            countingRegistration.unregister();
        }
        if (eater != null) {
            eater.close();
        }
        awaitTrue(() -> hotBundle() == null, 10, "the hot chef bundle was not uninstalled");
        try (var files = Files.list(workDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(workDir);
    }

    @Test
    void chefBundlesComeAndGoUnderLoadWhileAnUntouchedChefLosesNothing() throws Exception {
        Path pcap = paced(Path.of(context.getProperty("netdumplings.pcaps"), "many-protocols.pcap"));
        int loops = Integer.getInteger("netdumplings.itest.hotdeploy.loops", 1500);
        long expected = (long) loops * PACKETS_PER_PASS;

        // Registered before the kitchen exists, so the kitchen feeds it from its first packet.
        CountingChef counting = new CountingChef();
        countingRegistration = context.registerService(DumplingChef.class, counting, null);

        long replayStart = System.nanoTime();
        startKitchen(pcap, loops, 1.0);
        awaitTrue(() -> counting.packets > 0, 30, "the kitchen never fed the counting chef");

        Path target = deployDir.resolve("hotchef.jar");
        deployed.add(target);
        List<Long> delays = new ArrayList<>();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            // Install, then update (overwrite with the next version), then uninstall.
            for (int step = 0; step < 2; step++) {
                String version = "1." + cycle + "." + step;
                Path built = builder.build(version, workDir);
                assertTrue(counting.packets < expected, "the replay ended before the cycles did; "
                        + "raise netdumplings.itest.hotdeploy.loops");
                long landed = System.nanoTime();
                ChefBundleBuilder.deploy(built, target);
                Arrival arrival = awaitArrival(a -> version.equals(a.payload().get("version")), landed);
                delays.add(arrival.nanos() - landed);
            }
            Files.delete(target);
            awaitTrue(() -> hotBundle() == null, 10, "cycle " + cycle + ": the bundle was not uninstalled");
        }
        long cyclesDone = System.nanoTime();

        awaitTrue(() -> counting.packets >= expected, 300, "the counting chef did not count every packet");
        long replayNanos = System.nanoTime() - replayStart;
        Thread.sleep(500); // nothing more may arrive
        assertEquals(expected, counting.packets, "the untouched chef counted exactly the packets replayed");
        assertEquals(1, counting.starts.get(), "the untouched chef was started once: the kitchen never restarted");

        long worst = delays.stream().mapToLong(Long::longValue).max().orElseThrow();
        double rate = expected / (replayNanos / 1e9);
        System.out.printf("HotDeploymentIT: %d packets in %.1f s (%.0f packets/s, a lower bound); "
                + "%d chef bundle versions deployed in %.1f s; first packets within %.0f ms at worst%n",
                expected, replayNanos / 1e9, rate, delays.size(), (cyclesDone - replayStart) / 1e9,
                worst / 1e6);
        assertEquals(2 * CYCLES, delays.size());
    }

    @Test
    void chefConfigurationComesFromACfgFileAndChangesWhileRunning() throws Exception {
        Path pcap = Path.of(context.getProperty("netdumplings.pcaps"), "many-protocols.pcap").toAbsolutePath();
        startKitchen(pcap, 0, 0.0); // as fast as possible, for ever, until the test deletes the kitchen

        Path cfg = deployDir.resolve(HotChef.PID + ".cfg");
        deployed.add(cfg);
        writeCfg(cfg, "label=first\n");
        Path target = deployDir.resolve("hotchef-cfg.jar");
        deployed.add(target);
        long landed = System.nanoTime();
        ChefBundleBuilder.deploy(builder.build("2.0.0", workDir), target);
        Arrival first = awaitArrival(a -> "first".equals(a.payload().get("label")), landed);

        // Changed while running: the same activation sees the new label (DS @Modified).
        landed = System.nanoTime();
        writeCfg(cfg, "label=second\n");
        Arrival second = awaitArrival(a -> "second".equals(a.payload().get("label")), landed);
        assertEquals(first.payload().get("activation"), second.payload().get("activation"),
                "the chef was modified, not reactivated");
        assertTrue(((Number) second.payload().get("modifications")).intValue()
                > ((Number) first.payload().get("modifications")).intValue());

        // Deleting the file reverts to the defaults.
        landed = System.nanoTime();
        Files.delete(cfg);
        Arrival reverted = awaitArrival(a -> "none".equals(a.payload().get("label")), landed);
        assertNotEquals("second", reverted.payload().get("label"));
    }

    /**
     * A copy of the capture whose packets are stamped {@value #PACED_BATCH} at a time,
     * {@value #PACED_GAP_MICROS} µs apart: replayed at speed 1 that is a steady 128,000
     * packets/s, in full batches, so the replay lasts as long as the deployment cycles
     * whatever the machine's speed (as fast as possible, about 1 M/s here, it would be over
     * in a few seconds). The original's own gaps (years, at times) make its pace useless
     * for this.
     */
    private Path paced(Path original) throws Exception {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(Files.readAllBytes(original));
        in.order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, in.getInt(0), "a little-endian microsecond pcap expected");
        java.nio.ByteBuffer out = in.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = 24;
        long micros = 1_700_000_000L * 1_000_000L;
        for (int i = 0; at < in.limit(); i++) {
            if (i > 0 && i % PACED_BATCH == 0) {
                micros += PACED_GAP_MICROS;
            }
            out.putInt(at, (int) (micros / 1_000_000));
            out.putInt(at + 4, (int) (micros % 1_000_000));
            at += 16 + in.getInt(at + 8);
        }
        Path paced = workDir.resolve("many-protocols-paced.pcap");
        Files.write(paced, out.array());
        return paced;
    }

    private void startKitchen(Path pcap, int loops, double speed) throws Exception {
        configurations.update(configAdmin.getFactoryConfiguration("netdumplings.kitchen", "hotdeploy", "?"), Map.of(
                "kitchen_name", "hotdeploy_kitchen",
                // Only the test's chefs: the example chefs' dumplings would load the hub.
                "chefs", new String[] { CountingChef.NAME, HotChef.NAME },
                "pcap", pcap.toString(),
                "filter", "", // every packet of the file, so the expected count is known
                "speed", speed,
                "loop", loops,
                "hub", "localhost:" + KITCHEN_PORT,
                "poke_interval", 1.0));
    }

    private static void writeCfg(Path cfg, String content) throws Exception {
        Path tmp = Files.createTempFile(cfg.getParent().getParent(), "cfg-", ".tmp");
        Files.writeString(tmp, content, StandardCharsets.ISO_8859_1);
        Files.move(tmp, cfg, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Waits for an announcement after {@code landed} (its delay is printed by the caller). */
    private Arrival awaitArrival(Predicate<Arrival> wanted, long landed) throws InterruptedException {
        long deadline = landed + ARRIVAL_LIMIT_NANOS;
        while (System.nanoTime() < deadline) {
            for (Arrival a : arrivals) {
                if (a.nanos() >= landed && wanted.test(a)) {
                    return a;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no such announcement within " + ARRIVAL_LIMIT_NANOS / 1_000_000_000 + " s; last: "
                + (arrivals.isEmpty() ? "none" : arrivals.get(arrivals.size() - 1).payload()));
    }

    private Bundle hotBundle() {
        for (Bundle b : context.getBundles()) {
            if (HotChef.class.getPackageName().equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private static void awaitTrue(BooleanSupplier condition, int seconds, String message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message);
            }
            Thread.sleep(10);
        }
    }
}
