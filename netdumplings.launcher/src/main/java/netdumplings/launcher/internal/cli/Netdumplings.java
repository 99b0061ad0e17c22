package netdumplings.launcher.internal.cli;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import netdumplings.launcher.internal.agent.LaunchPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code netdumplings}: the all-in-one runtime (hub, a kitchen with the example and standard chefs, the
 * Web Console). Its kitchen sends to its own hub, and {@code --print} shows the dumplings
 * with nd-print from its own eater port, wherever the flags move them.
 */
@Command(name = "netdumplings", description = {
    "The all-in-one runtime: the hub, a kitchen with the example and standard chefs, a deploy directory for chef bundles, "
            + "and the Web Console.", "",
    "Settings changed in the Web Console stay changed at the next start, unless given again here."})
public final class Netdumplings extends RuntimeLauncher {

    @Option(names = {"-a", "--address"}, paramLabel = "ADDRESS", descriptionKey = "hub.address")
    String address;

    @Option(names = {"-i", "--in-port"}, paramLabel = "PORT", descriptionKey = "hub.in_port")
    int inPort;

    @Option(names = {"-o", "--out-port"}, paramLabel = "PORT", descriptionKey = "hub.out_port")
    int outPort;

    @Option(names = {"-f", "--status-freq"}, paramLabel = "SECONDS", descriptionKey = "hub.status_freq")
    double statusFreq;

    @Option(names = "--console-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the Web Console (on localhost). Default: ${DEFAULT-VALUE}.")
    int consolePort;

    @Option(names = "--interface", paramLabel = "INTERFACE", descriptionKey = "kitchen.interface")
    String networkInterface;

    @Option(names = "--filter", paramLabel = "PCAP_FILTER", descriptionKey = "kitchen.filter")
    String filter;

    @Option(names = "--pcap", paramLabel = "FILE", descriptionKey = "kitchen.pcap")
    Path pcap;

    @Option(names = "--speed", paramLabel = "X", descriptionKey = "kitchen.speed")
    double speed;

    @Option(names = "--max-gap", paramLabel = "SECONDS", descriptionKey = "kitchen.max_gap")
    double maxGap;

    // Not the kitchen type's default (1): the all-in-one demo replays for ever.
    @Option(names = "--loop", paramLabel = "N", defaultValue = "0",
            description = "Times to replay the capture file; 0 for ever. Default: ${DEFAULT-VALUE}.")
    int loop;

    @Option(names = "--print", description = "Also show the dumplings here (nd-print); the runtime's log then goes "
            + "only to run/all/<n>/netdumplings.log, not to this terminal.")
    boolean print;

    @Option(names = {"-c", "--chef"}, paramLabel = "CHEF_NAME", description = "With --print: show only this chef's "
            + "dumplings (repeatable).")
    List<String> printChefs = new ArrayList<>();

    @Option(names = {"-k", "--kitchen"}, paramLabel = "KITCHEN_NAME", description = "With --print: show only this "
            + "kitchen's dumplings (repeatable).")
    List<String> printKitchens = new ArrayList<>();

    public Netdumplings() {
        super("netdumplings", "all");
    }

    public static void main(String[] args) {
        main(new Netdumplings(), args);
    }

