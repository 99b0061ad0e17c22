package netdumplings.launcher.internal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import netdumplings.launcher.internal.agent.LaunchPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nd-hub}: the standalone hub, with the original's flags (as click accepts them:
 * {@code --in-port=N}, {@code -iN}, {@code -i N}) plus security ones and {@code --config}.
 */
@Command(name = "nd-hub", description = {"The dumpling hub: kitchens publish dumplings to it, eaters receive every one.",
    "", "Listening beyond this machine (e.g. -a 0.0.0.0) without both tokens logs a warning."})
public final class NdHub extends RuntimeLauncher {

    /** The hub settings that are lists of strings. */
    private static final java.util.Set<String> LIST_SETTINGS = java.util.Set.of("allowed_origins", "allowed_hosts",
            "nats_servers");

    @Option(names = {"-a", "--address"}, paramLabel = "ADDRESS", descriptionKey = "hub.address")
    String address;

    @Option(names = {"-i", "--in-port"}, paramLabel = "PORT", descriptionKey = "hub.in_port")
    int inPort;

    @Option(names = {"-o", "--out-port"}, paramLabel = "PORT", descriptionKey = "hub.out_port")
    int outPort;

    @Option(names = {"-f", "--status-freq"}, paramLabel = "SECONDS", descriptionKey = "hub.status_freq")
    double statusFreq;

    @Option(names = "--kitchen-token-file", paramLabel = "FILE",
            description = "Kitchens must send the token on FILE's first line. Default: none.")
    Path kitchenTokenFile;

    @Option(names = "--eater-token-file", paramLabel = "FILE",
            description = "Eaters must send the token on FILE's first line. Default: none.")
    Path eaterTokenFile;

