package netdumplings.metrics.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import netdumplings.api.management.HubInfo;
import netdumplings.api.management.HubManagement;
import netdumplings.api.management.KitchenInfo;
import netdumplings.api.management.KitchenManagement;

/**
 * Serves the runtime's figures to Prometheus: an HTTP endpoint ({@code /metrics}, in the
 * text exposition format) fed from the public management services only, so that it needs
 * nothing of the hub's or the kitchen's internals.
 * <p>
 * Configured by PID {@code netdumplings.metrics} ({@link MetricsConfiguration}) and also
 * reads the hub's PID {@code netdumplings.hub}: when no token of its own is set, the hub's
 * {@code eater_token} protects the endpoint, because whoever may not read the dumplings
 * should not read their figures either. Both PIDs are merged by Declarative Services, so
 * a change of either restarts the endpoint. The endpoint failing to start (its port in
 * use) is logged in one line and leaves the runtime running.
 */
@Component(configurationPid = { MetricsComponent.HUB_PID, MetricsComponent.PID },
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class MetricsComponent {

    /** The configuration PID. */
    static final String PID = "netdumplings.metrics";
    /** The hub's configuration PID, read for its eater token. */
    static final String HUB_PID = "netdumplings.hub";
    /** Framework property: this runtime's default port (see {@link MetricsConfiguration}). */
    static final String PORT_PROPERTY = "netdumplings.metrics.port";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsComponent.class);

    // The services are got at each scrape, not when bound: this component is immediate,
    // and getting the hub's management service while the hub component itself is still
    // being activated (at the framework's start) fails in SCR as a circular activation.
    private final List<ComponentServiceObjects<KitchenManagement>> kitchens = new CopyOnWriteArrayList<>();
    private final AtomicReference<ComponentServiceObjects<HubManagement>> hub = new AtomicReference<>();
    private HTTPServer server;

    /** To tell a port set in configuration {@value #PID} from the type's default, which DS also passes. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL)
    private volatile ConfigurationAdmin configAdmin;

    @Reference(service = KitchenManagement.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeKitchen")
    void addKitchen(ComponentServiceObjects<KitchenManagement> kitchen) {
        kitchens.add(kitchen);
    }

    void removeKitchen(ComponentServiceObjects<KitchenManagement> kitchen) {
        kitchens.remove(kitchen);
    }

    @Reference(service = HubManagement.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeHub")
    void setHub(ComponentServiceObjects<HubManagement> hub) {
        this.hub.set(hub);
    }

    /** A replacement is bound before the old hub is unbound: forget only the one bound. */
    void removeHub(ComponentServiceObjects<HubManagement> gone) {
        hub.compareAndSet(gone, null);
    }

    @Activate
    void activate(BundleContext context, MetricsConfiguration config, Map<String, Object> properties) {
        if (!config.enabled()) {
            LOG.info("metrics endpoint disabled (configuration {})", PID);
            return;
        }
        int port = port(context, config);
        String token = config.token().isEmpty() ? string(properties.get("eater_token")) : config.token();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ManagementCollector(this::kitchenInfos, this::hubInfo));
        try {
            HTTPServer.Builder builder = HTTPServer.builder().hostname(config.host()).port(port).registry(registry);
            if (!token.isEmpty()) {
                builder.authenticator(new BearerAuthenticator(token));
            }
            server = builder.buildAndStart();
            LOG.info("metrics endpoint http://{}:{}/metrics{}", host(config.host()), server.getPort(),
                    token.isEmpty() ? "" : " (bearer token required)");
        } catch (IOException | RuntimeException e) {
            // One line, and the runtime goes on: metrics are never worth stopping the hub for.
            LOG.error("metrics endpoint not started: cannot listen on {}:{}: {} (set {} in configuration {})",
                    config.host(), port, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                    "port", PID);
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** @return the port this endpoint listens on, for tests; -1 when it does not */
    int port() {
        HTTPServer s = server;
        return s == null ? -1 : s.getPort();
    }

    /** The configuration's port if it has one, else the runtime's default, else the type's. */
    private int port(BundleContext context, MetricsConfiguration config) {
        // Not properties.containsKey("port"): the component's description carries the type's
        // defaults as properties (bnd writes them), so "port" is always there.
        if (portConfigured()) {
            return config.port();
        }
        String runtimeDefault = context.getProperty(PORT_PROPERTY);
        if (runtimeDefault != null && !runtimeDefault.isBlank()) {
            try {
                return Integer.parseInt(runtimeDefault.trim());
            } catch (NumberFormatException e) {
                LOG.warn("framework property {}={} is not a port: using {}", PORT_PROPERTY, runtimeDefault,
                        config.port());
            }
        }
        return config.port();
    }

    /** @return whether configuration {@value #PID} in Config Admin sets {@code port} */
    private boolean portConfigured() {
        ConfigurationAdmin admin = configAdmin;
        if (admin == null) {
            return false;
        }
        try {
            Configuration[] found = admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
            return found != null && found[0].getProperties() != null && found[0].getProperties().get("port") != null;
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("cannot read configuration {}: {}", PID, e.getMessage());
            return false;
        }
    }

    private List<KitchenInfo> kitchenInfos() {
        List<KitchenInfo> result = new ArrayList<>();
        for (ComponentServiceObjects<KitchenManagement> objects : kitchens) {
            KitchenInfo info = info(objects, KitchenManagement::info);
            if (info != null) {
                result.add(info);
            }
        }
        result.sort(Comparator.comparing(KitchenInfo::name));
        return result;
    }

    private HubInfo hubInfo() {
        ComponentServiceObjects<HubManagement> objects = hub.get();
        HubInfo info = objects == null ? null : info(objects, HubManagement::info);
        return info == null ? HubInfo.notRunning() : info;
    }

    /** @return the service's snapshot, or null when it is gone (or not available yet) */
    private static <S, I> I info(ComponentServiceObjects<S> objects, java.util.function.Function<S, I> snapshot) {
        S service;
        try {
            service = objects.getService();
        } catch (IllegalStateException e) {
            return null; // unregistered meanwhile
        }
        if (service == null) {
            return null;
        }
        try {
            return snapshot.apply(service);
        } finally {
            objects.ungetService(service);
        }
    }

    private static String string(Object value) {
        return value == null ? "" : value.toString();
    }

    private static String host(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Requires {@code Authorization: Bearer <token>}, compared in constant time. */
    static final class BearerAuthenticator extends Authenticator {

        private final byte[] expected;

        BearerAuthenticator(String token) {
            expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Result authenticate(HttpExchange exchange) {
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            if (header != null && MessageDigest.isEqual(expected, header.trim().getBytes(StandardCharsets.UTF_8))) {
                return new Success(new HttpPrincipal("scraper", "netdumplings"));
            }
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"netdumplings\"");
            return new Failure(401);
        }
    }
}
