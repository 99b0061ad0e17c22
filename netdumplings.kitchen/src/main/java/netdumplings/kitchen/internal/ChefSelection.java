package netdumplings.kitchen.internal;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

import netdumplings.api.DumplingChef;

/**
 * Which chefs a kitchen feeds, as nd-sniff's {@code -c/--chef} and {@code -m/--chef-module}:
 * no names and no modules select every chef.
 *
 * @param chefs   chef names, class names or simple class names; empty for any
 * @param modules bundle symbolic names or Java packages chefs must come from; empty for any
 */
record ChefSelection(List<String> chefs, List<String> modules) {

    ChefSelection {
        chefs = List.copyOf(chefs);
        modules = List.copyOf(modules);
    }

    /** A form may save an empty list as one empty string: blanks are ignored. */
    static ChefSelection of(String[] chefs, String[] modules) {
        return new ChefSelection(nonBlank(chefs), nonBlank(modules));
    }

    private static List<String> nonBlank(String[] values) {
        return Arrays.stream(values).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /**
     * @param chef         the chef
     * @param bundleSymbolicName the bundle registering it, or null if unknown
     * @return whether to feed it
     */
    boolean selects(DumplingChef chef, String bundleSymbolicName) {
        requireNonNull(chef, "chef");
        if (!modules.isEmpty() && !modules.contains(bundleSymbolicName)
                && !modules.contains(chef.getClass().getPackageName())) {
            return false;
        }
        return chefs.isEmpty() || chefs.contains(chef.name()) || chefs.contains(chef.getClass().getName())
                || chefs.contains(chef.getClass().getSimpleName());
    }
}
