package netdumplings.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log file: appended across opens, rotated past its size, owner-only whatever the mode it had. */
class LogFileTest {

    @TempDir
    Path dir;

    @Test
    void appendsAcrossOpens() throws IOException {
        Path path = dir.resolve("netdumplings.log");
        try (LogFile file = new LogFile(path, 1024, 5)) {
            file.write("first start\n");
        }
        try (LogFile file = new LogFile(path, 1024, 5)) {
            file.write("second start\n");
        }
        assertEquals("first start\nsecond start\n", Files.readString(path));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
    }

    @Test
    void rotatesPastItsSizeKeepingSoManyFiles() throws IOException {
        Path path = dir.resolve("netdumplings.log");
        // 10-byte records ("record NN\n"), 25 bytes at most: two records a file.
        try (LogFile file = new LogFile(path, 25, 3)) {
            for (int i = 10; i < 20; i++) {
                file.write("record " + i + "\n");
            }
        }
        assertEquals("record 18\nrecord 19\n", Files.readString(path));
        assertEquals("record 16\nrecord 17\n", Files.readString(dir.resolve("netdumplings.log.1")));
        assertEquals("record 14\nrecord 15\n", Files.readString(dir.resolve("netdumplings.log.2")));
        assertFalse(Files.exists(dir.resolve("netdumplings.log.3")), "three files in all");
        for (String name : new String[] {"netdumplings.log", "netdumplings.log.1", "netdumplings.log.2"}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))),
                    name);
        }
    }

    @Test
    void newLimitsApplyToTheNextRecord() throws IOException {
        Path path = dir.resolve("netdumplings.log");
        try (LogFile file = new LogFile(path, 1024, 2)) {
            file.write("record 1\n");
            file.limits(5, 2);
            file.write("record 2\n"); // larger than the limit: alone in its file, whole
        }
        assertEquals("record 2\n", Files.readString(path));
        assertEquals("record 1\n", Files.readString(dir.resolve("netdumplings.log.1")));
    }

    @Test
    void aFileOthersCouldReadBecomesOwnerOnly() throws IOException {
        Path path = dir.resolve("netdumplings.log");
        Files.writeString(path, "from an older version\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
        try (LogFile file = new LogFile(path, 1024, 5)) {
            file.write("now\n");
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        assertTrue(Files.readString(path).startsWith("from an older version\n"));
    }
}
