package netdumplings.eater.internal.cli;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import netdumplings.eater.DumplingEater;
import netdumplings.eater.EaterState;
import netdumplings.eater.EaterStateChange;
import netdumplings.eater.HubConnectionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the command-line eaters share: where they print, the options every one has
 * ({@code --hub}, {@code --token-file}, {@code --color}, {@code --help}, {@code --version}), picocli set-up with
 * one-line errors and exit code 2 for bad usage, one-line connection notices on stderr,
 * and a way to stop them from another thread (Ctrl-C, tests).
 * <p>
 * picocli merges these {@code @Command} attributes into each tool's own.
 */
@Command(sortOptions = false, usageHelpAutoWidth = true, versionProvider = Versions.class)
abstract class EaterCommand implements Callable<Integer> {

    /** Exit code for a bad command line, as picocli and click use. */
    static final int EXIT_USAGE = 2;
    /** Exit code when the hub cannot be reached or goes away before the work is done. */
    static final int EXIT_FAILURE = 1;

    /*
     * picocli lists a superclass's options first; the tools declare theirs with
     * sortOptions = false, so --color, --help and --version get an order that puts them
     * after the tool's own options (which keep the default order), as the original lists them.
     */
    @Option(names = {"-h", "--hub"}, paramLabel = "HOST:PORT", defaultValue = "localhost:11348",
            description = "Address where nd-hub is sending dumplings from. Default: ${DEFAULT-VALUE}.")
    String hub;

    @Option(names = "--token-file", paramLabel = "FILE", order = 999,
            description = "Send the token on this file's first line to the hub (for a hub with an eater token). "
                    + "Default: none.")
    Path tokenFile;

    @Option(names = "--color", negatable = true, defaultValue = "true", fallbackValue = "true", order = 1000,
            description = "Print color output. Default: on.")
    boolean color;

    @Option(names = "--help", usageHelp = true, order = 1001, description = "Show this message and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, order = 1002, description = "Show the version and exit.")
    boolean version;

    final PrintStream out;
    final PrintStream err;
    final ZoneId zone;
    final boolean terminal;
    private final String program;
    private volatile DumplingEater eater;
    private volatile boolean closed;
    private String lastNotice;
    private boolean wasConnected;

    /**
     * @param program  the program's name, in error messages
     * @param out      where the tool prints its output
     * @param err      where errors and notices go
     * @param zone     the time zone of printed times
     * @param terminal whether {@code out} is a terminal (lines may be rewritten in place)
     */
    EaterCommand(String program, PrintStream out, PrintStream err, ZoneId zone, boolean terminal) {
        this.program = requireNonNull(program, "program");
        this.out = requireNonNull(out, "out");
        this.err = requireNonNull(err, "err");
        this.zone = requireNonNull(zone, "zone");
        this.terminal = terminal;
    }

    /**
     * Parses the arguments and runs the tool.
     *
     * @param args the command line
     * @return the exit code: 0 done, 1 hub unreachable or lost, 2 bad usage
     */
    int execute(String... args) {
        CommandLine cli = new CommandLine(this);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, a) -> {
            usageError(e.getMessage());
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                usageError(e.getMessage());
                return EXIT_USAGE;
            }
            err.println(program + ": " + e);
            return EXIT_FAILURE;
        });
        return cli.execute(args);
    }

    private void usageError(String message) {
        err.println(program + ": " + message + " (see " + program + " --help)");
        err.flush();
    }

    /** Stops the tool: closes its eater with 4101. Any thread; idempotent. */
    void close() {
        closed = true;
        DumplingEater e = eater;
        if (e != null) {
            e.close();
        }
    }

    /**
     * @param name the eater's name
     * @return a builder for an eater of this tool's {@code --hub} and {@code --token-file}
     * @throws IllegalArgumentException (a usage error) if the token file cannot be read or is empty
     */
    DumplingEater.Builder eaterBuilder(String name) {
        DumplingEater.Builder builder = DumplingEater.builder().name(name).hub(hub);
        if (tokenFile != null) {
            builder.token(readToken(tokenFile));
        }
        return builder;
    }

    /** The secret comes from a file: a command line is visible to every user of the machine. */
    private static String readToken(Path file) {
        String line;
        try (BufferedReader in = Files.newBufferedReader(file)) {
            line = in.readLine();
        } catch (IOException e) {
            throw new IllegalArgumentException("--token-file: cannot read '" + file + "': "
                    + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()));
        }
        if (line == null || line.isBlank()) {
            throw new IllegalArgumentException("--token-file: '" + file + "' is empty; its first line must hold the secret");
        }
        return line.strip();
    }

    /**
     * Runs an eater on the calling thread until it finishes or {@link #close()}.
     *
     * @param builder the eater, with its callbacks set (the state listener is set here)
     * @param count   how many dumplings to eat, or {@link Long#MAX_VALUE}
     */
    void runEater(DumplingEater.Builder builder, long count) {
        DumplingEater e = builder.onStateChange(this::stateChanged).build();
        eater = e;
        if (closed) {
            return;
        }
        e.run(count);
    }

    /** One line on stderr per change of state, not one per failed attempt. */
    private void stateChanged(EaterStateChange change) {
        if (change.state() == EaterState.CONNECTED) {
            lastNotice = null;
            wasConnected = true;
        } else if (change.state() == EaterState.LOST && wasConnected && printsOwnLossLine()) {
            wasConnected = false; // the tool said so on stdout, as the original does
        } else if (change.state() == EaterState.LOST && change.cause() != null) {
            wasConnected = false;
            String notice = HubConnectionException.describe(change.cause());
            if (!notice.equals(lastNotice)) {
                lastNotice = notice;
                err.println(program + ": " + notice + (retries() ? " (retrying)" : ""));
                err.flush();
            }
        }
    }

    /** @return whether the tool prints its own line when an established connection is lost */
    boolean printsOwnLossLine() {
        return false;
    }

    /** @return whether the tool's eater reconnects */
    boolean retries() {
        return true;
    }

    /** @return whether {@link #close()} was called */
    boolean closed() {
        return closed;
    }

    String program() {
        return program;
    }

    /**
     * Runs a tool as a program: Ctrl-C closes the eater and exits quietly.
     *
     * @param tool the tool
     * @param args its command line
     * @return the exit code
     */
    static int runMain(EaterCommand tool, String[] args) {
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            tool.close();
            try {
                // Let the close frame go out, then let the JVM end.
                main.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = tool.execute(args);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down (Ctrl-C).
        }
        tool.out.flush();
        tool.err.flush();
        return code;
    }
}
