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
 * Counts every protocol layer seen (each of {@link SniffedPacket#layer(int)}, stacked
 * VLAN tags twice), and sends the counts as interval dumplings: {@code {"packet_counts":
 * {"Ethernet": 198, "IP": 196, ...}}}, layers in the order first seen, as the original's.
 * Makes no packet dumplings. Counting is an array increment per layer.
 */
@Component(service = DumplingChef.class, scope = ServiceScope.PROTOTYPE)
public class PacketCountChef implements DumplingChef {

    private final long[] counts = new long[Protocol.count()];
    /** Protocol ordinals in the order first seen; the first {@code seen} are valid. */
    private final int[] order = new int[Protocol.count()];
    private int seen;

    @Override
    public Object packetHandler(SniffedPacket packet) {
        for (int i = 0, n = packet.layerCount(); i < n; i++) {
            Protocol layer = packet.layer(i); // null only from packets not made by a kitchen
            if (layer != null && counts[layer.ordinal()]++ == 0) {
                order[seen++] = layer.ordinal();
            }
        }
        return null;
    }

    @Override
    public Object intervalHandler(ChefContext context) {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        for (int i = 0; i < seen; i++) {
            snapshot.put(Protocol.ofOrdinal(order[i]).layerName(), counts[order[i]]);
        }
        return Map.of("packet_counts", snapshot);
    }
}
