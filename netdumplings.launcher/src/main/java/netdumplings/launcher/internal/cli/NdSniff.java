package netdumplings.launcher.internal.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import netdumplings.launcher.internal.agent.LaunchPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nd-sniff}: a kitchen runtime with the example and standard chefs, with the original's flags
 * plus {@code --pcap}, {@code --speed}, {@code --max-gap}, {@code --loop} and {@code --hub-token-file}. A replay
 * of N loops ends the process once done (exit 0, after a summary).
 */
@Command(name = "nd-sniff", description = {
    "A kitchen: sniffs packets, hands each to every chef, sends the dumplings to the hub.", "",
    "Chef bundles dropped into the deploy directory start cooking at once; .cfg files there configure them."})
public final class NdSniff extends RuntimeLauncher {

    /** The original's module of example chefs: here, the bundle that holds ours. */
    static final String ORIGINAL_CHEF_MODULE = "netdumplings.dumplingchefs";
    static final String EXAMPLE_CHEFS = "chefs.examples";

    @Option(names = {"-n", "--kitchen-name"}, paramLabel = "KITCHEN_NAME", descriptionKey = "kitchen.kitchen_name")
    String kitchenName;

    @Option(names = {"-h", "--hub"}, paramLabel = "HOST:PORT", descriptionKey = "kitchen.hub")
    String hub;

    @Option(names = "--hub-token-file", paramLabel = "FILE",
            description = "Send the token on FILE's first line to the hub. Default: none.")
    Path hubTokenFile;

    @Option(names = {"-i", "--interface"}, paramLabel = "INTERFACE", descriptionKey = "kitchen.interface")
    String networkInterface;

    @Option(names = {"-f", "--filter"}, paramLabel = "PCAP_FILTER", descriptionKey = "kitchen.filter")
    String filter;

    @Option(names = {"-m", "--chef-module"}, paramLabel = "CHEF_MODULE", descriptionKey = "kitchen.chef_modules")
    List<String> chefModules = new ArrayList<>();

    @Option(names = {"-c", "--chef"}, paramLabel = "CHEF_NAME", descriptionKey = "kitchen.chefs")
    List<String> chefs = new ArrayList<>();

    @Option(names = {"-l", "--chef-list"}, description = "List the chefs available and exit.")
    boolean chefList;

    @Option(names = {"-p", "--poke-interval"}, paramLabel = "SECONDS", descriptionKey = "kitchen.poke_interval")
    double pokeInterval;

    @Option(names = "--pcap", paramLabel = "FILE", descriptionKey = "kitchen.pcap")
    Path pcap;

    @Option(names = "--speed", paramLabel = "X", descriptionKey = "kitchen.speed")
    double speed;

    @Option(names = "--max-gap", paramLabel = "SECONDS", descriptionKey = "kitchen.max_gap")
    double maxGap;

    @Option(names = "--loop", paramLabel = "N", descriptionKey = "kitchen.loop")
    int loop;

    public NdSniff() {
        super("nd-sniff", "sniff");
    }

    public static void main(String[] args) {
        main(new NdSniff(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (chefList) {
            // The chefs are OSGi services found at run time: bin/lib/chef-list lists those the bundles declare.
            ProcessBuilder list = new ProcessBuilder(root.resolve("bin/lib/chef-list").toString(),
                    (deployOption != null ? cwd.resolve(deployOption) : root.resolve("deploy")).toString()).inheritIO();
            return list.start().waitFor();
        }
        Map<String, Object> values = values();
        List<String> explicit = keys();
        kitchenValues(this, values, explicit, kitchenName, hub, networkInterface, filter, pokeInterval, pcap, speed,
                maxGap, loop);
        if (given("--chef-module")) {
            NdHub.put(values, explicit, "chef_modules", chefModules.stream()
                    .map(m -> m.equals(ORIGINAL_CHEF_MODULE) ? EXAMPLE_CHEFS : m).toList());
        }
        if (given("--chef")) {
            NdHub.put(values, explicit, "chefs", List.copyOf(chefs));
        }
        if (hubTokenFile != null) {
            NdHub.put(values, explicit, "hub_token", secret("--hub-token-file", hubTokenFile));
        }
        claimInstance();
        Map<String, LaunchPlan.Target> plan = new LinkedHashMap<>();
        plan.put("netdumplings.kitchen~cli", target(values, explicit));
        // Its only kitchen: a failure, or no chef, ends it as the original's does.
        Ends ends = new Ends(String.valueOf(values.get("kitchen_name")), true, pcap != null && loop > 0, false);
        return launch(plan, deployDirectory(), ends, Map.of());
    }

    /** The kitchen's flags, shared with netdumplings (null for those a tool lacks). */
    static void kitchenValues(RuntimeLauncher l, Map<String, Object> values, List<String> explicit, String name,
            String hub, String networkInterface, String filter, double pokeInterval, Path pcap, double speed,
            double maxGap, int loop) {
        if (name != null) {
            NdHub.put(values, l.given("--kitchen-name") ? explicit : null, "kitchen_name", name);
        }
        if (hub != null) {
            if (!hub.matches("(wss?://)?[^:/\\s]+:\\d+/?")) {
                throw l.usage("--hub must be HOST:PORT (or ws:// or wss://HOST:PORT), not '" + hub + "'");
            }
            String port = hub.replaceAll("/$", "");
            l.port("--hub", Integer.parseInt(port.substring(port.lastIndexOf(':') + 1)));
            NdHub.put(values, l.given("--hub") ? explicit : null, "hub", hub);
        }
        NdHub.put(values, l.given("--interface") ? explicit : null, "interface", networkInterface);
        NdHub.put(values, l.given("--filter") ? explicit : null, "filter", filter);
        if (pokeInterval >= 0 || l.given("--poke-interval")) {
            NdHub.put(values, l.given("--poke-interval") ? explicit : null, "poke_interval",
                    l.interval("--poke-interval", pokeInterval));
        }
        String file = pcap == null ? "" : l.readableFile("--pcap", pcap, "capture file").toString();
        NdHub.put(values, l.given("--pcap") ? explicit : null, "pcap", file);
        NdHub.put(values, l.given("--speed") ? explicit : null, "speed", l.atLeastZero("--speed", speed));
        NdHub.put(values, l.given("--max-gap") ? explicit : null, "max_gap", l.atLeastZero("--max-gap", maxGap));
        if (loop < 0) {
            throw l.usage("--loop must be a whole number >= 0, not " + loop);
        }
        NdHub.put(values, l.given("--loop") ? explicit : null, "loop", loop);
    }
}
