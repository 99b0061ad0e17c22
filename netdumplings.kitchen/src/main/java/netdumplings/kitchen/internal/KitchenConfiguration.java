package netdumplings.kitchen.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One kitchen's configuration: a factory configuration of PID {@code netdumplings.kitchen}
 * (e.g. the File Install file {@code deploy/netdumplings.kitchen-NAME.cfg}), so one
 * runtime can run several kitchens. Defaults are those of the original {@code nd-sniff}.
 * <p>
 * Property names are those of the original's options with underscores
 * ({@code kitchen_name}, {@code poke_interval}, {@code chef_modules},
 * {@code fallback_to_sample}, {@code interface}, ...). Declarative Services maps method
 * names to property names with {@code __} giving {@code _} (a single {@code _} would give
 * {@code .}) and a trailing {@code $} dropped, hence the odd method names.
 */
@ObjectClassDefinition(
        name = "netdumplings kitchen",
        description = "Sniffs packets (live or from a capture file), feeds them to the chefs "
                + "and sends their dumplings to the hub. One configuration per kitchen.")
public @interface KitchenConfiguration {

    /** @return the kitchen's name, in every dumpling it sends; default {@code default_kitchen} */
    @AttributeDefinition(name = "Kitchen name", description = "Shown in every dumpling's metadata.kitchen.")
    String kitchen__name() default "default_kitchen";

    /** @return the interface to sniff; default {@code all} (libpcap's {@code any}) */
    @AttributeDefinition(name = "Interface", description = "Network interface to sniff; \"all\" for every one.")
    String interface$() default "all";

    /** @return the BPF filter; default {@code tcp or udp or arp} */
    @AttributeDefinition(name = "Filter", description = "BPF filter, also applied to capture files; empty for none.")
    String filter() default "tcp or udp or arp";

    /**
     * @return seconds between interval handler calls; default 5.0; 0 (the original accepts
     *         it) means as often as the kitchen allows, every
     *         {@code KitchenConfigurationCheck.MIN_POKE_SECONDS}
     */
    @AttributeDefinition(name = "Poke interval", description = "Seconds between calls of each chef's interval "
            + "handler (0: every 0.01 s, the shortest).")
    double poke__interval() default 5.0;

    /** @return the hub's kitchen port as host:port; default {@code localhost:11347} */
    @AttributeDefinition(name = "Hub", description = "host:port of the hub's kitchen port; several, comma-separated, to move on to the next when one is down.")
    String hub() default "localhost:11347";

    /** @return the hub's kitchen token, sent as {@code Authorization: Bearer}; default empty: none */
    @AttributeDefinition(name = "Hub token", required = false,
            type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Shared secret the hub requires of kitchens (its kitchen_token); empty for none (default).")
    String hub__token() default "";

    /** @return chef names or class names to use; default empty: every chef */
    @AttributeDefinition(name = "Chefs", required = false,
            description = "Chef names (or class names) to feed; empty for every chef.")
    String[] chefs() default {};

    /** @return bundle symbolic names (or Java packages) chefs must come from; default empty: any */
    @AttributeDefinition(name = "Chef modules", required = false,
            description = "Bundle symbolic names (or Java packages) whose chefs to feed; empty for any.")
    String[] chef__modules() default {};

    /** @return a pcap or pcapng file to replay; default empty: capture live */
    @AttributeDefinition(name = "Capture file", required = false,
            description = "Path of a pcap/pcapng file to replay instead of sniffing live; empty to sniff live.")
    String pcap() default "";

    /** @return replay speed; default 1.0 (as recorded); N = N times faster; 0 = as fast as possible */
    @AttributeDefinition(name = "Replay speed", description = "1 = as recorded, N = N times faster, 0 = as fast as possible.")
    double speed() default 1.0;

    /**
     * @return the longest recorded gap between two packets a replay honours, in seconds; a
     *         longer one (a capture merged from several days, say) is replayed as this long,
     *         as tcpreplay's {@code --maxsleep} does; default 5; 0 = every gap as recorded
     */
    @AttributeDefinition(name = "Longest replayed gap",
            description = "Seconds: a longer recorded gap between two packets (captures merged from several days) "
                    + "is replayed as this long; 0 replays every gap as recorded.")
    double max__gap() default 5.0;

    /** @return times to replay the file; default 1; 0 = for ever */
    @AttributeDefinition(name = "Replay loops", description = "Times to replay the capture file; 0 for ever.")
    int loop() default 1;

    /** @return bytes captured per packet, live; default 65535 */
    @AttributeDefinition(name = "Snapshot length", description = "Bytes captured per packet when sniffing live.")
    int snaplen() default 65535;

    /** @return whether to sniff in promiscuous mode; default false */
    @AttributeDefinition(name = "Promiscuous", description = "Put the interface in promiscuous mode.")
    boolean promiscuous() default false;

    /**
     * @return whether to replay the bundled sample capture, in a loop at speed 1, when live
     *         capture is not permitted; default false
     */
    @AttributeDefinition(name = "Fall back to sample",
            description = "When live capture is not permitted, replay the bundled sample capture in a loop.")
    boolean fallback__to__sample() default false;

    /**
     * @return how the Web Console's Configuration page names each kitchen's configuration
     *         (property {@code webconsole.configurationFactory.nameHint}, hidden from its
     *         form): by {@code kitchen_name}, not by the generated PID; not used by the kitchen
     */
    @AttributeDefinition(name = "Name hint", description = "How the Web Console names this configuration.")
    String webconsole_configurationFactory_nameHint() default "kitchen {kitchen_name}";
}
