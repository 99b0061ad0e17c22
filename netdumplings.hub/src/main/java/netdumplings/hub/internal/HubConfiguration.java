package netdumplings.hub.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The hub's configuration (PID {@code netdumplings.hub}), named after the original
 * {@code nd-hub} flags. OSGi maps a method name's {@code __} to {@code _} (and a single
 * {@code _} to {@code .}), so the configuration properties are {@code address},
 * {@code in_port}, {@code out_port}, {@code status_freq}, {@code max_message_bytes} and
 * {@code eater_queue_limit}, as {@code bin/nd-hub} writes them.
 */
@ObjectClassDefinition(name = "netdumplings hub",
        description = "The WebSocket hub: kitchens send dumplings to the in-port, eaters receive them on the out-port.")
public @interface HubConfiguration {

    /** The address both ports listen on. Default {@code localhost}: local clients only. */
    @AttributeDefinition(name = "Address",
            description = "Host name or IP address to listen on (default localhost; 0.0.0.0 for every interface).")
    String address() default HubSettings.DEFAULT_ADDRESS;

    /** The kitchens' port. Default 11347; 0 picks any free port. */
    @AttributeDefinition(name = "Kitchen port (in-port)", min = "0", max = "65535",
            description = "Port kitchens connect to (default 11347; 0 = any free port).")
    int in__port() default HubSettings.DEFAULT_KITCHEN_PORT;

    /** The eaters' port. Default 11348; 0 picks any free port. */
    @AttributeDefinition(name = "Eater port (out-port)", min = "0", max = "65535",
            description = "Port eaters connect to (default 11348; 0 = any free port).")
    int out__port() default HubSettings.DEFAULT_EATER_PORT;

    /** Seconds between two status dumplings. Default 5; must be positive. */
    @AttributeDefinition(name = "Status frequency (s)",
            description = "Seconds between two SystemStatusChef dumplings (default 5; must be > 0).")
    double status__freq() default 5.0;

    /** The largest message accepted, in bytes; a bigger one closes with 1009. Default 1 MiB. */
    @AttributeDefinition(name = "Largest message (bytes)", min = "1",
            description = "Largest message accepted from a client; a bigger one closes the connection with 1009 (default 1048576).")
    int max__message__bytes() default HubSettings.DEFAULT_MAX_MESSAGE_BYTES;

    /** Dumplings that may wait to be written to one eater; more are dropped. Default 10000. */
    @AttributeDefinition(name = "Eater queue limit", min = "1",
            description = "Dumplings that may wait to be written to one eater; more are dropped for it and counted (default 10000).")
    int eater__queue__limit() default HubSettings.DEFAULT_EATER_QUEUE_LIMIT;
}
