package netdumplings.launcher.internal.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

import netdumplings.launcher.internal.agent.LaunchPlan;
import netdumplings.launcher.internal.agent.LauncherAgent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What nd-hub, nd-sniff and netdumplings share: picocli with the Metatype defaults and
 * descriptions, one-line errors (exit 2), a state directory of its own per running
 * instance ({@code run/<kind>/<n>}: framework storage, and {@code deploy/} unless
 * {@code --deploy} names one), the configuration handed to the runtime's launcher agent
 * (Config Admin), the exported runtime run in this JVM, and signals: the first SIGINT or
 * SIGTERM stops the framework gracefully, a second one stops at once.
 */
@Command(sortOptions = false, usageHelpAutoWidth = true, versionProvider = RuntimeLauncher.Version.class)
abstract class RuntimeLauncher implements Callable<Integer> {

    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 1;

    @Spec
    CommandSpec spec;

    final String program;
    final String kind;
    final Path root = Path.of(System.getProperty("netdumplings.root", ".")).toAbsolutePath().normalize();
    /** The user's working directory, against which relative paths on the command line are read. */
    final Path cwd = Path.of(System.getProperty("netdumplings.cwd", ".")).toAbsolutePath().normalize();
    final PrintStream out = System.out;
    final PrintStream err = System.err;
    Path instance;
    private static FileChannel lockChannel;
    private static FileLock lock;

    RuntimeLauncher(String program, String kind) {
        this.program = program;
        this.kind = kind;
    }

