package netdumplings.api;

import static java.util.Objects.requireNonNull;

/**
 * One dumpling: a chef's payload plus the metadata that travels with it.
 *
 * @param chef         the name of the chef that made it; never null
 * @param kitchen      the name of the kitchen it was made in, or null for dumplings the
 *                     hub makes itself
 * @param creationTime when it was made, in seconds since the epoch (a float on the wire)
 * @param driver       what made it; never null
 * @param payload      any JSON-able value: null, a String, Number or Boolean, a Map with
 *                     String keys, a List or array, a record, or a Jackson tree
 */
public record Dumpling(String chef, String kitchen, double creationTime, DumplingDriver driver,
        Object payload) {

    /** @throws NullPointerException if {@code chef} or {@code driver} is null */
    public Dumpling {
        requireNonNull(chef, "chef");
        requireNonNull(driver, "driver");
    }
}