    /**
     * A hub that cannot start ends it; its kitchen's failure does not (the hub and the Web
     * Console go on serving), its replay of N loops ending does.
     */
    private Ends ends() {
        return new Ends("default_kitchen", false, pcap != null && loop > 0, true);
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> hubValues = values();
        List<String> hubExplicit = keys();
        NdHub.hubValues(this, hubValues, hubExplicit, address, inPort, outPort, statusFreq);
        if (inPort == outPort) {
            throw usage("the in-port and the out-port must differ");
        }
        port("--console-port", consolePort);
        String host = address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]") ? "localhost"
                : address;
        Map<String, Object> kitchenValues = values();
        List<String> kitchenExplicit = keys();
        NdSniff.kitchenValues(this, kitchenValues, kitchenExplicit, null, null, networkInterface, filter, -1, pcap,
                speed, maxGap, loop);
        // Its own hub, wherever the flags put it: given explicitly, as the ports are.
        NdHub.put(kitchenValues, hubExplicit.contains("in_port") || hubExplicit.contains("address")
                ? kitchenExplicit : null, "hub", hostPort(host, inPort));
        kitchenValues.put("kitchen_name", "default_kitchen");
        kitchenValues.put("fallback_to_sample", true);
        claimInstance();
        Map<String, LaunchPlan.Target> plan = new LinkedHashMap<>();
        plan.put("netdumplings.hub", target(hubValues, hubExplicit));
        plan.put("netdumplings.kitchen~default", target(kitchenValues, kitchenExplicit));
        Map<String, String> properties = new HashMap<>();
        properties.put("netdumplings.hub.await.configuration", "true");
        properties.put("org.osgi.service.http.port", Integer.toString(consolePort));
        Path passwordFile = instance.resolve("console-password");
        properties.put("netdumplings.console.password.file", passwordFile.toString());
        showGeneratedPassword(passwordFile);
        boolean stdinTerminal = Boolean.getBoolean("netdumplings.stdin.terminal");
        if (print || !stdinTerminal) {
            // Gogo would stop the framework at the end of its input: no shell without a terminal.
            properties.put("gosh.args", "--nointeractive");
        }
        if (!print) {
            return launch(plan, deployDirectory(), ends(), properties);
        }
        return launchAndPrint(plan, properties, host);
    }

    /**
     * A console password generated at this start (owner-only file, never in a log) is shown
     * here on the terminal, once, whether or not the runtime's log goes to a file (--print).
     */
    private void showGeneratedPassword(Path file) throws java.io.IOException {
        java.nio.file.attribute.FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
        PrintStream terminal = err;
        Thread watch = new Thread(() -> {
            try {
                for (int i = 0; i < 1200; i++) { // 10 min: a slow first start on a loaded machine
                    Thread.sleep(500);
                    if (Files.exists(file) && !Files.getLastModifiedTime(file).equals(before)) {
                        terminal.println(program + ": Web Console user \"admin\", password \""
                                + Files.readString(file).trim() + "\" (generated at this first start; kept in "
                                + (file.startsWith(root) ? root.relativize(file) : file) + ", readable by you only)");
                        terminal.flush();
                        return;
                    }
                }
            } catch (InterruptedException | java.io.IOException e) {
                // Not shown: the file still holds it.
            }
        }, "nd-console-password");
        watch.setDaemon(true);
        watch.start();
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The runtime in the background of this JVM (its log to a file), nd-print in the foreground. */
    private int launchAndPrint(Map<String, LaunchPlan.Target> plan, Map<String, String> properties, String host)
            throws Exception {
        Path log = logFile();
        // The log's records go to the log file only (not to this terminal, which shows
        // dumplings); what else the JVM prints (the framework's own errors) goes to
        // output.log beside it, appended and owner-only as the log.
        Map<String, String> runtimeProperties = new HashMap<>(properties);
        runtimeProperties.put("netdumplings.log.console", "false");
        Path output = instance.resolve("output.log");
        PrintStream outputStream = new PrintStream(Files.newOutputStream(output, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), true);
        ownerOnlyFile(output);
        PrintStream console = out;
        System.setOut(outputStream);
        System.setErr(outputStream);
        CompletableFuture<Integer> runtime = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                runtime.complete(launch(plan, deployDirectory(), ends(), runtimeProperties));
            } catch (Exception e) {
                runtime.completeExceptionally(e);
            }
        }, "nd-runtime");
        thread.start();
        Path shownLog = root.relativize(log);
        if (!awaitPort(host, outPort, runtime)) {
            err.println(program + ": the runtime did not start (log: " + shownLog + ")");
            return EXIT_FAILURE;
        }
        console.println("netdumplings is running: kitchens ws://" + hostPort(host, inPort) + ", eaters ws://"
                + hostPort(host, outPort) + ", Web Console http://localhost:" + consolePort + "/system/console");
        console.println("log: " + shownLog + "; Ctrl-C stops it. Dumplings:");
        console.flush();
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/nd-print").toString(), "-h",
                hostPort(host, outPort)));
        printChefs.forEach(c -> command.addAll(List.of("-c", c)));
        printKitchens.forEach(k -> command.addAll(List.of("-k", k)));
        Process printer = new ProcessBuilder(command).inheritIO().start();
        int code = printer.waitFor();
        return runtime.isDone() ? runtime.getNow(code) : code;
    }

    private static boolean awaitPort(String host, int port, CompletableFuture<Integer> runtime)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && !runtime.isDone()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1000);
                return true;
            } catch (java.io.IOException e) {
                Thread.sleep(200);
            }
        }
        return false;
    }
}
