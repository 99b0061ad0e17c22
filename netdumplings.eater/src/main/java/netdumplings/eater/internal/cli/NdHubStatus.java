package netdumplings.eater.internal.cli;

import java.io.PrintStream;
import java.net.URI;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import netdumplings.api.Dumpling;
import netdumplings.eater.DumplingEater;
import netdumplings.eater.HubConnectionException;
import picocli.CommandLine.Command;

/**
 * {@code nd-hubstatus}: for every {@code SystemStatusChef} dumpling, prints
 * {@code YYYY-MM-DD HH:MM:SS  uptime: HH:MM:SS  dumplings in: N  out: N  kitchens: N  eaters: N}
 * (the local time it arrived first, as the original), rewritten in place on a terminal, one
 * line each otherwise. Exits when the hub goes away, unless {@code --reconnect}.
 */
@Command(name = "nd-hubstatus",
        description = {"A dumpling eater.", "",
            "Connects to nd-hub (the dumpling hub) and continually prints summary status information "
                    + "from any SystemStatusChef dumplings."})
public final class NdHubStatus extends StatusEaterCommand {

    /** The original's {@code strftime('%Y-%m-%d %H:%M:%S')}. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    /** Length of the last line written in place, to blank out what a shorter one leaves. */
    private int lastLength;

    /**
     * @param out      where the status lines are printed
     * @param err      where errors and notices go
     * @param zone     the time zone of the printed times
     * @param terminal whether {@code out} is a terminal: lines are then rewritten in place
     */
    public NdHubStatus(PrintStream out, PrintStream err, ZoneId zone, boolean terminal) {
        super("nd-hubstatus", "statuseater", out, err, zone, terminal);
    }

    /** Runs nd-hubstatus and exits with its code. */
    public static void main(String[] args) {
        System.exit(runMain(new NdHubStatus(System.out, System.err, ZoneId.systemDefault(),
                stdoutIsTerminal()), args));
    }

    @Override
    public Integer call() {
        DumplingEater.Builder builder = statusEater()
                .onConnect(this::connected)
                .onDumpling(this::print)
                .onConnectionLost(this::lost);
        runEater(builder, Long.MAX_VALUE);
        if (terminal && lastLength > 0) {
            out.println();
        }
        return exitCode();
    }

    @Override
    boolean printsOwnLossLine() {
        return true;
    }

    private void connected(URI hubUri) {
        out.println("nd-hub status from " + hubUri);
        if (terminal) {
            out.print("Waiting for data... ");
            lastLength = "Waiting for data... ".length();
        } else {
            out.println("Waiting for data...");
        }
        out.flush();
    }

    private void lost(Throwable cause) {
        out.println((terminal ? "\n" : "") + "Lost connection to nd-hub: " + HubConnectionException.describe(cause));
        lastLength = 0;
        out.flush();
    }

    private void print(Dumpling dumpling) {
        if (!(dumpling.payload() instanceof Map<?, ?> payload)) {
            err.println(program() + ": skipped a SystemStatusChef dumpling whose payload is not an object");
            return;
        }
        String line = TIME.format(LocalDateTime.now(zone)) + "  " + statusLine(payload, color());
        if (terminal) {
            int visible = line.length();
            StringBuilder text = new StringBuilder("\r").append(line);
            for (int i = visible; i < lastLength; i++) {
                text.append(' ');
            }
            lastLength = visible;
            out.print(text);
        } else {
            out.println(line);
        }
        out.flush();
    }

    /**
     * @param payload a SystemStatusChef payload
     * @param color   whether the figures are bold
     * @return {@code uptime: HH:MM:SS  dumplings in: N  out: N  kitchens: N  eaters: N}
     */
    static String statusLine(Map<?, ?> payload, boolean color) {
        long uptime = payload.get("server_uptime") instanceof Number n ? (long) n.doubleValue() : 0;
        String up = String.format("%02d:%02d:%02d", uptime / 3600, uptime / 60 % 60, uptime % 60);
        return "uptime: " + bold(up, color)
                + "  dumplings in: " + bold(figure(payload, "total_dumplings_in"), color)
                + "  out: " + bold(figure(payload, "total_dumplings_out"), color)
                + "  kitchens: " + bold(figure(payload, "dumpling_kitchen_count"), color)
                + "  eaters: " + bold(figure(payload, "dumpling_eater_count"), color);
    }

    private static String figure(Map<?, ?> payload, String key) {
        Object value = payload.get(key);
        return value == null ? "?" : value.toString();
    }

    private static String bold(String s, boolean color) {
        return color ? NdPrint.BOLD + s + NdPrint.RESET : s;
    }
}
