package netdumplings.api;

import static java.util.Objects.requireNonNull;

/**
 * The first frame an eater sends to the hub's eater port.
 *
 * @param eaterName the eater's name, shown in the hub's status; never null
 */
public record EaterHello(String eaterName) {

    /** @throws NullPointerException if {@code eaterName} is null */
    public EaterHello {
        requireNonNull(eaterName, "eaterName");
    }
}
