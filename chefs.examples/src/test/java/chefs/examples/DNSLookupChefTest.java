package chefs.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;

class DNSLookupChefTest {

    /**
     * {@code dns-expected.txt}: "count hostname latest" per host, made once with
     * <pre>
     * tshark -r dns.pcap -Y "(udp.port==53 || tcp.port==53 || udp.port==5353) &amp;&amp; dns.count.queries > 0" \
     *   -T fields -e dns.qry.name -e frame.time_epoch
     * </pre>
     * keeping the first question's name of each packet (438 packets, 174 hosts: DNS on port
     * 53 and mDNS on 5353, as the original counts them; the file's 12 LLMNR queries on 5355
     * are not lookups for the original, and 14 mDNS responses have no question).
     */
    private static Map<String, double[]> expected() throws Exception {
        Map<String, double[]> result = new LinkedHashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                DNSLookupChefTest.class.getResourceAsStream("dns-expected.txt"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                result.put(f[1], new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[2])});
            }
        }
        return result;
    }

    @Test
    void lookupsOfDnsPcap() throws Exception {
        Map<String, double[]> expected = expected();
        List<Dumpling> dumplings = ChefRun.run("dns.pcap", new DNSLookupChef());
        List<Dumpling> packets = dumplings.stream().filter(d -> d.driver() == DumplingDriver.PACKET).toList();
        List<Dumpling> intervals = dumplings.stream().filter(d -> d.driver() == DumplingDriver.INTERVAL).toList();
        assertEquals(438, packets.size());
        assertEquals(2, intervals.size());

        Map<String, Integer> counted = new LinkedHashMap<>();
        for (Dumpling d : packets) {
            Map<?, ?> lookup = (Map<?, ?>) ((Map<?, ?>) d.payload()).get("lookup");
            counted.merge((String) lookup.get("hostname"), 1, Integer::sum);
            assertEquals(Double.class, lookup.get("when").getClass());
        }
        Map<String, Integer> expectedCounts = new LinkedHashMap<>();
        expected.forEach((host, v) -> expectedCounts.put(host, (int) v[0]));
        assertEquals(expectedCounts, counted);

        Map<?, ?> seen = (Map<?, ?>) ((Map<?, ?>) intervals.get(1).payload()).get("lookups_seen");
        assertEquals(174, seen.size());
        for (Map.Entry<String, double[]> e : expected.entrySet()) {
            Map<?, ?> entry = (Map<?, ?>) seen.get(e.getKey());
            assertEquals((int) e.getValue()[0], ((Number) entry.get("count")).intValue(), e.getKey());
            assertEquals(e.getValue()[1], ((Number) entry.get("latest")).doubleValue(), 1e-6, e.getKey());
        }
        assertEquals(Map.of("lookups_seen", Map.of()), intervals.get(0).payload());
    }
}
