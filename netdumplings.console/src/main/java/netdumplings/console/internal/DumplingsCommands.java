package netdumplings.console.internal;

import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.HubInfo;
import netdumplings.api.management.KitchenInfo;

/**
 * Gogo commands of scope {@code dumplings}: {@code kitchens}, {@code chefs}, {@code hub},
 * {@code enable [kitchen] chef}, {@code disable [kitchen] chef}. Each returns the text
 * Gogo prints, so the functions can also be called (and tested) directly.
 */
@Component(service = DumplingsCommands.class, property = {
    "osgi.command.scope=dumplings",
    "osgi.command.function=kitchens",
    "osgi.command.function=chefs",
    "osgi.command.function=hub",
    "osgi.command.function=enable",
    "osgi.command.function=disable"
})
public class DumplingsCommands {

    private final ManagementRegistry registry;

    /** @param registry the management services these commands show and switch */
    @Activate
    public DumplingsCommands(@Reference ManagementRegistry registry) {
        this.registry = registry;
    }

    /** @return one line per kitchen: name, source, filter, figures */
    public String kitchens() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-20s %-30s %-24s %8s %12s %10s %8s %12s%n",
                "KITCHEN", "SOURCE", "FILTER", "RUNNING", "CAPTURED", "PACKETS/S", "DROPS", "KERNEL DROPS"));
        for (KitchenInfo k : registry.kitchens()) {
            out.append(String.format(Locale.ROOT, "%-20s %-30s %-24s %8s %12d %10.1f %8d %12d%n", k.name(),
                    (k.live() ? "interface " : "file ") + k.source(), '"' + k.filter() + '"', k.running(),
                    k.packetsCaptured(), k.packetsPerSecond(), k.packetsDropped(), k.kernelDrops()));
            if (k.failure() != null) {
                out.append("  failure: ").append(k.failure()).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    /** @return one line per chef of every kitchen */
    public String chefs() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%-20s %-22s %-8s %-28s %10s %10s %7s %7s %7s %10s%n", "KITCHEN", "CHEF", "ENABLED", "BUNDLE",
                "PACKETS", "DUMPLINGS", "ERRORS", "INVALID", "DROPS", "MEAN(us)"));
        for (KitchenInfo k : registry.kitchens()) {
            for (ChefInfo c : k.chefs()) {
                String bundle = c.bundle() == null ? "-" : c.bundle() + " " + c.bundleVersion();
                out.append(String.format(Locale.ROOT, "%-20s %-22s %-8s %-28s %10d %10d %7d %7d %7d %10.2f%n",
                        k.name(), c.name(), c.enabled() ? "yes" : "NO", bundle, c.packetsHandled(),
                        c.dumplingsMade(), c.errors(), c.invalidPayloads(), c.packetsDropped(),
                        c.meanHandlerMicros()));
            }
        }
        return out.toString();
    }

    /** @return the hub's figures, its kitchens and its eaters */
    public String hub() {
        HubInfo h = registry.hub();
        if (!h.running()) {
            return "hub: not running" + System.lineSeparator();
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "hub: uptime %.0f s, dumplings in %d, out %d, invalid %d, eater drops %d, kitchens %d, eaters %d%n",
                h.uptimeSeconds(), h.dumplingsIn(), h.dumplingsOut(), h.invalidFrames(), h.eaterDrops(),
                h.kitchens().size(), h.eaters().size()));
        for (HubInfo.Kitchen k : h.kitchens()) {
            out.append(String.format(Locale.ROOT, "  kitchen %-20s %s:%d in %d invalid %d%n", k.name(), k.host(),
                    k.port(), k.dumplingsIn(), k.invalidFrames()));
        }
        for (HubInfo.Eater e : h.eaters()) {
            out.append(String.format(Locale.ROOT, "  eater   %-20s %s:%d queued %d sent %d dropped %d%n", e.name(),
                    e.host(), e.port(), e.queued(), e.sent(), e.dropped()));
        }
        return out.toString();
    }

    /**
     * @param chef a chef's name or class name, enabled in every kitchen
     * @return what happened
     */
    public String enable(String chef) {
        return enable(null, chef);
    }

    /**
     * @param kitchen the kitchen's name
     * @param chef    a chef's name or class name
     * @return what happened
     */
    public String enable(String kitchen, String chef) {
        return report("enabled", chef, registry.chefEnabled(kitchen, chef, true));
    }

    /**
     * @param chef a chef's name or class name, disabled in every kitchen
     * @return what happened
     */
    public String disable(String chef) {
        return disable(null, chef);
    }

    /**
     * @param kitchen the kitchen's name
     * @param chef    a chef's name or class name
     * @return what happened
     */
    public String disable(String kitchen, String chef) {
        return report("disabled", chef, registry.chefEnabled(kitchen, chef, false));
    }

    private static String report(String what, String chef, int kitchens) {
        return kitchens == 0 ? "no kitchen has a chef " + chef
                : "chef " + chef + " " + what + " in " + kitchens + (kitchens == 1 ? " kitchen" : " kitchens");
    }
}
