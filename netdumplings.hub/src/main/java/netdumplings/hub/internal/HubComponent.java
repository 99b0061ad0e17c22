package netdumplings.hub.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import netdumplings.hub.internal.federation.FederationSettings;

/**
 * Runs a {@link HubServer} in OSGi, configured by PID {@code netdumplings.hub} (see
 * {@link HubConfiguration}), with the defaults when there is no configuration. A changed
 * configuration restarts the hub with it; an invalid one is refused with an error naming
 * the field, and the hub running before (if any) keeps running.
 * <p>
 * A component never ends the process: a launcher whose hub cannot start reads
 * {@link #failure()} through {@code HubManagement} and ends it itself.
 */
@Component(configurationPid = HubComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = HubStatisticsSource.class)
@Designate(ocd = HubConfiguration.class)
public class HubComponent implements HubStatisticsSource {

    /** The configuration PID. */
    public static final String PID = "netdumplings.hub";
    /**
     * The framework property that makes the hub wait for its configuration instead of
     * starting on the defaults: set by bin/nd-hub, which always writes one.
     */
    public static final String AWAIT_CONFIGURATION = "netdumplings.hub.await.configuration";

    /** The shortest interval between status dumplings, for {@code status_freq} 0 and below it. */
    static final double MIN_STATUS_SECONDS = 0.1;

    private static final Logger LOG = LoggerFactory.getLogger(HubComponent.class);

    private volatile HubServer hub;
    /** Why the last configuration was not applied (or the hub does not run), or null. */
    private volatile String failure;

    /**
     * @param context this bundle's context
     * @param config  the configuration
     */
    @Activate
    public HubComponent(BundleContext context, HubConfiguration config, Map<String, Object> properties) {
        if (Boolean.parseBoolean(context.getProperty(AWAIT_CONFIGURATION))
                && !properties.containsKey(Constants.SERVICE_PID)) {
            // A launcher wrote a configuration that File Install has not delivered yet:
            // starting on the defaults now could take (or fail on) ports it never asked for.
            LOG.info("waiting for configuration {}", PID);
            return;
        }
        apply(config);
    }

    /** @param config the new configuration */
    @Modified
    void modified(HubConfiguration config) {
        apply(config);
    }

    @Deactivate
    void deactivate() {
        HubServer running = hub;
        hub = null;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public HubStatistics statistics() {
        HubServer running = hub;
        return running == null ? null : running.statistics();
    }

    @Override
    public String failure() {
        return failure;
    }

    /**
     * Applies a configuration. Nothing in it can take the hub (or the process) down: an
     * invalid value, or ports and an address the hub could not listen on, are refused with
     * one line naming why, and a running hub keeps its listeners, connections and last good
     * configuration. The reason stays readable in {@link #failure()} (the Web Console, and
     * the launchers, which end the process when their hub never started).
     */
    private synchronized void apply(HubConfiguration config) {
        HubServer previous = hub;
        HubSettings settings;
        FederationSettings federation;
        try {
            settings = toSettings(config);
            federation = toFederation(config);
            if (previous != null && previous.settings().equals(settings)
                    && previous.federationSettings().equals(federation)) {
                failure = null;
                return;
            }
            if (previous != null) {
                // Probed before the running hub lets its ports go: a refusal must leave it as it is.
                probeNewPorts(previous.settings(), settings);
            }
        } catch (IllegalArgumentException | HubStartException e) {
            refuse(previous, e.getMessage());
            return;
        }
        if (previous != null) {
            hub = null;
            previous.close();
        }
        try {
            hub = started(settings, federation);
            failure = null;
        } catch (HubStartException e) {
            LOG.debug("the hub cannot start", e);
            if (previous == null) {
                failure = e.getMessage();
                LOG.error("the hub cannot start: {}", e.getMessage());
                return;
            }
            // Bound a moment ago by the probe, taken since: back to what ran before.
            refuse(null, e.getMessage());
            try {
                hub = started(previous.settings(), previous.federationSettings());
                LOG.info("the hub runs again with its last good configuration");
            } catch (HubStartException again) {
                failure = again.getMessage();
                LOG.error("the hub cannot start again with its last good configuration: {}", again.getMessage());
            }
        }
    }

    private static HubServer started(HubSettings settings, FederationSettings federation) {
        HubServer server = new HubServer(settings, federation);
        server.start();
        return server;
    }

    private void refuse(HubServer running, String why) {
        failure = "configuration refused: " + why;
        LOG.error("configuration {} refused: {}; {}", PID, why, running != null
                ? "the hub keeps its last good configuration (" + running.settings().address() + ":"
                        + running.settings().kitchenPort() + ", " + running.settings().eaterPort() + ")"
                : "no hub runs");
    }

    /** Ports the running hub does not hold already must be free on the new address. */
    private static void probeNewPorts(HubSettings running, HubSettings next) {
        for (int port : new int[] {next.kitchenPort(), next.eaterPort()}) {
            boolean held = running.address().equals(next.address())
                    && (port == running.kitchenPort() || port == running.eaterPort());
            if (!held) {
                HubServer.probe(next.address(), port);
            }
        }
    }

    /**
     * Checks a configuration and turns it into settings.
     *
     * @param config the configuration; never null
     * @return the settings
     * @throws IllegalArgumentException naming the first invalid field, by its configuration name
     */
    static HubSettings toSettings(HubConfiguration config) {
        String address = config.address();
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address must not be blank");
        }
        checkPort("in_port", config.in__port());
        checkPort("out_port", config.out__port());
        if (config.in__port() == config.out__port() && config.in__port() != 0) {
            throw new IllegalArgumentException("in_port and out_port must differ, both are " + config.in__port());
        }
        double freq = config.status__freq();
        // The upper bound keeps the Duration arithmetic far from overflow: a year is plenty.
        if (!(freq >= 0) || freq > 366 * 24 * 3600.0) {
            throw new IllegalArgumentException("status_freq must be 0 or a positive number of seconds, not " + freq);
        }
        if (config.max__message__bytes() <= 0) {
            throw new IllegalArgumentException("max_message_bytes must be positive, not " + config.max__message__bytes());
        }
        if (config.eater__queue__limit() <= 0) {
            throw new IllegalArgumentException("eater_queue_limit must be positive, not " + config.eater__queue__limit());
        }
        if (config.eater__queue__bytes() <= 0) {
            throw new IllegalArgumentException("eater_queue_bytes must be positive, not " + config.eater__queue__bytes());
        }
        if (config.max__connections() <= 0) {
            throw new IllegalArgumentException("max_connections must be positive, not " + config.max__connections());
        }
        // Each status dumpling goes to every eater: a floor keeps 0 (and 1e-9) from a flood.
        Duration interval = Duration.ofNanos(Math.max(Math.round(MIN_STATUS_SECONDS * 1e9), Math.round(freq * 1e9)));
        String keystore = config.tls__keystore();
        HubSecurity security = new HubSecurity(config.kitchen__token(), config.eater__token(),
                keystore == null || keystore.isBlank() ? null : java.nio.file.Path.of(keystore.trim()),
                config.tls__keystore__password(),
                config.allowed__origins() == null ? List.of() : List.of(config.allowed__origins()),
                config.allowed__hosts() == null ? List.of() : List.of(config.allowed__hosts()),
                config.failover__hubs() == null ? List.of() : List.of(config.failover__hubs()));
        if (security.tls() && !java.nio.file.Files.isReadable(security.tlsKeystore())) {
            throw new IllegalArgumentException("tls_keystore " + security.tlsKeystore() + " is not a readable file");
        }
        return new HubSettings(address.trim(), config.in__port(), config.out__port(), interval,
                config.max__message__bytes(), config.eater__queue__limit(), config.eater__queue__bytes(),
                seconds("eater_stall_timeout", config.eater__stall__timeout()),
                seconds("hello_timeout", config.hello__timeout()), config.max__connections(), security,
                toLimits(config));
    }

