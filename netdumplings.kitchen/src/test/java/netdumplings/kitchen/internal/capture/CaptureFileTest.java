package netdumplings.kitchen.internal.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import netdumplings.testing.SampleCaptures;

/**
 * {@link CaptureFile} against tshark: every shared capture read packet for packet with the
 * same timestamps, lengths and link types as {@code tshark -r FILE -T fields -e
 * frame.time_epoch -e frame.encap_type -e frame.cap_len -e frame.len}, run here on the
 * same file (tshark is independent of libpcap's file reader and of ours).
 */
class CaptureFileTest {

    /** Wireshark's encapsulation numbers (frame.encap_type) to the DLT libpcap reports. */
    private static final Map<Integer, Integer> WTAP_TO_DLT = Map.of(
            1, 1, // Ethernet
            25, 113, // Linux cooked (SLL)
            7, 12, // raw IP (LINKTYPE_RAW 101 in the file; libpcap reports DLT_RAW)
            15, 0); // BSD null/loopback

    static Stream<String> captures() throws IOException {
        List<String> names = new ArrayList<>();
        for (String folder : List.of("", "malformed/")) {
            try (Stream<Path> files = Files.list(SampleCaptures.folder().resolve(folder))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap") || n.endsWith(".pcapng"))
                        .sorted().forEach(n -> names.add(folder + n));
            }
        }
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everySharedCaptureReadsAsTsharkReadsIt(String name) throws Exception {
        Path file = SampleCaptures.path(name);
        assertEquals(tshark(file), read(file, ""), name);
    }

    @Test
    void severalInterfacesWithTheirOwnLinkTypesAndResolutions() throws Exception {
        // capinfos example.pcapng: interface 0 Ethernet, nanoseconds; interface 1 Linux
        // cooked, microseconds; 59 + 100 packets.
        List<String> packets = read(SampleCaptures.path("example.pcapng"), "");
        assertEquals(59, packets.stream().filter(p -> p.endsWith(" 1")).count());
        assertEquals(100, packets.stream().filter(p -> p.endsWith(" 113")).count());
    }

    @Test
    void pcapngWhoseInterfacesDifferInSnapshotLengthIsRead() throws Exception {
        // libpcap 1.10 (tcpdump -r) refuses it; tshark -r reads 2 packets:
        // 1350802591.754299000 (217 bytes) and 1571915896.647494000 (66 bytes).
        List<String> packets = read(SampleCaptures.path("malformed/ipv4-malformed.pcapng"), "");
        assertEquals(List.of("1350802591.754299000 217 217 1", "1571915896.647494000 66 66 1"), packets);
    }

    @Test
    void nanosecondAndBigEndianPcap(@TempDir Path dir) throws Exception {
        Path nano = dir.resolve("dns-nsec.pcap");
        run(List.of("editcap", "-F", "nsecpcap", SampleCaptures.path("dns.pcap").toString(), nano.toString()));
        assertEquals(tshark(nano), read(nano, ""));
        Path big = bigEndianCopy(SampleCaptures.path("many-protocols.pcap"), dir.resolve("big-endian.pcap"));
        List<String> expected = tshark(big);
        assertEquals(4709, expected.size());
        assertEquals(expected, read(big, ""));
    }

    @Test
    void truncatedFileGivesEveryWholePacketThenOneLineError(@TempDir Path dir) throws Exception {
        Path whole = SampleCaptures.path("dns.pcap");
        Path cut = dir.resolve("cut.pcap");
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 30)); // inside the last packet
        // tshark -r on the cut file prints 463 packets, then says it was cut short.
        List<String> expected = tshark(cut, false);
        assertEquals(463, expected.size());
        List<String> got = new ArrayList<>();
        try (CaptureFile f = CaptureFile.open(cut, "")) {
            CaptureException e = assertThrows(CaptureException.class, () -> f.read(collector(got)));
            assertTrue(e.getMessage().startsWith("error reading capture file " + cut + ": truncated packet at byte "),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        assertEquals(expected, got);
    }

    @Test
    void filterRunsOnEveryLinkType() throws Exception {
        // tshark -r many-protocols.pcap -Y arp | wc -l: 4; udp: 322 (tshark -Y "udp && !icmp").
        assertEquals(4, read(SampleCaptures.path("many-protocols.pcap"), "arp").size());
        // tshark -r example.pcapng -Y tcp | wc -l: both interfaces (Ethernet and SLL).
        List<String> tcp = read(SampleCaptures.path("example.pcapng"), "tcp");
        assertEquals(Integer.parseInt(run(List.of("sh", "-c", "tshark -r "
                + SampleCaptures.path("example.pcapng") + " -Y tcp 2>/dev/null | wc -l")).trim()), tcp.size());
        assertTrue(tcp.stream().anyMatch(p -> p.endsWith(" 113")) && tcp.stream().anyMatch(p -> p.endsWith(" 1")));
    }

    @Test
    void badFilterAndOtherFilesAreOneLineErrors(@TempDir Path dir) throws Exception {
        CaptureException bad = assertThrows(CaptureException.class,
                () -> CaptureFile.open(SampleCaptures.path("dns.pcap"), "tcp or or"));
        assertTrue(bad.getMessage().startsWith("bad filter \"tcp or or\": "), bad.getMessage());
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a capture\n");
        CaptureException notPcap = assertThrows(CaptureException.class, () -> CaptureFile.open(text, ""));
        assertEquals("cannot read capture file " + text + ": not a pcap or pcapng file (magic 0x6e6f7420)",
                notPcap.getMessage());
        CaptureException missing = assertThrows(CaptureException.class,
                () -> CaptureFile.open(dir.resolve("none.pcap"), ""));
        assertEquals("capture file " + dir.resolve("none.pcap") + " does not exist", missing.getMessage());
    }

    /** @return "epoch.nanoseconds caplen len dlt" for every packet */
    static List<String> read(Path file, String filter) {
        List<String> packets = new ArrayList<>();
        try (CaptureFile f = CaptureFile.open(file, filter)) {
            assertFalse(f.read(collector(packets)));
        }
        return packets;
    }

    private static CaptureSource.Receiver collector(List<String> packets) {
        return (seconds, nanos, len, data, dlt) -> packets
                .add(String.format("%d.%09d %d %d %d", seconds, nanos, data.length, len, dlt));
    }

    private static List<String> tshark(Path file) throws Exception {
        return tshark(file, true);
    }

    private static List<String> tshark(Path file, boolean mustSucceed) throws Exception {
        String out = mustSucceed
                ? run(List.of("tshark", "-r", file.toString(), "-T", "fields", "-e", "frame.time_epoch", "-e",
                        "frame.cap_len", "-e", "frame.len", "-e", "frame.encap_type"))
                : run(List.of("sh", "-c", "tshark -r '" + file + "' -T fields -e frame.time_epoch -e frame.cap_len"
                        + " -e frame.len -e frame.encap_type 2>/dev/null; true"));
        List<String> packets = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 4) {
                Integer dlt = WTAP_TO_DLT.get(Integer.parseInt(f[3]));
                packets.add(f[0] + " " + f[1] + " " + f[2] + " " + dlt);
            }
        }
        return packets;
    }

    /** Writes a big-endian copy of a little-endian microsecond pcap (headers swapped, data kept). */
    private static Path bigEndianCopy(Path source, Path target) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(source)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(in.capacity()).order(ByteOrder.BIG_ENDIAN);
        out.putInt(in.getInt()).putShort(in.getShort()).putShort(in.getShort());
        for (int i = 0; i < 4; i++) {
            out.putInt(in.getInt());
        }
        while (in.remaining() >= 16) {
            out.putInt(in.getInt()).putInt(in.getInt());
            int caplen = in.getInt();
            out.putInt(caplen).putInt(in.getInt());
            byte[] data = new byte[caplen];
            in.get(data);
            out.put(data);
        }
        Files.write(target, out.array());
        return target;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        // stderr to a file of its own: tshark says "Running as user root" there.
        Path err = Files.createTempFile("nd-test", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
            assertEquals(0, p.exitValue(), command + ": " + Files.readString(err));
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
