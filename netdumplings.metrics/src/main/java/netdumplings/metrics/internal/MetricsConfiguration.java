package netdumplings.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The metrics endpoint's configuration (PID {@code netdumplings.metrics}); its properties
 * are {@code enabled}, {@code host}, {@code port} and {@code token}. None is required.
 * <p>
 * The port's default differs per runtime so that an all-in-one runtime, a hub and a
 * kitchen can run side by side on one host: a runtime's bndrun sets the framework property
 * {@value MetricsComponent#PORT_PROPERTY} (hub.bndrun 11350, kitchen.bndrun 11351); a
 * {@code port} in this configuration wins over it.
 */
// The component merges two PIDs (its own and the hub's), which @Designate cannot name:
// the metatype is designated to this PID here instead.
@ObjectClassDefinition(pid = MetricsComponent.PID, name = "netdumplings metrics",
        description = "The Prometheus metrics endpoint of this runtime (text exposition format at /metrics).")
public @interface MetricsConfiguration {

    /** Default {@link #port()}: the all-in-one runtime's. */
    int DEFAULT_PORT = 11349;

    /** Whether the endpoint is served. Default true. */
    @AttributeDefinition(name = "Enabled", description = "Serve the metrics endpoint (default true).")
    boolean enabled() default true;

    /** The address it listens on. Default {@code localhost}: local scrapers only. */
    @AttributeDefinition(name = "Host",
            description = "Host name or IP address to listen on (default localhost; 0.0.0.0 for every interface).")
    String host() default "localhost";

    /** Its port; 0 picks any free port. */
    @AttributeDefinition(name = "Port", min = "0", max = "65535",
            description = "Port of the endpoint (default 11349 for the all-in-one runtime, 11350 for nd-hub, "
                    + "11351 for nd-sniff; 0 = any free port).")
    int port() default DEFAULT_PORT;

    /** The bearer token scrapers must send; empty: the hub's eater token, if one is set. */
    @AttributeDefinition(name = "Token", type = AttributeType.PASSWORD,
            description = "Bearer token scrapers must send (Authorization: Bearer); empty for the hub's eater "
                    + "token when one is set in this runtime, else none (default).")
    String token() default "";
}
