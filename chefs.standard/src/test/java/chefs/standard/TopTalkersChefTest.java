package chefs.standard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import netdumplings.api.SniffedPacket;
import netdumplings.chefkit.ChefReplay;
import netdumplings.chefkit.Configurations;
import netdumplings.chefkit.TestPackets;
import netdumplings.testing.SampleCaptures;

/**
 * Every address's packets and bytes sent and received, against Wireshark's endpoint
 * statistics, read once with
 * <pre>
 * tshark -r F -q -z endpoints,ip    (and -z endpoints,ipv6)
 * </pre>
 * (columns Tx Packets, Tx Bytes, Rx Packets, Rx Bytes; bytes are frame lengths) and the totals with
 * <pre>
 * tshark -r F -Y "ip or ipv6" -T fields -e frame.len | awk '{n++; s+=$1} END {print n, s}'
 * </pre>
 */
class TopTalkersChefTest {

    /** many-protocols.pcap: address, Tx packets, Tx bytes, Rx packets, Rx bytes (68 addresses). */
    private static final String MANY_PROTOCOLS = """
            10.0.0.1                     1965   294720   2697  2553103
            54.192.94.30                  383   518046    189    10884
            82.102.137.164                369   470333    187    20325
            173.194.78.104                284   326672    164    21153
            212.199.202.53                238   265641    171    21791
            212.199.202.69                149   138194    119    27419
            212.199.202.59                171   226536     94     7235
            64.233.166.94                 168   151436     95    18485
            10.0.0.138                    125    21188    128    10030
            212.58.244.71                  96   126645     61     3595
            137.116.210.57                 55    18403     68    46436
            176.9.42.179                   56    30157     56    26916
            168.61.58.14                   52    48173     48     6667
            173.194.112.43                 46     9818     45     4965
            8.8.8.8                        40     2960     40     2960
            212.199.202.43                 36    41335     28     2410
            212.199.202.50                 27     2255     26     3501
            31.13.93.3                     31    19234     17     4143
            212.199.219.227                21     9046     20     1974
            212.199.219.226                20     8993     20     1974
            173.194.66.157                 21    17884     18     2515
            212.58.246.107                 18    18046     19     1509
            77.72.118.213                  16     3112     20     3086
            185.31.17.185                  19    18658     14     1355
            212.58.244.66                  13     3867     18     1592
            54.92.201.39                   13     1560     14     7436
            212.58.244.114                 14     7798     12     1578
            195.245.125.153                12     5693     13     1037
            66.117.29.38                   11     2948     13     3756
            173.194.115.255                13     5274     11     2068
            212.199.202.10                 11     2895     11     1565
            212.199.219.232                10     2178     11     1477
            74.125.71.94                    9     1741     12     2073
            54.89.173.29                   11     7494      9      924
            212.58.246.42                   9      800     11     1368
            212.199.219.221                10     4496     10      987
            2.19.157.190                    8      961     11     1091
            173.194.113.58                  7     1343     10     1202
            173.194.112.122                 7     1184     10     1375
            46.236.9.36                     8      756      9      959
            173.192.82.194                 10      600      5      300
            23.21.122.142                   7      858      8     1763
            151.249.89.198                  7      882      8      855
            172.224.37.171                  7      574      8     1035
            212.58.244.20                   7      760      8      739
            212.58.246.112                  7     1002      8      798
            64.74.232.40                    5      833      9     1304
            64.74.232.44                    5      711      9      943
            54.231.140.80                   6      928      7      864
            173.194.113.25                  5      312      8      456
            173.194.116.108                 4      252      8      456
            146.185.23.162                  4      252      8      456
            212.199.219.217                 5      722      6      901
            10.118.10.1                     5      610      5      610
            10.118.10.2                     5      610      5      610
            10.209.20.3                     5      610      5      610
            10.209.20.4                     5      610      5      610
            1.2.3.4                         0        0      9      666
            172.233.179.195                 2      120      4      228
            212.199.202.8                   2      126      4      228
            173.194.116.30                  2      126      4      228
            173.194.66.95                   2      126      4      228
            173.194.113.57                  2      126      4      228
            212.199.202.27                  2      126      4      228
            10.0.0.255                      0        0      1       86
            fe80::4dc7:f593:1f7b:dc11      16     3210      0        0
            ff02::c                         0        0     14     2912
            ff02::1:2                       0        0      2      298
            """;

