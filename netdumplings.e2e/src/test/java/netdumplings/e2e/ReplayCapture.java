package netdumplings.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Joins classic pcap files of one link type into one, so that a single kitchen replays
 * them all: the first file's global header, then every file's packet records in turn.
 */
final class ReplayCapture {

    /** Global header: magic, version, zone, sigfigs, snaplen, link type; 24 bytes. */
    private static final int HEADER_BYTES = 24;

    private ReplayCapture() {
    }

    /** @return the sample capture {@code ${netdumplings.root}/../shared/pcaps/<name>} */
    static Path sample(String name) {
        String root = System.getProperty("netdumplings.root", "..");
        Path path = Path.of(root).resolve("../shared/pcaps").resolve(name).normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("sample capture missing: " + path);
        }
        return path;
    }

    /**
     * @param target where to write the joined capture
     * @param parts  classic pcap files with the same byte order, precision and link type
     * @return {@code target}
     */
    static Path join(Path target, List<Path> parts) throws IOException {
        byte[] first = null;
        try (OutputStream out = Files.newOutputStream(target)) {
            for (Path part : parts) {
                byte[] data = Files.readAllBytes(part);
                if (data.length < HEADER_BYTES) {
                    throw new IOException(part + " is not a pcap file");
                }
                byte[] header = Arrays.copyOf(data, HEADER_BYTES);
                if (first == null) {
                    first = header;
                    out.write(header);
                } else if (!Arrays.equals(first, 0, 4, header, 0, 4) || !Arrays.equals(first, 20, 24, header, 20, 24)) {
                    // Snaplen may differ (the first file's is used); magic and link type may not.
                    throw new IOException(part + " differs in format or link type from " + parts.get(0));
                }
                out.write(data, HEADER_BYTES, data.length - HEADER_BYTES);
            }
        }
        return target;
    }
}
