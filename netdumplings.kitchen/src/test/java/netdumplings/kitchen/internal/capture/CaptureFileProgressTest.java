package netdumplings.kitchen.internal.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import netdumplings.testing.SampleCaptures;

/** The share of a file read, for the launchers' progress line (issue 12). */
class CaptureFileProgressTest {

    /**
     * Seen by the receiver at each packet: the bytes read so far over the file's size, so
     * it never goes back and is 1 at the end.
     */
    @Test
    void progressGrowsToOneAtTheEnd() throws Exception {
        for (String name : List.of("dns.pcap", "example.pcapng")) {
            Path file = SampleCaptures.path(name);
            try (CaptureFile f = CaptureFile.open(file, "")) {
                assertEquals(0, f.progress(), name);
                List<Double> seen = new ArrayList<>();
                f.read((seconds, nanos, length, data, dlt) -> seen.add(f.progress()));
                assertTrue(seen.size() > 1, name);
                for (int i = 1; i < seen.size(); i++) {
                    assertTrue(seen.get(i) >= seen.get(i - 1), name + " packet " + i + ": " + seen);
                }
                double middle = seen.get(seen.size() / 2);
                assertTrue(middle > 0 && middle < 1, name + ": " + middle);
                assertEquals(1.0, f.progress(), name + " of " + Files.size(file) + " bytes");
            }
        }
    }
}
