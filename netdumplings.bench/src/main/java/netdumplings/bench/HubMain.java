package netdumplings.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.hub.internal.HubStatistics;
import netdumplings.hub.internal.federation.FederationSettings;
import netdumplings.hub.internal.federation.NatsFederation;

/**
 * The hub under test, in a JVM of its own so that its heap can be measured apart from
 * the load clients. Started by {@link HubProcess}: prints {@code ports <kitchen> <eater>}
 * once listening on ephemeral loopback ports, then answers commands on stdin, one line
 * each: {@code heap} (full GC, then {@code heap <used bytes>}), {@code stats}
 * ({@code stats <in> <out> <eater drops> <eaters>}), {@code gc} (its collection pauses since
 * the last {@code gc}: {@code gc <count> <total ms> <longest ms>}, see {@link GcPauses}),
 * {@code fed} (when federating: {@code fed <published> <not federated> <read from the stream>
 * <handed on> <last offset> <NATS reconnections>}, see {@link NatsFederation}); end of input or {@code quit} stops it.
 * With arguments {@code <NATS URL> <hub name> [<stream storage>]} it federates through that
 * NATS server (a stream it creates on {@code file}, the default, or in {@code memory}) and
 * reports its ports only once it federates.
 */
public final class HubMain {

    private HubMain() {
    }

    public static void main(String[] args) throws Exception {
        // Status dumplings would add noise to the counts: once an hour is never here.
        HubSettings settings = HubSettings.ephemeral().withAddress("127.0.0.1")
                .withStatusInterval(Duration.ofHours(1));
        FederationSettings federation = args.length >= 2
                ? FederationSettings.OFF.withServers(java.util.List.of(args[0])).withHubName(args[1])
                        .withStorage(args.length >= 3 ? args[2] : null)
                : FederationSettings.OFF;
        GcPauses pauses = GcPauses.ofThisJvm();
        try (HubServer hub = new HubServer(settings, federation)) {
            hub.start();
            while (federation.enabled() && !hub.isFederating()) {
                Thread.sleep(10);
            }
            System.out.println("ports " + hub.kitchenPort() + " " + hub.eaterPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("quit")) {
                switch (line.trim()) {
                    case "heap" -> System.out.println("heap " + usedHeapAfterGc());
                    case "stats" -> {
                        HubStatistics s = hub.statistics();
                        System.out.println("stats " + s.dumplingsIn() + " " + s.dumplingsOut() + " "
                                + s.eaterDrops() + " " + s.eaterCount());
                    }
                    case "gc" -> System.out.println("gc " + pauses.takeWindow().toWords());
                    case "fed" -> {
                        NatsFederation f = hub.federation();
                        System.out.println(f == null ? "fed off" : "fed " + f.published() + " " + f.notFederated() + " "
                                + f.received() + " " + f.delivered() + " " + f.lastOffset() + " " + f.reconnects());
                    }
                    default -> System.out.println("error unknown command: " + line);
                }
                System.out.flush();
            }
        }
    }

    /** @return heap in use after full collections, once it stops shrinking */
    static long usedHeapAfterGc() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= previous) {
                break;
            }
            previous = used;
        }
        return used;
    }
}
