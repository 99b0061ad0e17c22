package netdumplings.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link HubMain} in a child JVM (same class path as this one), driven over its
 * stdin/stdout. Its log goes to a file.
 */
final class HubProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final PrintStream in;
    private final int kitchenPort;
    private final int eaterPort;

    /**
     * Starts the hub and waits until it listens.
     *
     * @param log where the child's stderr goes
     * @throws IOException if it cannot start or does not report its ports
     */
    HubProcess(Path log, String... hubArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms64m");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        // Extra options for the hub's JVM, e.g. a JFR recording to profile it.
        String extra = System.getProperty("netdumplings.bench.hubJvmArgs", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(HubMain.class.getName());
        cmd.addAll(List.of(hubArgs));
        process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String[] ports = answer("ports", null);
        kitchenPort = Integer.parseInt(ports[1]);
        eaterPort = Integer.parseInt(ports[2]);
    }

    int kitchenPort() {
        return kitchenPort;
    }

    int eaterPort() {
        return eaterPort;
    }

    long pid() {
        return process.pid();
    }

    /** @return the hub's heap in use after a full GC, in bytes */
    long heapAfterGc() throws IOException {
        return Long.parseLong(answer("heap", "heap")[1]);
    }

    /** @return {in, out, eater drops, eaters} */
    long[] stats() throws IOException {
        String[] a = answer("stats", "stats");
        return new long[] {Long.parseLong(a[1]), Long.parseLong(a[2]), Long.parseLong(a[3]), Long.parseLong(a[4])};
    }

    /**
     * @return a federating hub's counters: published, not federated (NATS away), read from
     *         the stream, handed on, last offset, NATS reconnections ({@link HubMain}); none
     *         when it does not federate
     */
    long[] federation() throws IOException {
        String[] a = answer("fed", "fed");
        if (a[1].equals("off")) {
            return new long[0];
        }
        long[] counts = new long[a.length - 1];
        for (int i = 1; i < a.length; i++) {
            counts[i - 1] = Long.parseLong(a[i]);
        }
        return counts;
    }

    /** @return the hub JVM's collection pauses since the last call (or its start) */
    GcPauses.Window gcPauses() throws IOException {
        String[] a = answer("gc", "gc");
        return GcPauses.Window.ofWords(a[1], a[2], a[3]);
    }

    private String[] answer(String expected, String command) throws IOException {
        if (command != null) {
            in.println(command);
        }
        // Other output (a JVM option's notice, say) may come first: skip a few lines of it.
        String line = out.readLine();
        for (int skipped = 0; line != null && !line.startsWith(expected + " ") && skipped < 20; skipped++) {
            line = out.readLine();
        }
        if (line == null || !line.startsWith(expected + " ")) {
            throw new IOException("hub process: expected '" + expected + "', got " + line);
        }
        return line.split(" ");
    }

    /** Kills the hub with SIGKILL: no close frame, no goodbye to NATS. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        in.println("quit");
        in.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
