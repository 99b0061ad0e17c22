package netdumplings.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The first frame a kitchen sends to the hub's kitchen port.
 *
 * @param kitchenName  the kitchen's name; never null
 * @param interfaceName the interface sniffed ({@code "all"} for every one), or, for a
 *                     kitchen replaying a capture file, the file
 * @param filter       the BPF filter in force, never null (empty for none)
 * @param chefs        the chefs cooking in the kitchen, sorted by the codec when written
 * @param pokeInterval seconds between interval handler calls
 */
public record KitchenHello(String kitchenName, String interfaceName, String filter,
        List<String> chefs, double pokeInterval) {

    /** @throws NullPointerException if a field other than {@code pokeInterval} is null */
    public KitchenHello {
        requireNonNull(kitchenName, "kitchenName");
        requireNonNull(interfaceName, "interfaceName");
        requireNonNull(filter, "filter");
        chefs = List.copyOf(requireNonNull(chefs, "chefs"));
    }
}
