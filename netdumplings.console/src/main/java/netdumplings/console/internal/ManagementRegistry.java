package netdumplings.console.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import netdumplings.api.management.HubInfo;
import netdumplings.api.management.HubManagement;
import netdumplings.api.management.KitchenInfo;
import netdumplings.api.management.KitchenManagement;

/**
 * The management services a view (page or command) currently sees, and the operations
 * both views share. Thread-safe: services come and go while views read.
 */
final class ManagementRegistry {

    private final List<KitchenManagement> kitchens = new CopyOnWriteArrayList<>();
    private volatile HubManagement hub;

    void addKitchen(KitchenManagement kitchen) {
        kitchens.add(requireNonNull(kitchen, "kitchen"));
    }

    void removeKitchen(KitchenManagement kitchen) {
        kitchens.remove(kitchen);
    }

    void hub(HubManagement hub) {
        this.hub = hub;
    }

    void removeHub(HubManagement gone) {
        if (hub == gone) {
            hub = null;
        }
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
        HubManagement h = hub;
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
