package netdumplings.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code nats-server} (Debian's package; {@code bin/setup} installs it) run by a
 * test: on loopback, on a port of its own choosing ({@code -p -1}, read back from its log),
 * with JetStream storing into a directory the test gives. {@link #stop()} ends it (SIGTERM,
 * then SIGKILL), {@link #restart()} starts it again on the same port and directory.
 */
public final class NatsServer implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Listening for client connections on [^:]+:(\\d+)");
    private static final Pattern READY = Pattern.compile("Server is ready");

    private final Path storeDir;
    private final List<String> extraArgs;
    private final Path log;
    private Process process;
    private int port;

    private NatsServer(Path storeDir, List<String> extraArgs) {
        this.storeDir = storeDir;
        this.extraArgs = List.copyOf(extraArgs);
        this.log = storeDir.resolve("nats-server.log");
    }

    /**
     * Starts one.
     *
     * @param storeDir  where JetStream stores (a test's temporary directory)
     * @param extraArgs more nats-server arguments (e.g. {@code --auth TOKEN})
     * @return the running server
     */
    public static NatsServer start(Path storeDir, String... extraArgs) throws IOException, InterruptedException {
        NatsServer server = new NatsServer(storeDir, List.of(extraArgs));
        server.launch(-1);
        return server;
    }

    private void launch(int wantedPort) throws IOException, InterruptedException {
        Files.createDirectories(storeDir);
        List<String> command = new ArrayList<>(List.of("nats-server", "-a", "127.0.0.1", "-p", String.valueOf(wantedPort),
                "-js", "-sd", storeDir.resolve("js").toString()));
        command.addAll(extraArgs);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            int found = -1;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        found = Integer.parseInt(m.group(1));
                    }
                    if (READY.matcher(line).find()) {
                        listening.complete(found);
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new IOException("nats-server ended before it was ready; see " + log));
        }, "nats-server-log");
        reader.setDaemon(true);
        reader.start();
        try {
            port = listening.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("nats-server did not start: " + e.getMessage() + " (log: " + log + ")", e);
        }
        process = p;
    }

    /** @return its URL, {@code nats://127.0.0.1:PORT} */
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** @return its process id (while it runs) */
    public long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("nats-server is not running");
        }
        return p.pid();
    }

    /** @return its client port */
    public int port() {
        return port;
    }

    /** Stops it (SIGTERM, SIGKILL after 10 s); JetStream's files stay. Idempotent. */
    public void stop() throws InterruptedException {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts it again after {@link #stop()}, on the same port and store. */
    public void restart() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("nats-server is running");
        }
        IOException last = null;
        // The port may take a moment to be free again.
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                launch(port);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw last;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
