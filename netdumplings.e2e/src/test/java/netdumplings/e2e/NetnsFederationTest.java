package netdumplings.e2e;

import static netdumplings.e2e.Launched.freePort;
import static netdumplings.e2e.Launched.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import netdumplings.testing.NatsServer;
import netdumplings.testing.SampleCaptures;
import netdumplings.testing.Tshark;

/**
 * Issue 17, hubs on separate hosts: hub B runs in a network namespace of its own (its own
 * interfaces, addresses and loopback), reachable over a veth pair; hub A and the
 * nats-server stay in this one. A kitchen ({@code nd-sniff}, replaying {@code dns.pcap})
 * on hub A reaches an eater on hub B through NATS: every lookup in order by offset, none
 * twice; and hub B's status (through {@code nd-hubdetails} run inside its namespace) lists
 * hub A's kitchen. Real processes, real nats-server, real namespaces (needs root and
 * iproute2, as {@code bin/setup} installs them; skipped, saying why, otherwise).
 */
class NetnsFederationTest {

    private final List<String[]> cleanup = new ArrayList<>();
    private final List<Launched> processes = new ArrayList<>();
    private NatsServer nats;

    @TempDir
    Path dir;

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        if (p.exitValue() != 0) {
            System.out.println(String.join(" ", command) + ": " + out.trim());
        }
        return p.exitValue();
    }

    private static void must(String... command) throws Exception {
        assertEquals(0, run(command), String.join(" ", command));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Launched l : processes) {
            if (l.process().isAlive()) {
                l.process().destroy();
                if (!l.process().waitFor(60, TimeUnit.SECONDS)) {
                    l.process().destroyForcibly();
                }
            }
        }
        if (nats != null) {
            nats.stop();
        }
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            run(cleanup.get(i));
        }
    }

    @Test
    void aKitchenOnHubAReachesAnEaterOnHubBInAnotherNamespace() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && run("ip", "netns", "list") == 0,
                "needs root and iproute2 (ip netns) for a network namespace");
        // A name and a /30 of our own: tests of other checkouts may run at the same time.
        int n = ThreadLocalRandom.current().nextInt(16, 250);
        String ns = "nd-fed-" + ProcessHandle.current().pid();
        String host = "ndfh" + n;
        String peer = "ndfp" + n;
        String hostIp = "10.213." + n + ".1";
        String hubBIp = "10.213." + n + ".2";
        must("ip", "netns", "add", ns);
        cleanup.add(new String[] {"ip", "netns", "del", ns});
        must("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
        cleanup.add(new String[] {"ip", "link", "del", host});
        must("ip", "link", "set", peer, "netns", ns);
        must("ip", "addr", "add", hostIp + "/30", "dev", host);
        must("ip", "link", "set", host, "up");
        must("ip", "netns", "exec", ns, "ip", "addr", "add", hubBIp + "/30", "dev", peer);
        must("ip", "netns", "exec", ns, "ip", "link", "set", peer, "up");
        must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");

        // NATS on this side of the veth pair only: both hubs reach it there.
        nats = NatsServer.start(dir.resolve("nats"), "-a", hostIp);
        String natsUrl = "nats://" + hostIp + ":" + nats.port();
        int aIn = freePort();
        int aOut = freePort();
        int bIn = 11347;
        int bOut = 11348; // the namespace has ports of its own: the defaults are free there
        Launched hubA = launch("hubA", "nd-hub", "-i", Integer.toString(aIn), "-o", Integer.toString(aOut), "--nats",
                natsUrl, "--hub-name", "site-a");
        Launched hubB = launch("hubB", "ip", "netns", "exec", ns, bin("nd-hub"), "-a", hubBIp, "--nats", natsUrl,
                "--hub-name", "site-b");
        hubA.awaitOutput("hub listening");
        hubB.awaitOutput("hub listening");
        hubA.awaitOutput("federates through NATS");
        hubB.awaitOutput("federates through NATS");

        TestEater eater = TestEater.connect("ws://" + hubBIp + ":" + bOut + "/", "{\"eater_name\": \"site-b-eater\"}");
        try {
            Launched sniff = launch("sniff", "nd-sniff", "-h", "localhost:" + aIn, "-n", "site_a_kitchen", "--pcap",
                    SampleCaptures.path("dns.pcap").toString(), "--loop", "1", "--speed", "0", "-c", "DNSLookupChef");
            assertEquals(0, sniff.awaitExit(), sniff.stdout() + sniff.stderr());
            // The lookups DNSLookupChef makes (its test says why these ports), as tshark finds them.
            int expected = Tshark.fields(SampleCaptures.path("dns.pcap"), Tshark.DNS_LOOKUPS, "frame.number").size();
            assertEquals(438, expected);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (eater.packetDumplings("DNSLookupChef").size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<JsonNode> lookups = eater.packetDumplings("DNSLookupChef");
            assertEquals(expected, lookups.size(), "lookups on hub B");
            long previous = -1;
            for (JsonNode lookup : lookups) {
                long offset = lookup.path("metadata").path("offset").asLong(-1);
                assertTrue(offset > previous, "offsets in order, none twice: " + previous + " then " + offset);
                assertEquals("site_a_kitchen", lookup.path("metadata").path("kitchen").asText());
                previous = offset;
            }
        } finally {
            eater.close();
        }
        // Hub B's status, asked inside its namespace, lists a kitchen connected to hub A (one
        // replaying for ever: the first has left), marked with its hub's name.
        launch("live", "nd-sniff", "-h", "localhost:" + aIn, "-n", "site_a_live", "--pcap",
                SampleCaptures.path("dns.pcap").toString(), "--loop", "0", "-c", "DNSLookupChef");
        hubA.awaitOutput("kitchen site_a_live joined");
        // Hub A shares its status once per status interval, on a timer of its own: the status
        // hub B sends next may still carry A's summary from before the kitchen joined, so ask
        // again until one lists it (a status interval or two).
        String status = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        for (int attempt = 0; !listsLiveKitchen(status) && System.nanoTime() < deadline; attempt++) {
            Launched details = launch("details" + attempt, "ip", "netns", "exec", ns, bin("nd-hubdetails"), "-h",
                    hubBIp + ":" + bOut);
            assertEquals(0, details.awaitExit(), details.stderr());
            status = details.stdout();
        }
        assertTrue(listsLiveKitchen(status), status);
    }

    private static boolean listsLiveKitchen(String status) {
        return status.contains("\"kitchen_name\": \"site_a_live\"") && status.contains("\"hub\": \"site-a\"");
    }

    private static String bin(String tool) {
        return Launched.BIN.resolve(tool).toString();
    }

    private Launched launch(String name, String... command) throws Exception {
        Launched l = start(dir, name, command);
        processes.add(l);
        return l;
    }
}
