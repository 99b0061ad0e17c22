package netdumplings.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the benchmarks find the sample captures: as {@code netdumplings.bench.Bench} does. */
final class JmhPaths {

    private JmhPaths() {
    }

    static Path pcaps() {
        String explicit = System.getProperty("netdumplings.pcaps");
        if (explicit != null) {
            return Path.of(explicit);
        }
        Path root = Path.of(System.getProperty("netdumplings.root", "."));
        Path p = root.resolve("../shared/pcaps").normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("no sample captures at " + p.toAbsolutePath()
                    + ": set -Dnetdumplings.root=<repository> or -Dnetdumplings.pcaps=<dir>");
        }
        return p;
    }
}