    @Option(names = "--tls-keystore", paramLabel = "FILE", descriptionKey = "hub.tls_keystore")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password-file", paramLabel = "FILE",
            description = "The keystore's password, on FILE's first line.")
    Path tlsPasswordFile;

    @Option(names = "--allowed-origin", paramLabel = "ORIGIN", descriptionKey = "hub.allowed_origins")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--allowed-host", paramLabel = "HOST", descriptionKey = "hub.allowed_hosts")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--failover-hub", paramLabel = "WS_URL", descriptionKey = "hub.failover_hubs")
    List<String> failoverHubs = new ArrayList<>();

    @Option(names = "--max-connections", paramLabel = "N", descriptionKey = "hub.max_connections")
    int maxConnections;

    @Option(names = "--nats", paramLabel = "URL", descriptionKey = "hub.nats_servers")
    List<String> nats = new ArrayList<>();

    @Option(names = "--nats-token-file", paramLabel = "FILE",
            description = "The NATS token, on FILE's first line. Default: none.")
    Path natsTokenFile;

    @Option(names = "--nats-creds-file", paramLabel = "FILE",
            description = "Authenticate to NATS with this .creds file (user JWT and NKey seed); readable by its owner only. "
                    + "Default: none.")
    Path natsCredsFile;

    @Option(names = "--nats-nkey-file", paramLabel = "FILE",
            description = "Authenticate to NATS with the NKey seed (SU...) in FILE; readable by its owner only. Default: none.")
    Path natsNkeyFile;

    @Option(names = "--nats-truststore", paramLabel = "FILE", descriptionKey = "hub.nats_tls_truststore")
    Path natsTruststore;

    @Option(names = "--nats-truststore-password-file", paramLabel = "FILE",
            description = "The truststore's password, on FILE's first line.")
    Path natsTruststorePasswordFile;

    @Option(names = "--hub-name", paramLabel = "NAME", descriptionKey = "hub.hub_name")
    String hubName;

    @Option(names = "--config", paramLabel = "FILE",
            description = "More hub settings, as KEY=VALUE lines (the netdumplings.hub fields of the README, "
                    + "e.g. eater_queue_limit=20000); flags win.")
    Path settingsFile;

    public NdHub() {
        super("nd-hub", "hub");
    }

    public static void main(String[] args) {
        main(new NdHub(), args);
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> values = values();
        List<String> explicit = keys();
        if (settingsFile != null) {
            readSettings(values, explicit);
        }
        hubValues(this, values, explicit, address, inPort, outPort, statusFreq);
        if (kitchenTokenFile != null) {
            put(values, explicit, "kitchen_token", secret("--kitchen-token-file", kitchenTokenFile));
        }
        if (eaterTokenFile != null) {
            put(values, explicit, "eater_token", secret("--eater-token-file", eaterTokenFile));
        }
        if (tlsKeystore != null) {
            put(values, explicit, "tls_keystore", readableFile("--tls-keystore", tlsKeystore, "TLS keystore").toString());
        }
        if (tlsPasswordFile != null) {
            put(values, explicit, "tls_keystore_password", secret("--tls-keystore-password-file", tlsPasswordFile));
        }
        if (!allowedOrigins.isEmpty()) {
            put(values, explicit, "allowed_origins", List.copyOf(allowedOrigins));
        }
        if (!failoverHubs.isEmpty()) {
            put(values, explicit, "failover_hubs", List.copyOf(failoverHubs));
        }
        if (!allowedHosts.isEmpty()) {
            put(values, explicit, "allowed_hosts", List.copyOf(allowedHosts));
        }
        if (!nats.isEmpty()) {
            put(values, explicit, "nats_servers", List.copyOf(nats));
        }
        if (natsTokenFile != null) {
            put(values, explicit, "nats_token", secret("--nats-token-file", natsTokenFile));
        }
        if (natsCredsFile != null && natsNkeyFile != null) {
            throw usage("give --nats-creds-file or --nats-nkey-file, not both");
        }
        if (natsCredsFile != null) {
            put(values, explicit, "nats_creds_file",
                    ownerOnlyFile("--nats-creds-file", natsCredsFile, "NATS credentials file").toString());
        }
        if (natsNkeyFile != null) {
            put(values, explicit, "nats_nkey_file", ownerOnlyFile("--nats-nkey-file", natsNkeyFile, "NKey seed file").toString());
        }
        if (natsTruststore != null) {
            put(values, explicit, "nats_tls_truststore",
                    readableFile("--nats-truststore", natsTruststore, "truststore").toString());
        }
        if (natsTruststorePasswordFile != null) {
            put(values, explicit, "nats_tls_truststore_password",
                    secret("--nats-truststore-password-file", natsTruststorePasswordFile));
        }
        if (hubName != null && given("--hub-name")) {
            put(values, explicit, "hub_name", hubName);
        }
        if (given("--max-connections")) {
            if (maxConnections < 1) {
                throw usage("--max-connections must be at least 1");
            }
            put(values, explicit, "max_connections", maxConnections);
        }
        if (String.valueOf(values.get("in_port")).equals(String.valueOf(values.get("out_port")))) {
            throw usage("the in-port and the out-port must differ");
        }
        claimInstance();
        Map<String, LaunchPlan.Target> plan = new LinkedHashMap<>();
        plan.put("netdumplings.hub", target(values, explicit));
        return launch(plan, deployDirectory(), new Ends(null, false, false, true),
                Map.of("netdumplings.hub.await.configuration", "true"));
    }

    /** The hub's flags, shared with netdumplings: always applied, explicit when given. */
    static void hubValues(RuntimeLauncher l, Map<String, Object> values, List<String> explicit, String address,
            int inPort, int outPort, double statusFreq) {
        boolean a = l.given("--address");
        if (a || !values.containsKey("address")) {
            put(values, a ? explicit : null, "address", address);
        }
        boolean i = l.given("--in-port");
        if (i || !values.containsKey("in_port")) {
            put(values, i ? explicit : null, "in_port", l.port("--in-port", inPort));
        }
        boolean o = l.given("--out-port");
        if (o || !values.containsKey("out_port")) {
            put(values, o ? explicit : null, "out_port", l.port("--out-port", outPort));
        }
        boolean f = l.given("--status-freq");
        if (f || !values.containsKey("status_freq")) {
            put(values, f ? explicit : null, "status_freq", l.interval("--status-freq", statusFreq));
        }
    }

    static void put(Map<String, Object> values, List<String> explicit, String key, Object value) {
        values.put(key, value);
        if (explicit != null && !explicit.contains(key)) {
            explicit.add(key);
        }
    }

    /** --config: KEY=VALUE lines naming fields of the hub's configuration type (from its Metatype). */
    private void readSettings(Map<String, Object> values, List<String> explicit) throws IOException {
        Path file = readableFile("--config", settingsFile, "settings file");
        Metatype metatype = new Metatype(runtimeJar());
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--config: " + settingsFile + " line " + n + ": not KEY=VALUE: '"
                        + trimmed + "'");
            }
            String key = trimmed.substring(0, eq).strip();
            if (metatype.defaultOf("hub." + key) == null) {
                throw new IllegalArgumentException("--config: " + settingsFile + " line " + n
                        + ": no hub setting named '" + key + "'");
            }
            String value = trimmed.substring(eq + 1).strip();
            // Text: Declarative Services converts it to the field's type.
            // The list settings: "a,b" or "a b" is two values, as File Install reads them.
            put(values, explicit, key, LIST_SETTINGS.contains(key) ? List.of(value.split("[,\\s]+")) : value);
        }
    }
}
