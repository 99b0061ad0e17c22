package netdumplings.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Builds the benchmark's big capture files from a sample, once (reused when present). */
final class CaptureFiles {

    /** A classic pcap file's global header, before the records. */
    static final int PCAP_HEADER_BYTES = 24;

    private CaptureFiles() {
    }

    /**
     * Writes {@code source}'s global header once, then its records {@code times} times:
     * a valid pcap file with {@code times} as many packets.
     *
     * @return the file, {@code <dir>/<name>-x<times>.pcap}
     * @throws IOException if {@code source} is not a classic pcap file, or on I/O errors
     */
    static Path repeated(Path source, int times, Path dir) throws IOException {
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive: " + times);
        }
        byte[] all = Files.readAllBytes(source);
        int magic = all.length < PCAP_HEADER_BYTES ? 0 : (all[0] & 0xff) << 24 | (all[1] & 0xff) << 16
                | (all[2] & 0xff) << 8 | all[3] & 0xff;
        // Either byte order, microsecond (a1b2c3d4) or nanosecond (a1b23c4d) timestamps.
        if (magic != 0xa1b2c3d4 && magic != 0xd4c3b2a1 && magic != 0xa1b23c4d && magic != 0x4d3cb2a1) {
            throw new IOException(source + " is not a classic pcap file (pcapng cannot be concatenated)");
        }
        String name = source.getFileName().toString().replaceFirst("\\.pcap$", "");
        Path target = dir.resolve(name + "-x" + times + ".pcap");
        long expected = PCAP_HEADER_BYTES + (long) (all.length - PCAP_HEADER_BYTES) * times;
        if (Files.isRegularFile(target) && Files.size(target) == expected) {
            return target;
        }
        Files.createDirectories(dir);
        Path partial = dir.resolve(target.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(partial)) {
            out.write(all, 0, PCAP_HEADER_BYTES);
            for (int i = 0; i < times; i++) {
                out.write(all, PCAP_HEADER_BYTES, all.length - PCAP_HEADER_BYTES);
            }
        }
        return Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
