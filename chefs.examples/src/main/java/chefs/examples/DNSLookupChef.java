package chefs.examples;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import netdumplings.api.ChefContext;
import netdumplings.api.DumplingChef;
import netdumplings.api.Protocol;
import netdumplings.api.SniffedPacket;

/**
 * For every DNS message with a question (UDP 53 and 5353 (mDNS), TCP 53, as the original
 * counts them; not LLMNR), queries and responses alike, a packet dumpling
 * {@code {"lookup": {"hostname": "example.com", "when": <seconds>}}} (the first question's
 * name); and interval dumplings {@code {"lookups_seen": {"<host>": {"count": n, "latest": <seconds>}}}}.
 */
@Component(service = DumplingChef.class, scope = ServiceScope.PROTOTYPE)
public class DNSLookupChef implements DumplingChef {

    /** Per host: {count, latest} (latest as seconds). */
    private final Map<String, double[]> lookups = new LinkedHashMap<>();

    @Override
    public Object packetHandler(SniffedPacket packet) {
        String hostname = packet.has(Protocol.DNS) ? packet.dns().questionName() : null;
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
}
