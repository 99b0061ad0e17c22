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
import java.util.List;
import java.util.Map;
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
            description = "Address where nd-hub is sending dumplings from; several, comma-separated, to move on to the next "
                    + "when one goes away (federated hubs). Default: ${DEFAULT-VALUE}.")
    String hub;

    @Option(names = "--token-file", paramLabel = "FILE", order = 999,
            description = "Send the token on this file's first line to the hub (for a hub with an eater token). "
                    + "Default: none.")
    Path tokenFile;

    @Option(names = "--reconnect", order = 998,
            description = "Keep retrying when the hub cannot be reached or goes away, instead of exiting. "
                    + "Default: off.")
    boolean reconnect;

    /** Null unless given: then colour follows the terminal and NO_COLOR (see {@link #color()}). */
    @Option(names = "--color", negatable = true, order = 1000,
            description = "Print color output. Default: on when printing to a terminal and NO_COLOR is not set.")
    Boolean color;

    @Option(names = "--help", usageHelp = true, order = 1001, description = "Show this message and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, order = 1002, description = "Show the version and exit.")
    boolean version;

    final PrintStream out;
    final PrintStream err;
    final ZoneId zone;
    final boolean terminal;
    private final String program;
    /** The environment, for NO_COLOR; tests give their own. */
    Map<String, String> environment = System.getenv();
    private volatile DumplingEater eater;
    private volatile boolean failed;
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
        DumplingEater.Builder builder = DumplingEater.builder().name(name).hubs(List.of(hub.split(",")));
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
        DumplingEater e = builder.reconnect(retries()).onStateChange(this::stateChanged).build();
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
            failed = false; // connected again (the next of several hubs): not a failure (yet)
        } else if (change.state() == EaterState.LOST && wasConnected && printsOwnLossLine()) {
            wasConnected = false; // the tool said so on stdout, as the original does
            failed = !closed && !closedByHub(change.cause());
        } else if (change.state() == EaterState.LOST && change.cause() != null) {
            failed = !closed && !(wasConnected && closedByHub(change.cause()));
            wasConnected = false;
            String notice = HubConnectionException.describe(change.cause());
            if (!notice.equals(lastNotice)) {
                lastNotice = notice;
                err.println(program + ": " + notice + (retries() ? " (retrying)" : ""));
                err.flush();
            }
        }
    }

    /**
     * @param cause why a connection was lost
     * @return whether the hub ended it with a close frame saying it is done (1000 or 1001):
     *         the normal end of a tool that does not reconnect
     */
    private static boolean closedByHub(Throwable cause) {
        return cause instanceof HubConnectionException e && (e.closeCode() == 1000 || e.closeCode() == 1001);
    }

    /**
     * @return the exit code once the eater has returned: 0 when it was stopped, or the hub
     *         said goodbye; {@link #EXIT_FAILURE} when the hub could not be reached or the
     *         connection broke
     */
    int exitCode() {
        return failed && !closed ? EXIT_FAILURE : 0;
    }

    /**
     * @return whether to print colour: {@code --color}/{@code --no-color} if given, else only
     *         on a terminal and when {@code NO_COLOR} is unset or empty (https://no-color.org)
     */
    boolean color() {
        if (color != null) {
            return color;
        }
        String noColor = environment.get("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty());
    }

    /**
     * @return whether standard output is a terminal: the launchers in bin/ say so with
     *         {@value #TERMINAL_PROPERTY} (from the shell's {@code -t 1}, which unlike
     *         {@code System.console()} on Java 22+ also holds when stdin is redirected);
     *         without it, whether the JVM has a console
     */
    static boolean stdoutIsTerminal() {
        String told = System.getProperty(TERMINAL_PROPERTY);
        return told != null ? Boolean.parseBoolean(told) : System.console() != null;
    }

    /** The system property the launchers set to whether stdout is a terminal. */
    static final String TERMINAL_PROPERTY = "netdumplings.stdout.terminal";

    /** @return whether the tool prints its own line when an established connection is lost */
    boolean printsOwnLossLine() {
        return false;
    }

    /** @return whether the tool's eater reconnects: with {@code --reconnect} */
    boolean retries() {
        return reconnect;
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