    /** dns.pcap: as above (9 addresses). */
    private static final String DNS = """
            10.0.0.1                      223    17812    212    34077
            10.0.0.138                    212    34077    216    17314
            224.0.0.251                     0        0     15     3146
            10.0.0.2                       14     3038      0        0
            224.0.0.252                     0        0      6      390
            fe80::5a1f:aaff:fe4f:3f9d       9     2505      0        0
            ff02::fb                        0        0      9     2505
            fe80::4dc7:f593:1f7b:dc11       6      510      0        0
            ff02::1:3                       0        0      6      510
            """;

    private static Map<?, ?> lastInterval(String file, Object... config) throws InterruptedException {
        TopTalkersChef chef = new TopTalkersChef(Configurations.of(TopTalkersChef.Config.class, config));
        ChefReplay.Result result = ChefReplay.replay(SampleCaptures.path(file), chef);
        assertEquals(0L, result.errors().get("TopTalkersChef"));
        return (Map<?, ?>) result.lastInterval("TopTalkersChef");
    }

    /** @return address to its four figures, as the chef listed them */
    private static Map<String, List<Long>> figures(Map<?, ?> payload) {
        Map<String, List<Long>> byAddress = new LinkedHashMap<>();
        for (Object o : (List<?>) payload.get("top_talkers")) {
            Map<?, ?> host = (Map<?, ?>) o;
            byAddress.put((String) host.get("address"), List.of(number(host, "packets_sent"), number(host, "bytes_sent"),
                    number(host, "packets_received"), number(host, "bytes_received")));
        }
        return byAddress;
    }

