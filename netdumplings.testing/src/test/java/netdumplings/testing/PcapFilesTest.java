package netdumplings.testing;

import static netdumplings.testing.PcapFiles.HEADER_BYTES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapFilesTest {

    @TempDir
    Path dir;

    @Test
    void joinWritesTheFirstHeaderThenEveryPartsRecords() throws Exception {
        Path request = SampleCaptures.path("arp-request.pcap");
        Path response = SampleCaptures.path("arp-response.pcap");
        Path joined = PcapFiles.join(dir.resolve("arp.pcap"), List.of(request, response));
        byte[] a = Files.readAllBytes(request);
        byte[] b = Files.readAllBytes(response);
        byte[] expected = Arrays.copyOf(a, a.length + b.length - HEADER_BYTES);
        System.arraycopy(b, HEADER_BYTES, expected, a.length, b.length - HEADER_BYTES);
        assertArrayEquals(expected, Files.readAllBytes(joined));
    }

    @Test
    void joinRefusesAnotherLinkTypeAndPcapng() {
        IOException e = assertThrows(IOException.class, () -> PcapFiles.join(dir.resolve("x.pcap"),
                List.of(SampleCaptures.path("dns.pcap"), SampleCaptures.path("raw-ip.pcap"))));
        assertTrue(e.getMessage().contains("differs in format or link type"), e.getMessage());
        e = assertThrows(IOException.class, () -> PcapFiles.join(dir.resolve("y.pcap"),
                List.of(SampleCaptures.path("example.pcapng"))));
        assertTrue(e.getMessage().endsWith("is not a classic pcap file (pcapng cannot be concatenated)"),
                e.getMessage());
    }

    @Test
    void repeatedHasOneHeaderAndTheRecordsNTimesAndIsWrittenOnce() throws Exception {
        Path sample = SampleCaptures.path("dns.pcap");
        Path big = PcapFiles.repeated(sample, 3, dir);
        assertEquals(dir.resolve("dns-x3.pcap"), big);
        assertEquals(HEADER_BYTES + 3 * (Files.size(sample) - HEADER_BYTES), Files.size(big));
        Files.setLastModifiedTime(big, Files.getLastModifiedTime(sample));
        assertEquals(Files.getLastModifiedTime(sample), Files.getLastModifiedTime(PcapFiles.repeated(sample, 3, dir)),
                "an existing file of the right size is reused");
        assertThrows(IllegalArgumentException.class, () -> PcapFiles.repeated(sample, 0, dir));
    }
}
