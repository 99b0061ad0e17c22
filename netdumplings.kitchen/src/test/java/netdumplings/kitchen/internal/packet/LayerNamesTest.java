package netdumplings.kitchen.internal.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import netdumplings.testing.OriginalReference;

/**
 * The layer names of every packet of every sample capture, counted as the original's
 * PacketCountChef counts them, equal the original's (../shared/reference/original-chefs,
 * made by netdumplings 0.5.1 with scapy 2.5; see its README), but for the application
 * layers listed in {@link OriginalReference#APPLICATION_LAYERS_NOT_NAMED}. Order included:
 * the original's counts are in the order each name was first seen.
 */
class LayerNamesTest {

    static List<String> captures() {
        return OriginalReference.captures();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void layerNamesAreTheOriginals(String capture) throws Exception {
        OriginalReference reference = OriginalReference.of(capture);
        List<CapturedPacket> packets = Captures.read(capture);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (CapturedPacket p : packets) {
            for (String layer : p.layers()) {
                counts.merge(layer, 1L, Long::sum);
            }
        }
        if (reference.error() != null) {
            return; // scapy could not read it: nothing to compare, but no exception here either
        }
        assertEquals(reference.packets(), packets.size(), "packets read");
        assertEquals(reference.packetCountsWithoutApplicationLayers().toString(), counts.toString());
    }
}
