package netdumplings.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared sample captures: {@code ${netdumplings.root}/../shared/pcaps}, the
 * folder beside the repository. Every module's Surefire sets {@value #ROOT_PROPERTY}
 * (see {@code cnf/pom.xml}); without it the root is the parent of the working directory,
 * as when a test runs in its module's folder.
 */
public final class SampleCaptures {

    /** The system property that names the repository root. */
    public static final String ROOT_PROPERTY = "netdumplings.root";
    /** Where the captures are, relative to the repository root. */
    public static final String FOLDER = "../shared/pcaps";

    private SampleCaptures() {
    }

    /** @return the folder of the sample captures (it may not exist) */
    public static Path folder() {
        return Path.of(System.getProperty(ROOT_PROPERTY, "..")).resolve(FOLDER).normalize();
    }

    /**
     * @param name a capture's path in the folder, such as {@code dns.pcap} or
     *             {@code malformed/tcp-malformed.pcap}
     * @return the capture
     * @throws IllegalStateException if there is no such file
     */
    public static Path path(String name) {
        Path path = folder().resolve(name).normalize();
        if (!Files.isRegularFile(path)) {
            String root = System.getProperty(ROOT_PROPERTY);
            throw new IllegalStateException("sample capture missing: " + path + " (the captures are read from "
                    + FOLDER + " relative to the repository root, which the system property " + ROOT_PROPERTY
                    + (root == null ? " would name: it is not set, so .. is used)" : " names: " + root + ")"));
        }
        return path;
    }
}
