package netdumplings.itest.hotchef;

import java.util.Map;
import java.util.UUID;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import netdumplings.api.DumplingChef;
import netdumplings.api.SniffedPacket;

/**
 * The chef that HotDeploymentIT builds into bundles of its own (one per version) and drops
 * into File Install's directory. It announces itself with one packet dumpling on the first
 * packet after each activation or configuration change, so a test can tell which version
 * and which configuration is fed, without flooding the hub.
 * <p>
 * Not a component of the test bundle (see its bnd.bnd): only of the bundles built from it.
 */
@Component(configurationPid = HotChef.PID, service = DumplingChef.class)
@Designate(ocd = HotChef.Config.class)
public class HotChef implements DumplingChef {

    /** The configuration PID: {@code deploy/netdumplings.itest.hotchef.cfg} configures it. */
    public static final String PID = "netdumplings.itest.hotchef";
    /** The chef's name in every dumpling. */
    public static final String NAME = "HotChef";

    /** The hot chef's configuration. */
    @ObjectClassDefinition(name = "netdumplings test hot chef",
            description = "A chef deployed and configured through deploy/ by the integration tests.")
    public @interface Config {
        /** @return a label put into each announcement; default {@code none} */
        @AttributeDefinition(name = "Label", description = "Put into each announcement dumpling.")
        String label() default "none";
    }

    /** Identifies this activation: @Modified keeps it, a reactivation changes it. */
    private final String activation = UUID.randomUUID().toString();
    private String version;
    private volatile String label;
    private volatile int modifications;
    private volatile boolean announce;
    private long packets;

    @Activate
    void activate(BundleContext context, Config config) {
        version = context.getBundle().getVersion().toString();
        label = config.label();
        announce = true;
    }

    @Modified
    void modified(Config config) {
        label = config.label();
        modifications++;
        announce = true;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Object packetHandler(SniffedPacket packet) {
        packets++;
        if (!announce) {
            return null;
        }
        announce = false;
        return Map.of("version", version, "label", label, "activation", activation,
                "modifications", modifications, "packets", packets);
    }
}
