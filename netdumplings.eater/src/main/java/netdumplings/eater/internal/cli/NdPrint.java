package netdumplings.eater.internal.cli;

import java.io.PrintStream;
import java.net.URI;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.eater.DumplingEater;
import netdumplings.eater.HubConnectionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nd-print}: prints every dumpling the hub sends, as the original's nd-print does:
 * a header {@code <local ISO time> [packet  ] <Chef> from <kitchen>}, then the payload as
 * sorted JSON indented by four spaces, between blank lines.
 */
@Command(name = "nd-print",
        description = {"A dumpling eater.", "",
            "Connects to nd-hub (the dumpling hub) and prints information on all received dumplings."})
public final class NdPrint extends EaterCommand {

    static final String BOLD = "\u001b[1m";
    static final String RESET = "\u001b[0m";

    @Option(names = {"-c", "--chef"}, paramLabel = "CHEF_NAME",
            description = "Restrict dumplings to those made by this chef. Multiple can be specified. "
                    + "Displays all chefs by default.")
    List<String> chefs = new ArrayList<>();

    @Option(names = {"-k", "--kitchen"}, paramLabel = "KITCHEN_NAME",
            description = "Restrict dumplings to those emitted by this kitchen. Multiple can be specified. "
                    + "Displays all kitchens by default.")
    List<String> kitchens = new ArrayList<>();

    @Option(names = {"-n", "--eater-name"}, paramLabel = "EATER_NAME", defaultValue = "printereater",
            description = "Dumpling eater name for this tool when connecting to nd-hub. Default: ${DEFAULT-VALUE}.")
    String eaterName;

    @Option(names = "--interval-dumplings", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Print interval dumplings. Default: on.")
    boolean intervalDumplings;

    @Option(names = "--packet-dumplings", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Print packet dumplings. Default: on.")
    boolean packetDumplings;

    @Option(names = "--payload", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Print dumpling payload. Default: on.")
    boolean payload;

    @Option(names = "--last", paramLabel = "N",
            description = "First print the last N dumplings the hub keeps (its history), then the live ones. Default: none.")
    long last;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "First print what the hub received since WHEN (2026-12-01T10:15:00Z, or seconds since 1970), "
                    + "then the live ones. Default: none.")
    String since;

    /**
     * @param out      where dumplings are printed
     * @param err      where errors and notices go
     * @param zone     the time zone of printed times
     * @param terminal whether {@code out} is a terminal (colour by default)
     */
    public NdPrint(PrintStream out, PrintStream err, ZoneId zone, boolean terminal) {
        super("nd-print", out, err, zone, terminal);
    }

    /** Runs nd-print and exits with its code. */
    public static void main(String[] args) {
        System.exit(runMain(new NdPrint(System.out, System.err, ZoneId.systemDefault(), stdoutIsTerminal()), args));
    }

    @Override
    public Integer call() {
        DumplingEater.Builder builder = eaterBuilder(eaterName)
                .chefs(chefs)
                .kitchens(kitchens)
                .onConnect(this::connected)
                .onDumpling(this::print)
                .onConnectionLost(this::lost)
                .onInvalidDumpling((frame, e) -> err.println(program() + ": skipped a message that is not a dumpling: "
                        + e.getMessage()))
                .onHistoryGap(reason -> err.println(program() + ": dumplings missed: " + reason));
        if (last < 0) {
            throw new IllegalArgumentException("--last must be a whole number >= 0, not '" + last + "'");
        }
        if (last > 0 && since != null) {
            throw new IllegalArgumentException("--last and --since cannot be used together");
        }
        if (last > 0) {
            builder.historyLast(last);
        }
        if (since != null) {
            builder.historySince(instant(since));
        }
        runEater(builder, Long.MAX_VALUE);
        return exitCode();
    }

    private static java.time.Instant instant(String when) {
        try {
            return java.time.Instant.parse(when);
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.Instant.ofEpochMilli(Math.round(Double.parseDouble(when) * 1000));
            } catch (NumberFormatException n) {
                throw new IllegalArgumentException("--since must be a time such as 2026-12-01T10:15:00Z or seconds since 1970, not '"
                        + when + "'");
            }
        }
    }

    @Override
    boolean printsOwnLossLine() {
        return true;
    }

    private void connected(URI hubUri) {
        out.println("Connected to nd-hub at " + hubUri);
        out.println("Waiting for dumplings...\n");
        out.flush();
    }

    private void lost(Throwable cause) {
        out.println("\nLost connection to nd-hub: " + HubConnectionException.describe(cause));
        out.flush();
    }

    private void print(Dumpling dumpling) {
        boolean wanted = dumpling.driver() == DumplingDriver.INTERVAL ? intervalDumplings : packetDumplings;
        if (!wanted) {
            return;
        }
        StringBuilder text = new StringBuilder(256);
        text.append(PythonTime.isoFormat(dumpling.creationTime(), zone))
                .append(" [").append(String.format("%-8s", dumpling.driver().wireName())).append("] ")
                .append(bold(dumpling.chef()))
                .append(" from ")
                .append(bold(dumpling.kitchen() == null ? "None" : dumpling.kitchen())) // Python prints None
                .append('\n');
        if (payload) {
            text.append('\n').append(PythonJson.dumps(dumpling.payload(), color())).append("\n\n");
        }
        out.print(text);
        out.flush();
    }

    private String bold(String s) {
        return color() ? BOLD + s + RESET : s;
    }
}
