package netdumplings.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

class SampleCapturesTest {

    @Test
    void findsASampleCaptureAndItsSubfolders() {
        assertTrue(Files.isRegularFile(SampleCaptures.path("dns.pcap")));
        assertTrue(Files.isRegularFile(SampleCaptures.path("malformed/tcp-malformed.pcap")));
        assertEquals(SampleCaptures.folder().resolve("dns.pcap"), SampleCaptures.path("dns.pcap"));
    }

    @Test
    void aMissingCaptureNamesTheFolderAndTheProperty() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SampleCaptures.path("nope.pcap"));
        assertTrue(e.getMessage().startsWith("sample capture missing: " + SampleCaptures.folder().resolve("nope.pcap")),
                e.getMessage());
        assertTrue(e.getMessage().contains("../shared/pcaps") && e.getMessage().contains("netdumplings.root"),
                e.getMessage());
    }
}
