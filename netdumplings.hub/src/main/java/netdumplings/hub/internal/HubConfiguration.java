package netdumplings.hub.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The hub's configuration (PID {@code netdumplings.hub}), named after the original
 * {@code nd-hub} flags. OSGi maps a method name's {@code __} to {@code _} (and a single
 * {@code _} to {@code .}), so the configuration properties are {@code address},
 * {@code in_port}, {@code out_port}, {@code status_freq}, {@code max_message_bytes} and
 * {@code eater_queue_limit}, as {@code bin/nd-hub} writes them, plus {@code eater_queue_bytes},
 * {@code eater_stall_timeout}, {@code hello_timeout}, {@code max_connections},
 * {@code kitchen_token}, {@code eater_token}, {@code tls_keystore},
 * {@code tls_keystore_password}, {@code allowed_origins}, {@code allowed_hosts}, the bounds
 * {@code request_header_timeout}, {@code max_pending_connections}, {@code max_hello_bytes},
 * {@code max_name_chars}, {@code status_list_limit}, {@code total_eater_queue_bytes}, and the
 * federation's (all optional; the defaults behave as the original hub for every client
 * that sends what the original's clients send).
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

    /**
     * Seconds between two status dumplings. Default 5; 0 (the original accepts it) means
     * as often as the hub allows: every {@code HubComponent.MIN_STATUS_SECONDS}.
     */
    @AttributeDefinition(name = "Status frequency (s)",
            description = "Seconds between two SystemStatusChef dumplings (default 5; 0: every 0.1 s, the shortest).")
    double status__freq() default 5.0;

    /** The largest message accepted, in bytes; a bigger one closes with 1009. Default 1 MiB. */
    @AttributeDefinition(name = "Largest message (bytes)", min = "1",
            description = "Largest message accepted from a client; a bigger one closes the connection with 1009 (default 1048576).")
    int max__message__bytes() default HubSettings.DEFAULT_MAX_MESSAGE_BYTES;

    /** Dumplings that may wait to be written to one eater; more are dropped. Default 10000. */
    @AttributeDefinition(name = "Eater queue limit", min = "1",
            description = "Dumplings that may wait to be written to one eater; more are dropped for it and counted (default 10000).")
    int eater__queue__limit() default HubSettings.DEFAULT_EATER_QUEUE_LIMIT;

    /** Bytes of dumplings that may wait to be written to one eater. Default 64 MiB. */
    @AttributeDefinition(name = "Eater queue bytes", min = "1",
            description = "Bytes of dumplings that may wait to be written to one eater; more are dropped for it and counted (default 67108864 = 64 MiB).")
    long eater__queue__bytes() default HubSettings.DEFAULT_EATER_QUEUE_BYTES;

    /** Seconds an eater may leave dumplings unread before it is closed (1008). Default 60. */
    @AttributeDefinition(name = "Eater stall timeout (s)",
            description = "Seconds an eater may leave dumplings unread before it is closed with 1008 \"eater stalled\" (default 60).")
    double eater__stall__timeout() default 60.0;

    /** Seconds a client may take to say hello before it is closed (1011). Default 30. */
    @AttributeDefinition(name = "Hello timeout (s)",
            description = "Seconds a client may take to send its hello before it is closed with 1011 (default 30).")
    double hello__timeout() default 30.0;

    /** Connections open at once, on both ports together, from accept; more are refused (503). Default 4096. */
    @AttributeDefinition(name = "Max connections", min = "1",
            description = "Connections open at once, both ports together, counted from their accept; an upgrade over it is refused with HTTP 503 (default 4096).")
    int max__connections() default HubSettings.DEFAULT_MAX_CONNECTIONS;

    /** The kitchens' shared secret. Default empty: none required, as the original. */
    @AttributeDefinition(name = "Kitchen token", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Shared secret kitchens must send (Authorization: Bearer, ?token= or \"token\" in the hello); empty for none (default).")
    String kitchen__token() default "";

    /** The eaters' shared secret. Default empty: none required, as the original. */
    @AttributeDefinition(name = "Eater token", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Shared secret eaters must send (Authorization: Bearer, ?token= or \"token\" in the hello); empty for none (default).")
    String eater__token() default "";

    /** A keystore to serve both ports with TLS (wss). Default empty: plain WebSockets. */
    @AttributeDefinition(name = "TLS keystore",
            description = "Path of a PKCS#12 or JKS keystore with the hub's key and certificate: both ports then speak TLS only (wss://); empty for plain ws:// (default).")
    String tls__keystore() default "";

    /** The keystore's password. Default empty. */
    @AttributeDefinition(name = "TLS keystore password", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Password of the TLS keystore (default empty).")
    String tls__keystore__password() default "";

    /** Browser origins allowed besides the hub's own address. Default none. */
    @AttributeDefinition(name = "Allowed origins",
            description = "Browser origins (e.g. https://example.org:8443) that may connect; a request with any other Origin header is refused with 403. The hub's own address is always allowed; clients without Origin are never affected (default: none).")
    String[] allowed__origins() default {};

    /** Host names a request's Host header may name besides the hub's own. Default none. */
    @AttributeDefinition(name = "Allowed hosts",
            description = "Host names (without port) that requests may name in their Host header besides localhost, the hub's address, this machine's host name and any IP address; a request naming any other host is refused with 403 on both ports (DNS rebinding) (default: none).")
    String[] allowed__hosts() default {};

    /** Eater addresses of other hubs the dashboard moves to when this one goes away. Default none. */
    @AttributeDefinition(name = "Fail-over hubs",
            description = "Eater addresses (ws://HOST:PORT or wss://HOST:PORT) of other hubs of this hub's federation, in order: the dashboard served here moves to the next when its hub goes away, recovering what it missed from the shared history; each must list this hub's eater address in its allowed_origins (default: none).")
    String[] failover__hubs() default {};

    // ---- bounds (issue 11) ---------------------------------------------------------------

    /** Seconds from accept to a connection's WebSocket upgrade; a plain HTTP connection lives this long. Default 10. */
    @AttributeDefinition(name = "Request header timeout (s)",
            description = "Seconds a connection may take from its accept to its WebSocket upgrade (TLS handshake and request headers); a plain HTTP connection (the dashboard) is closed this long after its accept (default 10).")
    double request__header__timeout() default 10.0;

    /** Connections without hello at most; a new one closes the oldest of them. Default 256. */
    @AttributeDefinition(name = "Max connections without hello", min = "1",
            description = "Connections accepted but not through their hello (request, upgrade, dashboard) at most, counted within max_connections; a new connection over it closes the oldest of them, so they cannot hold the slots of clients that said hello (default 256).")
    int max__pending__connections() default HubLimits.DEFAULT_MAX_PENDING_CONNECTIONS;

    /** The largest hello in bytes; a bigger one closes with 1008. Default 4096. */
    @AttributeDefinition(name = "Largest hello (bytes)", min = "1",
            description = "Largest hello a kitchen or an eater may send; a bigger one closes the connection with 1008 \"<role> hello larger than N bytes\" (default 4096).")
    int max__hello__bytes() default HubLimits.DEFAULT_MAX_HELLO_BYTES;

    /** The longest name in a hello; a longer one closes with 1008. Default 256. */
    @AttributeDefinition(name = "Longest name (characters)", min = "1",
            description = "Longest kitchen_name, eater_name (any *_name) or chef name in a hello; a longer one closes the connection with 1008 \"<role> hello: <field> longer than N characters\" (default 256).")
    int max__name__chars() default HubLimits.DEFAULT_MAX_NAME_CHARS;

    /** Entries per list of a status dumpling at most. Default 100. */
    @AttributeDefinition(name = "Status list limit", min = "1",
            description = "Entries of dumpling_kitchens and of dumpling_eaters in a status dumpling at most (and hellos of at most a quarter of max_message_bytes per list); the rest is counted in dumpling_kitchens_more and dumpling_eaters_more (default 100).")
    int status__list__limit() default HubLimits.DEFAULT_STATUS_LIST_LIMIT;

    /** Bytes waiting for all eaters together at most. Default 512 MiB. */
    @AttributeDefinition(name = "Total eater queue bytes", min = "1",
            description = "Bytes of dumplings waiting to be written to all eaters together at most; past it an eater that is behind gets no more, and the eaters with the most unwritten bytes are closed first (1008 \"eater too slow\"), counted in total_eaters_dropped (default 536870912 = 512 MiB).")
    long total__eater__queue__bytes() default HubLimits.DEFAULT_TOTAL_EATER_QUEUE_BYTES;

    // ---- federation through NATS JetStream (off while nats_servers is empty) ----------

    /** NATS servers to federate through. Default none: the hub serves its own kitchens only. */
    @AttributeDefinition(name = "NATS servers",
            description = "NATS server URLs (nats://host:4222, tls://host:4222) through which this hub shares dumplings with other hubs and keeps their history in JetStream; empty for none (default).")
    String[] nats__servers() default {};

    /** The NATS token. Default none. */
    @AttributeDefinition(name = "NATS token", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Token for the NATS servers; empty for none (default).")
    String nats__token() default "";

    /** A NATS credentials file. Default none. */
    @AttributeDefinition(name = "NATS credentials file",
            description = "A NATS .creds file (user JWT and NKey seed, as nsc writes it) to authenticate with; readable by its owner only; empty for none (default). Not with an NKey file.")
    String nats__creds__file() default "";

    /** A NATS NKey seed file. Default none. */
    @AttributeDefinition(name = "NATS NKey seed file",
            description = "A file holding a NATS user's NKey seed (SU...), for a server that knows the user by its public key; readable by its owner only; empty for none (default). Not with a credentials file.")
    String nats__nkey__file() default "";

    /** A truststore for TLS to NATS. Default none: the JVM's trust. */
    @AttributeDefinition(name = "NATS TLS truststore",
            description = "PKCS#12 or JKS truststore with the NATS servers' CA: TLS to NATS with it; empty for the JVM's own trust (TLS then only for tls:// URLs) (default).")
    String nats__tls__truststore() default "";

    /** Its password. Default none. */
    @AttributeDefinition(name = "NATS TLS truststore password", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Password of the NATS TLS truststore (default empty).")
    String nats__tls__truststore__password() default "";

    /** The first tokens of every subject the hubs use. Default {@code netdumplings}. */
    @AttributeDefinition(name = "NATS subject prefix",
            description = "First subject tokens of what the hubs publish: <prefix>.d.<hub>.<kitchen>.<chef> and <prefix>.status.<hub> (default netdumplings).")
    String nats__subject__prefix() default netdumplings.hub.internal.federation.FederationSettings.DEFAULT_SUBJECT_PREFIX;

    /** The JetStream stream keeping the dumplings. Default {@code NETDUMPLINGS}. */
    @AttributeDefinition(name = "NATS stream",
            description = "JetStream stream that keeps every hub's dumplings; created when missing (default NETDUMPLINGS).")
    String nats__stream() default netdumplings.hub.internal.federation.FederationSettings.DEFAULT_STREAM;

    /** Seconds the stream keeps a dumpling. Default 3600. */
    @AttributeDefinition(name = "NATS stream max age (s)",
            description = "Seconds the stream keeps a dumpling (default 3600).")
    double nats__max__age() default 3600.0;

    /** Bytes the stream keeps at most. Default 1 GiB. */
    @AttributeDefinition(name = "NATS stream max bytes", min = "1",
            description = "Bytes of dumplings the stream keeps at most; the oldest go first (default 1073741824 = 1 GiB).")
    long nats__max__bytes() default netdumplings.hub.internal.federation.FederationSettings.DEFAULT_MAX_BYTES;

    /** Where a stream this hub creates keeps the dumplings. Default {@code file}. */
    @AttributeDefinition(name = "NATS stream storage", options = {
            @org.osgi.service.metatype.annotations.Option(label = "File (kept across nats-server restarts)", value = "file"),
            @org.osgi.service.metatype.annotations.Option(label = "Memory (faster; lost at a restart: a new epoch)", value = "memory") },
            description = "Where a stream this hub creates keeps the dumplings: file (default) or memory. An existing stream keeps its own.")
    String nats__storage() default netdumplings.hub.internal.federation.FederationSettings.DEFAULT_STORAGE;

    /** This hub's name among federated hubs. Default: host name and eater port. */
    @AttributeDefinition(name = "Hub name",
            description = "This hub's name among federated hubs, in subjects and status dumplings; empty for <host name>:<out_port> (default).")
    String hub__name() default "";

    /** Dumplings kept in memory for eaters asking for history, without NATS. Default 0: none. */
    @AttributeDefinition(name = "History size", min = "0",
            description = "Without NATS: how many of the last dumplings the hub keeps in memory for eaters that ask for history (the dashboard, nd-print --last); 0 for none (default: none, so that eaters get exactly what the original hub sends). With NATS the stream is the history.")
    int history__size() default netdumplings.hub.internal.federation.FederationSettings.DEFAULT_HISTORY_SIZE;
}