    /** The project's version, from this jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RuntimeLauncher.class.getPackage().getImplementationVersion();
            return new String[] {"${COMMAND-NAME} (netdumplings for the JVM) "
                    + (version == null ? "development build" : version)};
        }
    }

    /** Parses the command line and runs; the exit code of the process. */
    int execute(String... args) {
        CommandLine cli = new CommandLine(this);
        try {
            Metatype metatype = new Metatype(runtimeJar());
            cli.setDefaultValueProvider(metatype);
            cli.setResourceBundle(metatype.descriptions());
        } catch (IOException e) {
            err.println(program + ": cannot read the runtime " + runtimeJar() + ": " + e.getMessage()
                    + " (run bin/setup first)");
            return EXIT_FAILURE;
        }
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println(program + ": " + e.getMessage() + " (see " + program + " --help)");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof ParameterException || e instanceof IllegalArgumentException) {
                err.println(program + ": " + e.getMessage() + (e instanceof ParameterException
                        ? " (see " + program + " --help)" : ""));
                return EXIT_USAGE;
            }
            err.println(program + ": " + e);
            return EXIT_FAILURE;
        });
        return cli.execute(args);
    }

    /** @return the exported runtime jar on this class path (the bnd launcher's) */
    static Path runtimeJar() {
        try {
            Class<?> launcher = Class.forName("aQute.launcher.pre.EmbeddedLauncher");
            return Path.of(launcher.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ReflectiveOperationException | java.net.URISyntaxException e) {
            throw new IllegalStateException("no exported runtime on the class path", e);
        }
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    int port(String option, int port) {
        if (port < 1 || port > 65535) {
            throw usage(option + " must be a port from 1 to 65535, not " + port);
        }
        return port;
    }

    double atLeastZero(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw usage(option + " must be a number >= 0, not " + value);
        }
        return value;
    }

    /** The hub and kitchens need a period: 0 (which the original takes) is refused here for now. */
    /** @return an interval in seconds: 0 (as often as the runtime allows, as the original's 0) or more */
    double interval(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw usage(option + " must be 0 or a positive number of seconds, not " + value);
        }
        return value;
    }

    /** @return the absolute path of a readable file given on the command line */
    Path readableFile(String option, Path file, String what) {
        Path resolved = cwd.resolve(file).normalize();
        if (!Files.isRegularFile(resolved) || !Files.isReadable(resolved)) {
            throw new IllegalArgumentException("cannot read " + what + " '" + file + "': no such readable file");
        }
        return resolved;
    }

    /**
     * A file that holds a secret and is passed on by name (the runtime reads it): readable,
     * and, as ssh wants of a private key, neither group nor others may read or write it.
     * Its content is never read here.
     */
    Path ownerOnlyFile(String option, Path file, String what) {
        Path resolved = readableFile(option, file, what);
        java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(resolved);
        } catch (UnsupportedOperationException e) {
            return resolved;
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot check '" + file + "': " + e.getMessage(), e);
        }
        for (java.nio.file.attribute.PosixFilePermission p : permissions) {
            if (p != java.nio.file.attribute.PosixFilePermission.OWNER_READ
                    && p != java.nio.file.attribute.PosixFilePermission.OWNER_WRITE
                    && p != java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE
                    && !p.name().endsWith("_EXECUTE")) {
                throw new IllegalArgumentException(option + ": '" + file + "' holds a secret but others may read or write it ("
                        + java.nio.file.attribute.PosixFilePermissions.toString(permissions) + "): chmod 600 it");
            }
        }
        return resolved;
    }

    /** Secrets come from files, never from the command line (which ps shows to everyone). */
    String secret(String option, Path file) {
        Path resolved = cwd.resolve(file);
        String line;
        try (BufferedReader in = Files.newBufferedReader(resolved)) {
            line = in.readLine();
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot read '" + file + "': "
                    + (e instanceof NoSuchFileException ? "no such readable file" : e.getMessage()));
        }
        if (line == null || line.strip().isEmpty()) {
            throw new IllegalArgumentException(option + ": '" + file + "' is empty; its first line must hold the secret");
        }
        return line.strip();
    }

    /** One explicit-or-default option's value, and whether the command line gave it. */
    boolean given(String longName) {
        return spec.commandLine().getParseResult().hasMatchedOption(longName);
    }

    /**
     * Takes the first free state directory {@code run/<kind>/<n>}: the lock is held for
     * as long as this JVM runs, so two runtimes never share one, and a restarted one
     * takes the same directory again as soon as the old JVM is gone.
     */
    Path claimInstance() throws IOException {
        for (int n = 1;; n++) {
            Path dir = root.resolve("run").resolve(kind).resolve(Integer.toString(n));
            Files.createDirectories(dir);
            // Its configuration (tokens, the console password) and logs are the owner's
            // only, also in a directory that an older version made with the default umask.
            ownerOnly(dir);
            FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock taken = channel.tryLock();
            if (taken != null) {
                lockChannel = channel;
                lock = taken;
                instance = dir;
                return dir;
            }
            channel.close();
        }
    }

    /** Makes a file readable and writable by its owner only (0600), where the file system has POSIX modes. */
    static void ownerOnlyFile(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static void ownerOnly(Path dir) throws IOException {
        if (Files.getFileStore(dir).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * Runs the runtime in this JVM and returns its exit code.
     *
     * @param configurations by PID, the values to apply, with the keys given explicitly
     * @param deploy         the directory File Install watches, or null for none
     * @param ends           what ends the runtime besides a signal
     * @param properties     more system properties for the runtime
     */
    int launch(Map<String, LaunchPlan.Target> configurations, Path deploy, Ends ends,
            Map<String, String> properties) throws Exception {
        boolean terminal = Boolean.getBoolean("netdumplings.stderr.terminal");
        LaunchPlan plan = new LaunchPlan(program, configurations, ends.kitchen(), ends.kitchenFailure(),
                ends.replay(), ends.hubFailure(), terminal);
        System.setProperty(LauncherAgent.PLAN_PROPERTY, new ObjectMapper().writeValueAsString(plan));
        System.setProperty("org.osgi.framework.storage", instance.resolve("felix-cache").toString());
        // The runtime's log file (netdumplings.logging: appended, rotated, owner-only).
        System.setProperty("netdumplings.log.file", logFile().toString());
        if (deploy != null) {
            Files.createDirectories(deploy);
            System.setProperty("felix.fileinstall.dir", deploy.toString());
            err.println(program + ": state in " + shown(instance) + ", chef bundles and .cfg files in " + shown(deploy));
            err.flush();
        }
        System.setProperty("netdumplings.launcher", program);
        properties.forEach(System::setProperty);
        installSignalHandlers();
        Class<?> launcher = Class.forName("aQute.launcher.pre.EmbeddedLauncher");
        Object embedded = launcher.getConstructor().newInstance();
        int code;
        try {
            code = (Integer) launcher.getMethod("run", String[].class).invoke(embedded, (Object) new String[0]);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
        return code;
    }

    /**
     * What ends a runtime besides a signal (see the agent's RuntimeWatcher).
     *
     * @param kitchen        the launcher's own kitchen, or null
     * @param kitchenFailure whether that kitchen failing, or finding no chef, ends it (status 1)
     * @param replay         whether that kitchen's replay of N loops ending ends it (status 0)
     * @param hubFailure     whether a hub that cannot start at all ends it (status 1)
     */
    record Ends(String kitchen, boolean kitchenFailure, boolean replay, boolean hubFailure) {
    }

    /** @return this instance's log file, {@code run/<kind>/<n>/netdumplings.log} */
    Path logFile() {
        return instance.resolve("netdumplings.log");
    }

    /** @return a path relative to the checkout when inside it */
    String shown(Path path) {
        return path.startsWith(root) ? root.relativize(path) + "/" : path.toString();
    }

    private static final AtomicInteger SIGNALS = new AtomicInteger();

    /**
     * SIGINT and SIGTERM: the first ends the JVM normally, whose shutdown hook (the launcher
     * agent's) stops the framework and waits for it; the second halts at once.
     */
    void installSignalHandlers() {
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    int code = name.equals("INT") ? 130 : 0;
                    if (SIGNALS.incrementAndGet() == 1) {
                        err.println(program + ": stopping (SIG" + name + "; again to stop at once)");
                        err.flush();
                        Thread exit = new Thread(() -> System.exit(code), "nd-signal");
                        exit.start();
                    } else {
                        err.println(program + ": stopped at once (SIG" + name + ")");
                        err.flush();
                        Runtime.getRuntime().halt(code == 0 ? 143 : code);
                    }
                });
            } catch (IllegalArgumentException e) {
                // A signal the JVM reserves (e.g. with -Xrs): the default behaviour stays.
            }
        }
    }

    /** @return a configuration target from values and the keys of the explicitly given options */
    static LaunchPlan.Target target(Map<String, Object> values, List<String> explicit) {
        return new LaunchPlan.Target(values, explicit);
    }

    /** A map keeping insertion order, for readable plans. */
    static Map<String, Object> values() {
        return new LinkedHashMap<>();
    }

    static List<String> keys() {
        return new ArrayList<>();
    }

    /** Runs a launcher as a program. */
    static void main(RuntimeLauncher launcher, String[] args) {
        int code = launcher.execute(args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    // Long names only, as click's: -h is --hub where there is one.
    @Option(names = "--help", usageHelp = true, order = 1001, description = "Show this message and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, order = 1002, description = "Show the version and exit.")
    boolean version;

    @Option(names = "--deploy", paramLabel = "DIR", order = 900,
            description = "Directory of chef bundles and .cfg files to watch. Default: deploy/ inside this "
                    + "runtime's own state directory (run/<kind>/<n>/deploy).")
    Path deployOption;

    /** @return the deploy directory: {@code --deploy} or the instance's own */
    Path deployDirectory() {
        return deployOption != null ? cwd.resolve(deployOption).normalize() : instance.resolve("deploy");
    }
}
