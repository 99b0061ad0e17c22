package netdumplings.kitchen.internal;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared sample captures: {@code ${netdumplings.root}/../shared/pcaps}. */
final class TestPcaps {

    private TestPcaps() {
    }

    static Path path(String name) {
        String root = System.getProperty("netdumplings.root", "..");
        Path path = Path.of(root).resolve("../shared/pcaps").resolve(name).normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("sample capture missing: " + path);
        }
        return path;
    }
}
