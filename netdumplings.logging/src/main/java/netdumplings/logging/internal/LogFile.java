package netdumplings.logging.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A log file appended to (across starts), rotated by size, and owner-only (0600, whatever
 * the umask), since records may name secret files. When a record would take the file past
 * {@code maxBytes}, {@code name} becomes {@code name.1}, {@code name.1} becomes
 * {@code name.2} and so on; the oldest of {@code maxFiles} files in all goes. A record
 * larger than the limit is still written whole, alone in its file.
 */
final class LogFile implements Closeable {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path path;
    private long maxBytes;
    private int maxFiles;
    private FileChannel channel;
    private long size;

    /**
     * @param maxBytes the size past which the file is rotated (at least 1)
     * @param maxFiles how many files in all, the current one included (at least 1: then it is emptied instead)
     */
    LogFile(Path path, long maxBytes, int maxFiles) throws IOException {
        this.path = path;
        limits(maxBytes, maxFiles);
        open();
    }

    /** New limits, applied from the next record on. */
    synchronized void limits(long maxBytes, int maxFiles) {
        this.maxBytes = Math.max(1, maxBytes);
        this.maxFiles = Math.max(1, maxFiles);
    }

    synchronized void write(String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        if (size > 0 && size + bytes.remaining() > maxBytes) {
            rotate();
        }
        while (bytes.hasRemaining()) {
            size += channel.write(bytes);
        }
    }

    private void rotate() throws IOException {
        channel.close();
        if (maxFiles == 1) {
            Files.delete(path);
        } else {
            Files.deleteIfExists(numbered(maxFiles - 1));
            for (int i = maxFiles - 2; i >= 1; i--) {
                if (Files.exists(numbered(i))) {
                    Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(path, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    private Path numbered(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    private void open() throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        boolean posix = Files.getFileStore(path.toAbsolutePath().getParent())
                .supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class);
        FileAttribute<?>[] attributes = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), attributes);
        if (posix) {
            // Also a file an older version (or another umask) made readable to others.
            Files.setPosixFilePermissions(path, OWNER_ONLY);
        }
        size = channel.size();
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
