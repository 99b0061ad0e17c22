package netdumplings.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * Concatenates classic pcap files: one global header, then the packet records of each
 * part in turn. The result is a valid pcap file that a kitchen replays as one. pcapng
 * files cannot be concatenated this way and are refused.
 */
public final class PcapFiles {

    /** A classic pcap file's global header (magic, version, zone, sigfigs, snaplen, link type). */
    public static final int HEADER_BYTES = 24;

    private PcapFiles() {
    }

    /**
     * Joins files of one format and link type, so that a single kitchen replays them all.
     *
     * @param target where to write the joined capture
     * @param parts  classic pcap files with the same byte order, precision and link type
     *               (their snaplen may differ: the first file's is used)
     * @return {@code target}
     * @throws IOException if a part is not a classic pcap file or differs from the first,
     *                     or on I/O errors
     */
    public static Path join(Path target, List<Path> parts) throws IOException {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no capture to join");
        }
        byte[] first = null;
        try (OutputStream out = Files.newOutputStream(target)) {
            for (Path part : parts) {
                byte[] data = read(part);
                if (first == null) {
                    first = data;
                    out.write(data, 0, HEADER_BYTES);
                } else if (!Arrays.equals(first, 0, 4, data, 0, 4) || !Arrays.equals(first, 20, 24, data, 20, 24)) {
                    throw new IOException(part + " differs in format or link type from " + parts.get(0));
                }
                out.write(data, HEADER_BYTES, data.length - HEADER_BYTES);
            }
        }
        return target;
    }

    /**
     * Writes {@code source}'s global header once, then its records {@code times} times: a
     * valid pcap file with {@code times} as many packets. Written once: a file of the
     * expected size already there is reused; a new one appears whole (written aside, then
     * moved in place).
     *
     * @return the file, {@code <dir>/<name>-x<times>.pcap}
     * @throws IOException if {@code source} is not a classic pcap file, or on I/O errors
     */
    public static Path repeated(Path source, int times, Path dir) throws IOException {
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive: " + times);
        }
        byte[] all = read(source);
        String name = source.getFileName().toString().replaceFirst("\\.pcap$", "");
        Path target = dir.resolve(name + "-x" + times + ".pcap");
        long expected = HEADER_BYTES + (long) (all.length - HEADER_BYTES) * times;
        if (Files.isRegularFile(target) && Files.size(target) == expected) {
            return target;
        }
        Files.createDirectories(dir);
        Path partial = dir.resolve(target.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(partial)) {
            out.write(all, 0, HEADER_BYTES);
            for (int i = 0; i < times; i++) {
                out.write(all, HEADER_BYTES, all.length - HEADER_BYTES);
            }
        }
        return Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** @return the file's bytes, once its magic shows a classic pcap file */
    private static byte[] read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int magic = all.length < HEADER_BYTES ? 0 : (all[0] & 0xff) << 24 | (all[1] & 0xff) << 16
                | (all[2] & 0xff) << 8 | all[3] & 0xff;
        // Either byte order, microsecond (a1b2c3d4) or nanosecond (a1b23c4d) timestamps.
        if (magic != 0xa1b2c3d4 && magic != 0xd4c3b2a1 && magic != 0xa1b23c4d && magic != 0x4d3cb2a1) {
            throw new IOException(file + " is not a classic pcap file (pcapng cannot be concatenated)");
        }
        return all;
    }
}
