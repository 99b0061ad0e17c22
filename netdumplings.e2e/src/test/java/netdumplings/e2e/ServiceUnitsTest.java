package netdumplings.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units of contrib/systemd pass {@code systemd-analyze verify} (which checks
 * every key and value, and that each ExecStart command exists and is executable), with
 * the install prefix /opt/netdumplings pointed at this checkout; the hub runs without any
 * capability, the kitchen with CAP_NET_RAW and CAP_NET_ADMIN only, both restart on
 * failure and use the launchers' current flags.
 */
class ServiceUnitsTest {

    private static final Path ROOT = Path.of(System.getProperty("netdumplings.root"));
    private static final Path UNITS = ROOT.resolve("contrib/systemd");

    @TempDir
    Path dir;

    @Test
    void unitsVerify() throws Exception {
        assumeTrue(runs("systemd-analyze", "--version"),
                "systemd-analyze is not installed (Debian package systemd; bin/setup installs it)");
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
        for (String unit : List.of("nd-hub.service", "nd-sniff.service")) {
            String text = Files.readString(UNITS.resolve(unit));
            Path copy = dir.resolve(unit);
            Files.writeString(copy, text.replace("/opt/netdumplings", ROOT.toString()));
            command.add(copy.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "systemd-analyze did not end");
        assertEquals(0, process.exitValue(), output);
        // Warnings (an unknown key, a bad value) do not change the exit code: none may name our units.
        assertTrue(output.lines().noneMatch(l -> l.contains("nd-hub.service") || l.contains("nd-sniff.service")),
                output);
    }

    @Test
    void aBrokenUnitFailsVerification() throws Exception {
        // That the check above can fail: the same tool on a unit with a missing command.
        assumeTrue(runs("systemd-analyze", "--version"), "systemd-analyze is not installed");
        Path broken = dir.resolve("nd-broken.service");
        Files.writeString(broken, "[Service]\nExecStart=" + dir.resolve("no-such-command") + "\n");
        Process process = new ProcessBuilder("systemd-analyze", "verify", broken.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertTrue(process.exitValue() != 0, output);
    }

    @Test
    void hubWithoutCapabilitiesKitchenWithCaptureOnes() throws IOException {
        String hub = Files.readString(UNITS.resolve("nd-hub.service"));
        String kitchen = Files.readString(UNITS.resolve("nd-sniff.service"));
        for (String unit : List.of(hub, kitchen)) {
            assertTrue(unit.contains("\nUser=netdumplings\n"), "an unprivileged user");
            assertTrue(unit.contains("\nRestart=on-failure\n"));
            assertTrue(unit.contains("\nKillSignal=SIGTERM\n"), "the launcher's graceful stop");
        }
        assertTrue(hub.contains("\nCapabilityBoundingSet=\n") && hub.contains("\nAmbientCapabilities=\n"));
        assertTrue(kitchen.contains("\nCapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN\n"));
        assertTrue(kitchen.contains("\nAmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN\n"));
    }

    @Test
    void everyFlagIsOneTheLauncherHas() throws Exception {
        for (String[] unitAndLauncher : new String[][] { { "nd-hub.service", "nd-hub" },
                { "nd-sniff.service", "nd-sniff" } }) {
            String exec = execStart(Files.readString(UNITS.resolve(unitAndLauncher[0])));
            Process help = new ProcessBuilder(ROOT.resolve("bin").resolve(unitAndLauncher[1]).toString(), "--help")
                    .redirectErrorStream(true).start();
            String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(help.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, help.exitValue(), text);
            List<String> flags = java.util.Arrays.stream(exec.split("\\s+")).filter(w -> w.startsWith("--")).toList();
            assertTrue(!flags.isEmpty(), exec);
            for (String flag : flags) {
                assertTrue(text.contains(flag + "="), unitAndLauncher[1] + " --help has no " + flag + ":\n" + text);
            }
        }
    }

    /** The ExecStart= line, its continuation lines joined. */
    private static String execStart(String unit) {
        String joined = unit.replace("\\\n", " ");
        return joined.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
