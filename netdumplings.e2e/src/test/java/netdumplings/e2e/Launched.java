package netdumplings.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A launcher of bin/ running in the background as a real process, its output in files. */
record Launched(Process process, Path out, Path err) {

    static final Path BIN = Path.of(System.getProperty("netdumplings.root"), "bin");

    /** Starts a launcher ({@code command[0]} names a file in bin/) in this JVM's working directory. */
    static Launched start(Path dir, String name, String... command) throws IOException {
        return startIn(null, dir, name, command);
    }

    /**
     * Starts a launcher in a working directory (null: this JVM's); its output goes to
     * dir/name.out and .err. A {@code command[0]} naming a file of bin/ runs that file;
     * another (such as {@code ip}) runs as given.
     */
    static Launched startIn(Path cwd, Path dir, String name, String... command) throws IOException {
        List<String> line = new ArrayList<>(List.of(command));
        if (Files.isRegularFile(BIN.resolve(command[0]))) {
            line.set(0, BIN.resolve(command[0]).toString());
        }
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process process = new ProcessBuilder(line).directory(cwd == null ? null : cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Launched(process, out, err);
    }

    /** @return a port free at the time of asking */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String stdout() throws IOException {
        return Files.readString(out);
    }

    String stderr() throws IOException {
        return Files.readString(err);
    }

    /** Waits (up to 120 s: a loaded machine) until the output holds the text; fails if the process ends first. */
    void awaitOutput(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(stdout() + stderr()).contains(text)) {
            assertTrue(System.nanoTime() < deadline && process.isAlive(), "no \"" + text + "\" in: " + stdout() + stderr());
            Thread.sleep(100);
        }
    }

    /** @return the exit status, waiting up to 180 s */
    int awaitExit() throws Exception {
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "did not end: " + stdout() + stderr());
        return process.exitValue();
    }
}
