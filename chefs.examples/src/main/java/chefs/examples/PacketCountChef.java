package chefs.examples;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

import netdumplings.api.ChefContext;
import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;

/**
 * Counts every protocol layer seen (each entry of {@link SniffedPacket#layers()}), and
 * sends the counts as interval dumplings: {@code {"packet_counts": {"Ethernet": 198,
 * "IP": 196, ...}}}, layers in the order first seen. Makes no packet dumplings.
 */
@Component(service = DumplingChef.class, scope = ServiceScope.PROTOTYPE)
public class PacketCountChef implements DumplingChef {

    /** Counts by layer name; a long[1] so counting allocates nothing. */
    private final Map<String, long[]> counts = new HashMap<>();
    /** The layer names in the order first seen, as the original's dict. */
    private final Map<String, long[]> ordered = new LinkedHashMap<>();

    @Override
    public Object packetHandler(SniffedPacket packet) {
        List<String> layers = packet.layers();
        for (int i = 0, n = layers.size(); i < n; i++) {
            long[] count = counts.get(layers.get(i));
            if (count == null) {
                count = new long[1];
                counts.put(layers.get(i), count);
                ordered.put(layers.get(i), count);
            }
            count[0]++;
        }
        return null;
    }

    @Override
    public Object intervalHandler(ChefContext context) {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        ordered.forEach((layer, count) -> snapshot.put(layer, count[0]));
        return Map.of("packet_counts", snapshot);
    }
}
