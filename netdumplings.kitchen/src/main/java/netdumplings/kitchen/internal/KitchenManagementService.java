package netdumplings.kitchen.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;

import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.KitchenInfo;
import netdumplings.api.management.KitchenManagement;
import netdumplings.kitchen.internal.dispatch.ChefStatistics;
import netdumplings.kitchen.internal.uplink.HubSender;

/**
 * The {@link KitchenManagement} service of one {@link KitchenComponent}: lives as long as the
 * component (across reconfigurations, which replace its {@link Kitchen}), and remembers
 * which chefs are disabled so a new kitchen or a chef that comes back stays disabled.
 */
final class KitchenManagementService implements KitchenManagement {

    /** What the service reads from its component. */
    interface Owner {
        /** @return the running kitchen, or null (invalid configuration) */
        Kitchen kitchen();

        /** @return the current configuration */
        KitchenConfiguration config();

        /** @return the bundle of each fed chef, by chef class name */
        Map<String, Bundle> chefBundles();

        /** @return why the kitchen does not run (refused configuration, capture that cannot start), or null */
        default String failure() {
            return null;
        }
    }

    /** The rate is recomputed at most this often, so rapid polls do not make it jumpy. */
    private static final long RATE_WINDOW_NANOS = 1_000_000_000L;

    private final Owner owner;
    private final DisabledChefs kept;
    /** Chef names and class names disabled by management. */
    private final Set<String> disabled = ConcurrentHashMap.newKeySet();
    private Kitchen rateKitchen;
    private long rateSampleNanos;
    private long rateSamplePackets;
    private double rate;

    KitchenManagementService(Owner owner) {
        this(owner, new DisabledChefs(null));
    }

    /** @param kept where the disabled chefs are kept across restarts; those of this kitchen's name are disabled now */
    KitchenManagementService(Owner owner, DisabledChefs kept) {
        this.owner = requireNonNull(owner, "owner");
        this.kept = requireNonNull(kept, "kept");
        disabled.addAll(kept.load(name()));
    }

    @Override
    public String name() {
        return owner.config().kitchen__name();
    }

    @Override
    public boolean disableChef(String chef) {
        return setEnabled(chef, false);
    }

    @Override
    public boolean enableChef(String chef) {
        return setEnabled(chef, true);
    }

    private boolean setEnabled(String chef, boolean enabled) {
        requireNonNull(chef, "chef");
        Kitchen k = owner.kitchen();
        if (k == null || !k.chefEnabled(chef, enabled)) {
            return false;
        }
        // Remember both spellings: the kitchen matches a chef by either.
        for (ChefStatistics s : k.statistics()) {
            if (s.chef().equals(chef) || s.chefClass().equals(chef)) {
                if (enabled) {
                    disabled.remove(s.chef());
                    disabled.remove(s.chefClass());
                } else {
                    disabled.add(s.chef());
                }
            }
        }
        kept.save(name(), Set.copyOf(disabled));
        return true;
    }

    /** Disables, in a (new) kitchen, every chef disabled before. */
    void applyDisabled(Kitchen k) {
        for (String chef : disabled) {
            k.chefEnabled(chef, false);
        }
    }

    @Override
    public java.util.OptionalDouble replayProgress() {
        Kitchen k = owner.kitchen();
        return k == null ? java.util.OptionalDouble.empty() : k.replayProgress();
    }

    @Override
    public KitchenInfo info() {
        KitchenConfiguration c = owner.config();
        Kitchen k = owner.kitchen();
        boolean file = !c.pcap().isBlank();
        String source = file ? c.pcap().trim() : c.interface$();
        if (k == null) {
            return new KitchenInfo(c.kitchen__name(), source, !file, c.filter(), c.hub(), false,
                    owner.failure() != null ? owner.failure() : "not running: invalid configuration", 0, 0, 0, 0, 0,
                    List.of());
        }
        Map<String, Bundle> bundles = owner.chefBundles();
        List<ChefInfo> chefs = new ArrayList<>();
        long dropped = 0;
        for (Map.Entry<netdumplings.api.DumplingChef, ChefStatistics> e : k.chefStatistics()) {
            ChefStatistics s = e.getValue();
            // The chef's own bundle: two versions of one chef bundle have the same class names.
            Bundle own = org.osgi.framework.FrameworkUtil.getBundle(e.getKey().getClass());
            Bundle b = own != null ? own : bundles.get(s.chefClass());
            boolean enabled = !disabled.contains(s.chef()) && !disabled.contains(s.chefClass());
            double mean = s.packets() == 0 ? 0 : s.handlerNanos() / 1e3 / s.packets();
            chefs.add(new ChefInfo(s.chef(), s.chefClass(), b == null ? null : b.getSymbolicName(),
                    b == null ? null : b.getVersion().toString(), enabled, s.packets(), s.dumplings(),
                    s.errors(), s.invalidPayloads(), s.droppedPackets(), mean));
            dropped += s.droppedPackets();
        }
        long captured = k.packetsCaptured();
        boolean capturing = k.capturing();
        HubSender sender = k.hubSender().orElse(null);
        long sent = sender == null ? 0 : sender.sent();
        long overflowed = sender == null ? 0 : sender.overflowed();
        boolean connected = sender != null && sender.connected();
        return new KitchenInfo(c.kitchen__name(), source, !file, c.filter(), c.hub(), capturing,
                k.failure().orElse(owner.failure()), captured, rate(k, captured, capturing), dropped, sent, overflowed,
                chefs, k.kernelDrops(), connected, sender == null ? 0 : sender.connections(),
                sender == null || connected ? 0 : sender.disconnectedSince(), sender == null ? 0 : sender.buffered() + sender.unconfirmed());
    }

    private synchronized double rate(Kitchen k, long captured, boolean capturing) {
        long now = System.nanoTime();
        if (k != rateKitchen) {
            rateKitchen = k;
            rateSampleNanos = now;
            rateSamplePackets = captured;
            rate = 0;
        } else if (now - rateSampleNanos >= RATE_WINDOW_NANOS) {
            rate = (captured - rateSamplePackets) * 1e9 / (now - rateSampleNanos);
            rateSampleNanos = now;
            rateSamplePackets = captured;
        }
        return capturing ? rate : 0;
    }
}
