package netdumplings.console.internal;

import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.HubInfo;
import netdumplings.api.management.KitchenInfo;

/**
 * Gogo commands of scope {@code dumplings}: {@code kitchens}, {@code chefs}, {@code hub},
 * {@code enable [kitchen] chef}, {@code disable [kitchen] chef}. Each returns the text
 * Gogo prints, so the functions can also be called (and tested) directly. Every command
 * and argument has a {@link Descriptor}, shown by Gogo's {@code help}; a wrong argument
 * (an unknown kitchen or chef) is answered in one line.
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
    @Descriptor("Lists the running kitchens: source, filter, packets captured, packets/s, drops, and the hub "
            + "connection (connected, or reconnecting since when; dumplings buffered and dropped)")
    public String kitchens() {
        TextTable table = new TextTable("KITCHEN", "SOURCE", "FILTER", "RUNNING", ">CAPTURED", ">PACKETS/S",
                ">DROPS", ">SENT", ">KERNEL DROPS", "HUB", ">BUFFERED", ">HUB DROPS");
        StringBuilder failures = new StringBuilder();
        for (KitchenInfo k : registry.kitchens()) {
            table.row(k.name(), (k.live() ? "interface " : "file ") + k.source(), '"' + k.filter() + '"',
                    k.running() ? "yes" : "no", k.packetsCaptured(),
                    String.format(Locale.ROOT, "%.1f", k.packetsPerSecond()), k.packetsDropped(), k.dumplingsSent(),
                    k.kernelDrops(), hubConnection(k, java.time.ZoneId.systemDefault()), k.dumplingsBuffered(),
                    k.dumplingsDropped());
            if (k.failure() != null) {
                failures.append("failure of ").append(k.name()).append(": ").append(k.failure())
                        .append(System.lineSeparator());
            }
        }
        return table.toString() + failures;
    }

    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter.ofPattern(
            "HH:mm:ss");

    /**
     * @return a kitchen's hub connection in words: {@code connected}, {@code reconnecting
     *         since 05:12:03} (local time), {@code connecting since 05:12:03 (never connected)},
     *         or {@code -} when it does not run
     */
    static String hubConnection(KitchenInfo k, java.time.ZoneId zone) {
        if (k.hubConnected()) {
            return "connected";
        }
        if (k.hubDownSince() == 0) {
            return "-";
        }
        String since = TIME.format(java.time.Instant.ofEpochMilli(k.hubDownSince()).atZone(zone));
        return k.hubConnections() == 0 ? "connecting since " + since + " (never connected)"
                : "reconnecting since " + since;
    }

    /** @return one line per chef of every kitchen */
    @Descriptor("Lists the chefs of every kitchen: enabled, bundle, packets, dumplings, errors, drops, mean handler time")
    public String chefs() {
        return chefs(registry.kitchens());
    }

    /**
     * @param kitchen a kitchen's name
     * @return one line per chef of that kitchen, or one line saying there is no such kitchen
     */
    @Descriptor("Lists the chefs of one kitchen")
    public String chefs(@Descriptor("the kitchen's name (see dumplings:kitchens)") String kitchen) {
        List<KitchenInfo> all = registry.kitchens();
        List<KitchenInfo> named = all.stream().filter(k -> k.name().equals(kitchen)).toList();
        if (named.isEmpty()) {
            return noSuchKitchen(kitchen, all);
        }
        return chefs(named);
    }

    private static String chefs(List<KitchenInfo> kitchens) {
        TextTable table = new TextTable("KITCHEN", "CHEF", "ENABLED", "BUNDLE", ">PACKETS", ">DUMPLINGS", ">ERRORS",
                ">INVALID", ">DROPS", ">MEAN(us)");
        for (KitchenInfo k : kitchens) {
            for (ChefInfo c : k.chefs()) {
                table.row(k.name(), c.name(), c.enabled() ? "yes" : "NO",
                        c.bundle() == null ? "-" : c.bundle() + " " + c.bundleVersion(), c.packetsHandled(),
                        c.dumplingsMade(), c.errors(), c.invalidPayloads(), c.packetsDropped(),
                        String.format(Locale.ROOT, "%.2f", c.meanHandlerMicros()));
            }
        }
        return table.toString();
    }

    /** @return the hub's figures, its kitchens and its eaters */
    @Descriptor("Shows the hub: uptime, dumplings in and out, drops, and each connected kitchen and eater")
    public String hub() {
        HubInfo h = registry.hub();
        if (!h.running()) {
            return "hub: not running" + System.lineSeparator();
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "hub: uptime %.0f s, dumplings in %d, out %d, invalid %d, eater drops %d, kitchens %d, eaters %d%n",
                h.uptimeSeconds(), h.dumplingsIn(), h.dumplingsOut(), h.invalidFrames(), h.eaterDrops(),
                h.kitchens().size(), h.eaters().size()));
        if (h.kitchens().isEmpty() && h.eaters().isEmpty()) {
            return out.toString();
        }
        TextTable table = new TextTable("", "NAME", "REMOTE", ">IN", ">INVALID", ">QUEUED", ">SENT", ">DROPPED");
        for (HubInfo.Kitchen k : h.kitchens()) {
            table.row("kitchen", k.name(), k.host() + ":" + k.port(), k.dumplingsIn(), k.invalidFrames(), "", "", "");
        }
        for (HubInfo.Eater e : h.eaters()) {
            table.row("eater", e.name(), e.host() + ":" + e.port(), "", "", e.queued(), e.sent(), e.dropped());
        }
        for (String line : table.toString().split(System.lineSeparator())) {
            out.append("  ").append(line).append(System.lineSeparator());
        }
        return out.toString();
    }

    /**
     * @param chef a chef's name or class name, enabled in every kitchen
     * @return what happened
     */
    @Descriptor("Feeds a chef packets again in every kitchen")
    public String enable(@Descriptor("the chef's name or class name") String chef) {
        return enable(null, chef);
    }

    /**
     * @param kitchen the kitchen's name
     * @param chef    a chef's name or class name
     * @return what happened
     */
    @Descriptor("Feeds a chef packets again in one kitchen")
    public String enable(@Descriptor("the kitchen's name (see dumplings:kitchens)") String kitchen,
            @Descriptor("the chef's name or class name") String chef) {
        return switchChef(kitchen, chef, true);
    }

    /**
     * @param chef a chef's name or class name, disabled in every kitchen
     * @return what happened
     */
    @Descriptor("Stops feeding a chef packets in every kitchen (the capture and the other chefs go on)")
    public String disable(@Descriptor("the chef's name or class name") String chef) {
        return disable(null, chef);
    }

    /**
     * @param kitchen the kitchen's name
     * @param chef    a chef's name or class name
     * @return what happened
     */
    @Descriptor("Stops feeding a chef packets in one kitchen (the capture and the other chefs go on)")
    public String disable(@Descriptor("the kitchen's name (see dumplings:kitchens)") String kitchen,
            @Descriptor("the chef's name or class name") String chef) {
        return switchChef(kitchen, chef, false);
    }

    private String switchChef(String kitchen, String chef, boolean enabled) {
        if (kitchen != null) {
            List<KitchenInfo> all = registry.kitchens();
            if (all.stream().noneMatch(k -> k.name().equals(kitchen))) {
                return noSuchKitchen(kitchen, all);
            }
        }
        return report(enabled ? "enabled" : "disabled", chef, registry.chefEnabled(kitchen, chef, enabled));
    }

    /** One line, never an exception: Gogo would print its stack trace. */
    private static String noSuchKitchen(String kitchen, List<KitchenInfo> all) {
        return "no kitchen " + kitchen + (all.isEmpty() ? " (no kitchen runs)"
                : " (kitchens: " + String.join(", ", all.stream().map(KitchenInfo::name).toList()) + ")");
    }

    private static String report(String what, String chef, int kitchens) {
        return kitchens == 0 ? "no kitchen has a chef " + chef
                : "chef " + chef + " " + what + " in " + kitchens + (kitchens == 1 ? " kitchen" : " kitchens");
    }
}