    private static Map<String, List<Long>> expected(String table) {
        Map<String, List<Long>> byAddress = new LinkedHashMap<>();
        table.lines().map(String::trim).filter(l -> !l.isEmpty()).forEach(l -> {
            String[] f = l.split(" +");
            byAddress.put(f[0], List.of(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4])));
        });
        return byAddress;
    }

    private static long number(Map<?, ?> map, String key) {
        return ((Number) map.get(key)).longValue();
    }

    @Test
    void everyAddressOfManyProtocolsCountsAsWiresharkEndpoints() throws Exception {
        Map<?, ?> payload = lastInterval("many-protocols.pcap", "top", 1000);
        assertEquals(expected(MANY_PROTOCOLS), figures(payload));
        assertEquals(68L, number(payload, "hosts"));
        // tshark -r many-protocols.pcap -Y "ip or ipv6" ...: 4699 packets, 2853559 bytes
        assertEquals(4699L, number(payload, "packets"));
        assertEquals(2853559L, number(payload, "bytes"));
        assertEquals(0L, number(payload, "hosts_forgotten"));
    }

    @Test
    void everyAddressOfDnsCountsAsWiresharkEndpointsIpv6Included() throws Exception {
        Map<?, ?> payload = lastInterval("dns.pcap", "top", 1000);
        assertEquals(expected(DNS), figures(payload));
        // tshark -r dns.pcap -Y "ip or ipv6" ...: 464 packets, 57942 bytes, from
        // 1413054930.198203 to 1413056207.820523 (frame.time_epoch of the first and last)
        assertEquals(464L, number(payload, "packets"));
        assertEquals(57942L, number(payload, "bytes"));
        double seconds = 1413056207.820523 - 1413054930.198203;
        assertEquals(seconds, ((Number) payload.get("interval_seconds")).doubleValue(), 1e-5);
        assertEquals(57942 / seconds, ((Number) payload.get("bytes_per_second")).doubleValue(), 1e-6);
        assertEquals(464 / seconds, ((Number) payload.get("packets_per_second")).doubleValue(), 1e-6);
    }

    @Test
    void theTopAreTheMostBytesFirst() throws Exception {
        Map<?, ?> payload = lastInterval("many-protocols.pcap");
        List<?> top = (List<?>) payload.get("top_talkers");
        assertEquals(10, top.size(), "the default top");
        // The first three rows of tshark's table (sorted by bytes): 10.0.0.1 2847823,
        // 54.192.94.30 528930, 82.102.137.164 490658
        assertEquals(List.of("10.0.0.1", "54.192.94.30", "82.102.137.164"),
                top.subList(0, 3).stream().map(h -> ((Map<?, ?>) h).get("address")).toList());
        assertEquals(2847823L, number((Map<?, ?>) top.get(0), "bytes"));
        assertEquals(4662L, number((Map<?, ?>) top.get(0), "packets"));
    }

    @Test
    void ratesAreOverTheLastIntervalOnThePacketsClock() {
        TopTalkersChef chef = new TopTalkersChef(Configurations.of(TopTalkersChef.Config.class));
        chef.intervalHandler(null); // the kitchen's first call, before any packet
        chef.packetHandler(packet("10.0.0.1", "10.0.0.2", 100, 0));
        chef.packetHandler(packet("10.0.0.1", "10.0.0.2", 100, 2));
        Map<?, ?> first = (Map<?, ?>) chef.intervalHandler(null);
        Map<?, ?> one = (Map<?, ?>) ((List<?>) first.get("top_talkers")).get(0);
        // 2 packets of 100 + 14 (Ethernet) + 20 (IPv4) + 8 (UDP) bytes over 2 s
        assertEquals(2.0, ((Number) first.get("interval_seconds")).doubleValue());
        assertEquals(2 * 142 / 2.0, ((Number) one.get("bytes_per_second")).doubleValue());
        assertEquals(1.0, ((Number) one.get("packets_per_second")).doubleValue());

        chef.packetHandler(packet("10.0.0.2", "10.0.0.1", 100, 6));
        Map<?, ?> second = (Map<?, ?>) chef.intervalHandler(null);
        Map<?, ?> again = (Map<?, ?>) ((List<?>) second.get("top_talkers")).get(0);
        assertEquals(4.0, ((Number) second.get("interval_seconds")).doubleValue());
        assertEquals(142 / 4.0, ((Number) again.get("bytes_per_second")).doubleValue(), 1e-9);
        assertEquals(3 * 142L, number(again, "bytes"), "totals are since the start");

        Map<?, ?> quiet = (Map<?, ?>) chef.intervalHandler(null);
        assertEquals(0.0, ((Number) quiet.get("bytes_per_second")).doubleValue(), "no packet, no rate");
    }

    @Test
    void aLoopingReplaysStepBackToTheStartCountsNoTime() {
        TopTalkersChef chef = new TopTalkersChef(Configurations.of(TopTalkersChef.Config.class));
        chef.packetHandler(packet("10.0.0.1", "10.0.0.2", 100, 0));
        chef.packetHandler(packet("10.0.0.1", "10.0.0.2", 100, 2));
        chef.intervalHandler(null);
        // the next pass: the same capture times again
        chef.packetHandler(packet("10.0.0.1", "10.0.0.2", 100, 0));
        chef.packetHandler(packet("10.0.0.1", "10.0.0.2", 100, 2));
        chef.packetHandler(packet("10.0.0.1", "10.0.0.2", 100, 0));
        chef.packetHandler(packet("10.0.0.1", "10.0.0.2", 100, 1));
        Map<?, ?> payload = (Map<?, ?>) chef.intervalHandler(null);
        assertEquals(3.0, ((Number) payload.get("interval_seconds")).doubleValue(), "2 s, then 1 s of the third pass");
        assertEquals(4 * 142 / 3.0, ((Number) payload.get("bytes_per_second")).doubleValue(), 1e-9);
    }

    @Test
    void pastMaxHostsTheEighthWithFewestBytesIsForgotten() {
        TopTalkersChef chef = new TopTalkersChef(Configurations.of(TopTalkersChef.Config.class, "max_hosts", 16,
                "top", 100));
        // 10.0.0.1 talks to 10.0.1.n with n bytes of payload: 17 addresses in all
        for (int n = 1; n <= 16; n++) {
            chef.packetHandler(packet("10.0.0.1", "10.0.1." + n, n, 0));
        }
        Map<?, ?> payload = (Map<?, ?>) chef.intervalHandler(null);
        // at the 17th address, 16 / 8 = 2 go: 10.0.1.1 and 10.0.1.2, who received the fewest bytes
        assertEquals(2L, number(payload, "hosts_forgotten"));
        assertEquals(15L, number(payload, "hosts"));
        Map<String, List<Long>> listed = figures(payload);
        assertTrue(!listed.containsKey("10.0.1.1") && !listed.containsKey("10.0.1.2") && listed.containsKey("10.0.1.3"),
                listed.keySet().toString());
        assertEquals(List.of(16L, 16L * 42 + 136, 0L, 0L), listed.get("10.0.0.1"), "the sender keeps every packet");
        assertEquals(16L, number(payload, "packets"), "totals keep forgotten hosts' packets");
    }

    @Test
    void aScanOfEqualAddressesForgetsOnlyTheEighth() {
        TopTalkersChef chef = new TopTalkersChef(Configurations.of(TopTalkersChef.Config.class, "max_hosts", 16,
                "top", 100));
        // 10.0.0.1 sends one empty datagram to each of 10.0.1.1..20: 20 receivers of 42 bytes each
        for (int n = 1; n <= 20; n++) {
            chef.packetHandler(packet("10.0.0.1", "10.0.1." + n, 0, 0));
        }
        Map<?, ?> payload = (Map<?, ?>) chef.intervalHandler(null);
        // 2 forgotten at the 16th, 18th and 20th receiver: 21 - 6 = 15 kept
        assertEquals(6L, number(payload, "hosts_forgotten"));
        assertEquals(15L, number(payload, "hosts"));
        assertEquals(List.of(20L, 20L * 42, 0L, 0L), figures(payload).get("10.0.0.1"));
    }

    @Test
    void ipv6AddressesAreKeptApartFromIpv4() {
        TopTalkersChef chef = new TopTalkersChef(Configurations.of(TopTalkersChef.Config.class));
        // ::a00:1 (IPv4-compatible, deprecated) has the bits of 10.0.0.1 in its last 32
        chef.packetHandler(TestPackets.ethernet().ipv6("2001:db8::1", "::a00:1").udp(1, 2).build());
        chef.packetHandler(packet("10.0.0.1", "10.0.0.2", 0, 0));
        Map<String, List<Long>> listed = figures((Map<?, ?>) chef.intervalHandler(null));
        assertEquals(List.of(0L, 0L, 1L, 62L), listed.get("::a00:1"));
        assertEquals(List.of(1L, 42L, 0L, 0L), listed.get("10.0.0.1"));
        assertEquals(List.of(1L, 62L, 0L, 0L), listed.get("2001:db8::1"));
    }

    /** A UDP packet with {@code payload} bytes, captured {@code second} s after a fixed time. */
    private static SniffedPacket packet(String src, String dst, int payload, int second) {
        return TestPackets.ethernet().ipv4(src, dst).udp(5000, 53).payload(new byte[payload])
                .time(Instant.ofEpochSecond(1_400_000_000L + second)).build();
    }

    @Test
    void configurationPropertiesAreTheDocumentedNames() throws IOException {
        // The Metatype description bnd generated from the annotation (what the Web Console's form
        // and a deploy/<PID>.cfg file use).
        String xml = Files.readString(Path.of("target/classes/OSGI-INF/metatype/chefs.standard.TopTalkersChef$Config.xml"));
        assertEquals(List.of("top", "max_hosts"),
                Pattern.compile("<AD id=\"([^\"]+)\"").matcher(xml).results().map(m -> m.group(1)).toList());
    }
}
