package netdumplings.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.hub.internal.HubStatistics;

/**
 * The hub under test, in a JVM of its own so that its heap can be measured apart from
 * the load clients. Started by {@link HubProcess}: prints {@code ports <kitchen> <eater>}
 * once listening on ephemeral loopback ports, then answers commands on stdin, one line
 * each: {@code heap} (full GC, then {@code heap <used bytes>}), {@code stats}
 * ({@code stats <in> <out> <eater drops> <eaters>}); end of input or {@code quit} stops it.
 */
public final class HubMain {

    private HubMain() {
    }

    public static void main(String[] args) throws Exception {
        // Status dumplings would add noise to the counts: once an hour is never here.
        HubSettings settings = HubSettings.ephemeral().withAddress("127.0.0.1")
                .withStatusInterval(Duration.ofHours(1));
        try (HubServer hub = new HubServer(settings)) {
            hub.start();
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
