package netdumplings.console.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import netdumplings.api.management.HubInfo;
import netdumplings.api.management.HubManagement;
import netdumplings.api.management.KitchenInfo;
import netdumplings.api.management.KitchenManagement;

/**
 * The management services the console's views (the Web Console page and the Gogo
 * commands) see, and the operations both views share: one component, within this bundle,
 * that tracks every {@link KitchenManagement} and the {@link HubManagement} service, and
 * that both views reference.
 * <p>
 * Its references are dynamic, so kitchens and the hub come and go without restarting the
 * views. Thread-safe: services come and go while views read.
 */
@Component(service = ManagementRegistry.class)
public final class ManagementRegistry {

    private final List<KitchenManagement> kitchens = new CopyOnWriteArrayList<>();
    private final AtomicReference<HubManagement> hub = new AtomicReference<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeKitchen")
    void addKitchen(KitchenManagement kitchen) {
        kitchens.add(requireNonNull(kitchen, "kitchen"));
    }

    void removeKitchen(KitchenManagement kitchen) {
        kitchens.remove(kitchen);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeHub")
    void setHub(HubManagement hub) {
        this.hub.set(hub);
    }

    /** A replacement is bound before the old hub is unbound: forget only the one bound. */
    void removeHub(HubManagement gone) {
        hub.compareAndSet(gone, null);
    }

    /** @return a snapshot of every kitchen, sorted by name */
    List<KitchenInfo> kitchens() {
        List<KitchenInfo> result = new ArrayList<>();
        for (KitchenManagement k : kitchens) {
            result.add(k.info());
        }
        result.sort(Comparator.comparing(KitchenInfo::name));
        return result;
    }

    /** @return a snapshot of the hub ({@link HubInfo#notRunning()} when there is none) */
    HubInfo hub() {
        HubManagement h = hub.get();
        return h == null ? HubInfo.notRunning() : h.info();
    }

    /** @return everything, as the page's JSON endpoint sends it: {@code {"kitchens": [...], "hub": {...}}} */
    Map<String, Object> snapshot() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("kitchens", kitchens());
        result.put("hub", hub());
        return result;
    }

    /**
     * Enables or disables a chef.
     *
     * @param kitchen the kitchen's name, or null (or empty) for every kitchen
     * @param chef    the chef's name or class name; not null
     * @param enabled enable (true) or disable
     * @return how many kitchens have such a chef (and so changed)
     */
    int chefEnabled(String kitchen, String chef, boolean enabled) {
        requireNonNull(chef, "chef");
        int changed = 0;
        for (KitchenManagement k : kitchens) {
            if (kitchen == null || kitchen.isEmpty() || kitchen.equals(k.name())) {
                if (enabled ? k.enableChef(chef) : k.disableChef(chef)) {
                    changed++;
                }
            }
        }
        return changed;
    }
}
