package netdumplings.kitchen.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which chefs management disabled in which kitchen, kept in a file (the kitchen bundle's
 * data area, {@code disabled-chefs.properties}: kitchen name = chef names, comma-separated)
 * so that a restarted runtime keeps them disabled. Every kitchen of the bundle shares the
 * file: reads and writes hold one lock, and a write replaces the file whole.
 */
final class DisabledChefs {

    private static final Logger LOG = LoggerFactory.getLogger(DisabledChefs.class);
    private static final Object LOCK = new Object();

    private final Path file;

    /** @param file where they are kept; null to keep them in memory only */
    DisabledChefs(Path file) {
        this.file = file;
    }

    /** @return the chefs disabled in that kitchen when last saved (empty if none, or unreadable) */
    Set<String> load(String kitchen) {
        if (file == null) {
            return Set.of();
        }
        synchronized (LOCK) {
            String chefs = read().getProperty(kitchen, "");
            Set<String> result = new LinkedHashSet<>();
            Arrays.stream(chefs.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(result::add);
            return result;
        }
    }

    /** Keeps the chefs disabled in that kitchen (none: forgets the kitchen). A failure is logged, not thrown. */
    void save(String kitchen, Set<String> chefs) {
        if (file == null) {
            return;
        }
        synchronized (LOCK) {
            Properties all = read();
            if (chefs.isEmpty()) {
                all.remove(kitchen);
            } else {
                all.setProperty(kitchen, String.join(",", new TreeSet<>(chefs)));
            }
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Path temp = file.resolveSibling(file.getFileName() + ".tmp");
                try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    all.store(out, "chefs disabled by management, by kitchen name");
                }
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                LOG.warn("kitchen {}: cannot keep its disabled chefs in {}: {} (they are enabled again after a "
                        + "restart)", kitchen, file, e.getMessage());
            }
        }
    }

    private Properties read() {
        Properties all = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            all.load(in);
        } catch (NoSuchFileException e) {
            // Nothing disabled yet.
        } catch (IOException e) {
            LOG.warn("cannot read the disabled chefs from {}: {}", file, e.getMessage());
        }
        return all;
    }
}
