package netdumplings.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.eater.DumplingEater;

/**
 * Felix + SCR + Config Admin + the real hub, kitchen and example chefs: a kitchen
 * configured through Config Admin replays dns.pcap, and an eater connected to the hub
 * receives the dumplings the chefs made of it.
 */
@ExtendWith({ BundleContextExtension.class, ServiceExtension.class })
class CaptureReplayIT {

    private static final int KITCHEN_PORT = 21347;
    private static final int EATER_PORT = 21348;

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ConfigurationAdmin configAdmin;

    private final TestConfigurations configurations = new TestConfigurations();
    private DumplingEater eater;

    @AfterEach
    void tearDown() throws Exception {
        if (eater != null) {
            eater.close();
        }
        configurations.deleteAll();
    }

    @Test
    void replayedDnsCaptureReachesAnEater() throws Exception {
        Path pcap = Path.of(context.getProperty("netdumplings.pcaps"), "dns.pcap").toAbsolutePath();
        assertTrue(Files.isReadable(pcap), "sample capture missing: " + pcap);

        configurations.update(configAdmin.getConfiguration("netdumplings.hub", "?"), Map.of(
                "address", "localhost",
                "in_port", KITCHEN_PORT,
                "out_port", EATER_PORT,
                "status_freq", 1.0));

        List<Dumpling> eaten = new CopyOnWriteArrayList<>();
        CountDownLatch connected = new CountDownLatch(1);
        eater = DumplingEater.builder()
                .name("itest_eater")
                .hub("localhost:" + EATER_PORT)
                .chefs(List.of("DNSLookupChef", "PacketCountChef"))
                .onConnect(uri -> connected.countDown())
                .onDumpling(eaten::add)
                .reconnect(true)
                .build();
        eater.start();
        assertTrue(connected.await(30, TimeUnit.SECONDS), "the eater never connected to the hub");

        configurations.update(configAdmin.getFactoryConfiguration("netdumplings.kitchen", "itest", "?"), Map.of(
                "kitchen_name", "itest_kitchen",
                "pcap", pcap.toString(),
                "speed", 0.0,
                "loop", 1,
                "hub", "localhost:" + KITCHEN_PORT,
                "poke_interval", 1.0));

        // dns.pcap holds 464 packets; 438 of them are DNS with a question on port 53 or 5353
        // (mDNS), as the original counts them, naming 174 distinct hosts, www.google.com 14
        // times. Counted with:
        //   tshark -r dns.pcap -Y "(udp.port==53 || tcp.port==53 || udp.port==5353) && dns.count.queries>0" \
        //     -T fields -e dns.qry.name
        // and the original's output (../shared/reference/original-chefs/dns.pcap.json) agrees.
        Dumpling lookups = await(eaten, d -> d.chef().equals("DNSLookupChef")
                && d.driver() == DumplingDriver.INTERVAL
                && total(lookupsSeen(d)) == 438);
        Map<String, Map<String, Object>> seen = lookupsSeen(lookups);
        assertEquals(174, seen.size());
        assertEquals(14, ((Number) seen.get("www.google.com").get("count")).intValue());
        assertEquals("itest_kitchen", lookups.kitchen());

        long packetLookups = eaten.stream()
                .filter(d -> d.chef().equals("DNSLookupChef") && d.driver() == DumplingDriver.PACKET)
                .count();
        assertEquals(438, packetLookups, "every DNS lookup dumpling reaches the eater");

        Dumpling counts = await(eaten, d -> d.chef().equals("PacketCountChef")
                && d.driver() == DumplingDriver.INTERVAL
                && packetCounts(d).getOrDefault("Ethernet", 0).intValue() == 464);
        assertEquals(464, packetCounts(counts).get("UDP").intValue());
    }

    private static Dumpling await(List<Dumpling> eaten, Predicate<Dumpling> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (Dumpling dumpling : eaten) {
                if (wanted.test(dumpling)) {
                    return dumpling;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such dumpling within 60 s; eaten: " + eaten.size() + " dumplings, last "
                + (eaten.isEmpty() ? "none" : eaten.get(eaten.size() - 1)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> lookupsSeen(Dumpling dumpling) {
        return (Map<String, Map<String, Object>>) ((Map<String, Object>) dumpling.payload()).get("lookups_seen");
    }

    private static long total(Map<String, Map<String, Object>> seen) {
        return seen == null ? 0
                : seen.values().stream().mapToLong(host -> ((Number) host.get("count")).longValue()).sum();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Number> packetCounts(Dumpling dumpling) {
        Object counts = ((Map<String, Object>) dumpling.payload()).get("packet_counts");
        return counts == null ? Map.of() : (Map<String, Number>) counts;
    }
}
