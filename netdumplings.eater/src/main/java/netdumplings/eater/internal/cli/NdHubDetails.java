package netdumplings.eater.internal.cli;

import java.io.PrintStream;
import java.net.URI;
import java.time.ZoneId;

import netdumplings.api.Dumpling;
import netdumplings.eater.DumplingEater;
import picocli.CommandLine.Command;

/**
 * {@code nd-hubdetails}: waits for one {@code SystemStatusChef} dumpling, prints its
 * payload as sorted, indented JSON and exits 0. Does not reconnect: a hub that cannot
 * be reached, or goes away first, is one line on stderr and exit code 1 (unless {@code --reconnect}).
 */
@Command(name = "nd-hubdetails",
        description = {"A dumpling eater.", "",
            "Connects to nd-hub (the dumpling hub) and waits for a single SystemStatus dumpling which it "
                    + "displays the full contents of and then exits."})
public final class NdHubDetails extends StatusEaterCommand {

    private volatile boolean printed;

    /**
     * @param out  where the status is printed
     * @param err  where errors go
     * @param zone unused (no times printed); for symmetry with the other tools
     * @param terminal whether {@code out} is a terminal (colour by default)
     */
    public NdHubDetails(PrintStream out, PrintStream err, ZoneId zone, boolean terminal) {
        super("nd-hubdetails", "detailseater", out, err, zone, terminal);
    }

    /** Runs nd-hubdetails and exits with its code. */
    public static void main(String[] args) {
        System.exit(runMain(new NdHubDetails(System.out, System.err, ZoneId.systemDefault(), stdoutIsTerminal()), args));
    }

    @Override
    public Integer call() {
        DumplingEater.Builder builder = statusEater()
                .onConnect(this::connected)
                .onDumpling(this::print);
        runEater(builder, 1);
        return printed || closed() ? 0 : EXIT_FAILURE;
    }

    private void connected(URI hubUri) {
        out.println("Connected to nd-hub at " + hubUri);
        out.println("Waiting for a SystemStatus dumpling...");
        out.flush();
    }

    private void print(Dumpling dumpling) {
        out.print("\n" + PythonJson.dumps(dumpling.payload(), color()) + "\n\n");
        out.flush();
        printed = true;
    }
}
