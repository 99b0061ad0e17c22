package netdumplings.eater.internal.cli;

import java.io.PrintStream;
import java.time.ZoneId;
import java.util.List;

import netdumplings.eater.DumplingEater;
import picocli.CommandLine.Option;

/**
 * What the tools that eat the hub's status ({@code nd-hubdetails}, {@code nd-hubstatus})
 * share: the {@code -n/--eater-name} option, whose default each tool gives, and an eater
 * of the {@code SystemStatusChef} dumplings only. The tools differ in what they do with
 * each status dumpling.
 */
abstract class StatusEaterCommand extends EaterCommand {

    /** The only chef whose dumplings these tools eat: the hub's own. */
    static final String STATUS_CHEF = "SystemStatusChef";

    // No defaultValue: the field's value when picocli reads the command (set by the
    // constructor) is the default, which the help shows.
    @Option(names = {"-n", "--eater-name"}, paramLabel = "EATER_NAME",
            description = "Dumpling eater name for this tool when connecting to nd-hub. Default: ${DEFAULT-VALUE}.")
    String eaterName;

    /**
     * @param program          the program's name, in error messages
     * @param defaultEaterName the eater's name unless {@code -n} gives one
     * @param out              where the tool prints its output
     * @param err              where errors and notices go
     * @param zone             the time zone of printed times
     * @param terminal         whether {@code out} is a terminal (lines may be rewritten in place)
     */
    StatusEaterCommand(String program, String defaultEaterName, PrintStream out, PrintStream err, ZoneId zone,
            boolean terminal) {
        super(program, out, err, zone, terminal);
        this.eaterName = defaultEaterName;
    }

    /** @return an eater of the status dumplings, with the name and hub of the command line */
    DumplingEater.Builder statusEater() {
        return eaterBuilder(eaterName).chefs(List.of(STATUS_CHEF));
    }
}
