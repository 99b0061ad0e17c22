package netdumplings.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Section 4: time from launching a runtime jar to its hub accepting connections on the
 * eater port, and the process's resident memory (VmRSS) then and 2 s later. Each runtime
 * runs as bin/netdumplings and bin/nd-hub run it, but from a temporary working directory
 * whose {@code run/<runtime>/conf} (read by File Install) points the hub, the Web Console
 * and the kitchen at free ports, so that it does not clash with a running netdumplings.
 */
final class StartupBenchmark {

    private static final long READY_LIMIT_MILLIS = 60_000;

    private StartupBenchmark() {
    }

    /**
     * @param root     the repository (for bin/lib/logging.properties)
     * @param runtimes the folder holding bnd.jar and hub.jar
     */
    static void run(Report report, Path root, Path runtimes, Path work, Path samplePcap) throws Exception {
        measure(report, root, runtimes.resolve("bnd.jar"), work, "all", "all-in-one (bnd.jar)", samplePcap);
        measure(report, root, runtimes.resolve("hub.jar"), work, "hub", "standalone hub (hub.jar)", null);
    }

    private static void measure(Report report, Path root, Path jarFile, Path work, String runtime, String label,
            Path samplePcap) throws Exception {
        if (!Files.isRegularFile(jarFile)) {
            report.note(label + ": skipped, " + jarFile + " is not built (run bin/setup first)");
            return;
        }
        Path dir = Files.createTempDirectory(work, "startup-" + runtime + "-");
        try {
            int inPort = freePort();
            int outPort = freePort();
            Path conf = Files.createDirectories(dir.resolve("run").resolve(runtime).resolve("conf"));
            Files.writeString(conf.resolve("netdumplings.hub.config"), "address=\"localhost\"\n"
                    + "in_port=I\"" + inPort + "\"\nout_port=I\"" + outPort + "\"\nstatus_freq=\"5\"\n");
            if (samplePcap != null) {
                Files.createDirectories(dir.resolve("deploy"));
                Files.writeString(conf.resolve("org.apache.felix.http.config"),
                        "org.osgi.service.http.port=I\"" + freePort() + "\"\n");
                Files.writeString(conf.resolve("netdumplings.kitchen-bench.config"), "kitchen_name=\"bench\"\n"
                        + "hub=\"localhost:" + inPort + "\"\npcap=" + configString(samplePcap.toString())
                        + "\nspeed=\"0\"\nloop=I\"1\"\n");
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // As the launchers do (bin/lib/common.sh java_opts): the bnd launcher ignores
            // the storage in -runproperties, so it is a system property, here inside dir.
            cmd.add("-Dorg.osgi.framework.storage=" + dir.resolve("run").resolve(runtime).resolve("felix-cache"));
            // The bndruns leave File Install's directory to the launcher (bin/), as this one.
            cmd.add("-Dfelix.fileinstall.dir=" + conf);
            // As bin/nd-hub does: the hub waits for the configuration written above rather
            // than starting on the default ports, which another hub may hold.
            cmd.add("-Dnetdumplings.hub.await.configuration=true");
            cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            Path logging = root.resolve("bin/lib/logging.properties");
            if (Files.isRegularFile(logging)) {
                cmd.add("-Djava.util.logging.config.file=" + logging);
            }
            if (Runtime.version().feature() >= 24) {
                cmd.add("--enable-native-access=ALL-UNNAMED");
            }
            cmd.add("-jar");
            cmd.add(jarFile.toString());
            Path log = dir.resolve("runtime.log");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            try {
                double readySeconds = Double.NaN;
                while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(READY_LIMIT_MILLIS) && p.isAlive()) {
                    if (accepts(outPort)) {
                        readySeconds = (System.nanoTime() - t0) / 1e9;
                        break;
                    }
                    Thread.sleep(10);
                }
                if (Double.isNaN(readySeconds)) {
                    Path kept = work.resolve("startup-" + runtime + ".log");
                    Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    String why;
                    try (Stream<String> lines = Files.lines(kept)) {
                        why = lines.filter(l -> l.contains("ERROR")).findFirst().map(l -> "; first error: " + l.trim())
                                .orElse("");
                    }
                    report.note(label + ": the hub did not accept connections on its configured port within "
                            + READY_LIMIT_MILLIS / 1000 + " s (log: " + kept + ")" + why);
                    return;
                }
                long rssReady = rssKiB(p.pid());
                Thread.sleep(2_000);
                long rssLater = rssKiB(p.pid());
                report.figure(label + ": launch to hub accepting", readySeconds, "s", null);
                report.figure(label + ": VmRSS when ready / 2 s later", rssReady / 1024.0, "MiB",
                        String.format("/ %.0f MiB", rssLater / 1024.0));
            } finally {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } finally {
            Bench.deleteTree(dir);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("localhost", port), 100);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return VmRSS of the process in KiB, or -1 if unreadable */
    static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or gone.
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Felix .config string: every non-alphanumeric character escaped. */
    private static String configString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (!Character.isLetterOrDigit(c)) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }
}
