package netdumplings.kitchen.internal.packet;

import java.util.ArrayList;
import java.util.List;

import netdumplings.kitchen.internal.capture.CaptureSource;
import netdumplings.testing.SampleCaptures;

/** Reads a sample capture into the kitchen's packets with the kitchen's own capture reader. */
final class Captures {

    private Captures() {
    }

    static List<CapturedPacket> read(String name) {
        List<CapturedPacket> packets = new ArrayList<>();
        try (CaptureSource source = CaptureSource.openFile(SampleCaptures.path(name), "")) {
            while (source.read((seconds, nanos, original, data, dlt) -> packets
                    .add(new CapturedPacket(seconds, nanos, original, data, dlt)))) {
                // until the end of the file
            }
        }
        return packets;
    }

    /** A debugging aid: {@code layers FILE} prints each packet's layers. */
    public static void main(String[] args) {
        for (CapturedPacket p : read(args[0])) {
            System.out.println(String.join("/", p.layers()));
        }
    }
}