    /** The bounds of issue 11, each checked with its configuration name. */
    static HubLimits toLimits(HubConfiguration config) {
        positive("max_pending_connections", config.max__pending__connections());
        positive("max_hello_bytes", config.max__hello__bytes());
        positive("max_name_chars", config.max__name__chars());
        positive("status_list_limit", config.status__list__limit());
        positive("total_eater_queue_bytes", config.total__eater__queue__bytes());
        return new HubLimits(seconds("request_header_timeout", config.request__header__timeout()),
                config.max__pending__connections(), config.max__hello__bytes(), config.max__name__chars(),
                config.status__list__limit(), config.total__eater__queue__bytes());
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    /**
     * Checks the federation fields ({@code nats_*}, {@code hub_name}) and turns them into
     * settings.
     *
     * @throws IllegalArgumentException naming the first invalid field
     */
    static FederationSettings toFederation(HubConfiguration config) {
        List<String> servers = new java.util.ArrayList<>();
        for (String server : config.nats__servers() == null ? new String[0] : config.nats__servers()) {
            // File Install and the launchers may give "a,b" as one value.
            for (String one : server.split("[,\\s]+")) {
                if (!one.isEmpty()) {
                    servers.add(one);
                }
            }
        }
        String truststore = config.nats__tls__truststore();
        java.nio.file.Path trust = truststore == null || truststore.isBlank() ? null : java.nio.file.Path.of(truststore.trim());
        if (trust != null && !java.nio.file.Files.isReadable(trust)) {
            throw new IllegalArgumentException("nats_tls_truststore " + trust + " is not a readable file");
        }
        java.nio.file.Path creds = secretFile("nats_creds_file", config.nats__creds__file());
        java.nio.file.Path nkey = secretFile("nats_nkey_file", config.nats__nkey__file());
        return new FederationSettings(servers, config.nats__token(), trust, config.nats__tls__truststore__password(),
                config.nats__subject__prefix(), config.nats__stream(), seconds("nats_max_age", config.nats__max__age()),
                config.nats__max__bytes(), config.hub__name(), config.history__size(), creds, nkey,
                config.nats__storage());
    }

    /** @return the file named by a secret file's field (checked), or null when it is empty */
    private static java.nio.file.Path secretFile(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        java.nio.file.Path file = java.nio.file.Path.of(value.trim());
        FederationSettings.checkSecretFile(field, file);
        return file;
    }

    private static Duration seconds(String field, double value) {
        if (!(value > 0) || value > 366 * 24 * 3600.0) {
            throw new IllegalArgumentException(field + " must be a positive number of seconds, not " + value);
        }
        return Duration.ofNanos(Math.max(1, Math.round(value * 1e9)));
    }

    private static void checkPort(String field, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(field + " must be 0..65535, not " + port);
        }
    }
}
