package chefs.examples;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import org.pcap4j.packet.DnsPacket;
import org.pcap4j.packet.DnsQuestion;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

import netdumplings.api.ChefContext;
import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;

/**
 * For every DNS message (UDP or TCP port 53) with a question, queries and responses alike,
 * a packet dumpling {@code {"lookup": {"hostname": "example.com", "when": <seconds>}}}
 * (the first question's name, trailing dot stripped); and interval dumplings
 * {@code {"lookups_seen": {"<host>": {"count": n, "latest": <seconds>}}}}.
 */
@Component(service = DumplingChef.class, scope = ServiceScope.PROTOTYPE)
public class DNSLookupChef implements DumplingChef {

    /** DNS names are at most 255 bytes; labels at most 63; pointers are followed this often. */
    private static final int MAX_NAME_BYTES = 255;
    private static final int MAX_POINTERS = 16;

    /** Per host: {count, latest} (latest as seconds). */
    private final Map<String, double[]> lookups = new LinkedHashMap<>();

    @Override
    public Object packetHandler(SniffedPacket packet) {
        if (!packet.layers().contains("DNS")) {
            return null;
        }
        // Reading the question from the bytes is ~50 times cheaper than pcap4j's full DNS
        // parse; pcap4j stays the fallback for what the quick walk does not cover.
        String hostname = questionNameFromRaw(packet);
        if (hostname == null) {
            hostname = questionName(packet.packet());
        }
        if (hostname == null) {
            return null;
        }
        double when = packet.time();
        double[] seen = lookups.computeIfAbsent(hostname, h -> new double[2]);
        seen[0]++;
        seen[1] = Math.max(seen[1], when);
        Map<String, Object> lookup = new LinkedHashMap<>();
        lookup.put("hostname", hostname);
        lookup.put("when", when);
        return Map.of("lookup", lookup);
    }

    @Override
    public Object intervalHandler(ChefContext context) {
        Map<String, Object> seen = new LinkedHashMap<>();
        lookups.forEach((host, s) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("count", (long) s[0]);
            entry.put("latest", s[1]);
            seen.put(host, entry);
        });
        return Map.of("lookups_seen", seen);
    }

    /**
     * Walks the headers named by {@link SniffedPacket#layers()} to the DNS message and reads
     * its first question.
     *
     * @return the name, or null when the walk does not apply (IPv6 extension headers, an
     *         unknown link layer) or the message has no readable question
     */
    static String questionNameFromRaw(SniffedPacket packet) {
        byte[] d = packet.rawData();
        List<String> layers = packet.layers();
        int at = 0;
        for (int i = 0; i < layers.size(); i++) {
            String layer = layers.get(i);
            switch (layer) {
                case "Ethernet" -> at += 14;
                case "802.1Q", "Loopback" -> at += 4;
                case "cooked linux" -> at += packet.dataLinkType() == 276 ? 20 : 16;
                case "IP" -> {
                    if (d.length <= at) {
                        return null;
                    }
                    at += (d[at] & 0x0f) * 4;
                }
                case "IPv6" -> {
                    int next = d.length > at + 6 ? d[at + 6] & 0xff : -1;
                    if (next != 17 && next != 6) {
                        return null; // extension headers: let pcap4j find the payload
                    }
                    at += 40;
                }
                case "UDP" -> at += 8;
                case "TCP" -> {
                    if (d.length <= at + 12) {
                        return null;
                    }
                    at += ((d[at + 12] & 0xff) >>> 4) * 4 + 2; // header, then DNS's length prefix
                }
                case "DNS" -> {
                    return questionName(d, at);
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    /** @return the first question's name, or null if there is none or it does not parse */
    static String questionName(Packet parsed) {
        if (parsed == null) {
            return null;
        }
        DnsPacket dns = parsed.get(DnsPacket.class);
        if (dns != null) {
            var questions = dns.getHeader().getQuestions();
            if (questions.isEmpty()) {
                return null;
            }
            DnsQuestion question = questions.get(0);
            return stripDot(question.getQName().getName());
        }
        // pcap4j could not parse the message (a malformed record, say): read the question
        // from the raw payload, which is all this chef needs.
        UdpPacket udp = parsed.get(UdpPacket.class);
        if (udp != null && udp.getPayload() != null) {
            return questionName(udp.getPayload().getRawData(), 0);
        }
        TcpPacket tcp = parsed.get(TcpPacket.class);
        if (tcp != null && tcp.getPayload() != null) {
            return questionName(tcp.getPayload().getRawData(), 2); // after the length prefix
        }
        return null;
    }

    /**
     * @param data  bytes holding a DNS message at {@code start}
     * @param start offset of the DNS header
     * @return the first question's name, or null
     */
    static String questionName(byte[] data, int start) {
        if (data.length < start + 12) {
            return null;
        }
        int questions = (data[start + 4] & 0xff) << 8 | data[start + 5] & 0xff;
        if (questions == 0) {
            return null;
        }
        StringBuilder name = new StringBuilder();
        int at = start + 12;
        int pointers = 0;
        while (true) {
            if (at >= data.length) {
                return null;
            }
            int length = data[at] & 0xff;
            if (length == 0) {
                break;
            }
            if ((length & 0xc0) == 0xc0) {
                if (at + 1 >= data.length || ++pointers > MAX_POINTERS) {
                    return null;
                }
                at = start + ((length & 0x3f) << 8 | data[at + 1] & 0xff);
                continue;
            }
            if (length > 63 || at + 1 + length > data.length || name.length() + length + 1 > MAX_NAME_BYTES) {
                return null;
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(data, at + 1, length, StandardCharsets.ISO_8859_1));
            at += 1 + length;
        }
        return name.toString();
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
