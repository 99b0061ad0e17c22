package netdumplings.api.management;

import static java.util.Objects.requireNonNull;

/**
 * A snapshot of one chef in one kitchen.
 *
 * @param name              the chef's name
 * @param className         the chef's class name
 * @param bundle            the symbolic name of the bundle it comes from, or null if unknown
 * @param bundleVersion     that bundle's version, or null if unknown
 * @param enabled           whether it is fed packets (see {@link KitchenManagement#disableChef(String)})
 * @param packetsHandled    packets handed to its packet handler
 * @param dumplingsMade     dumplings it made that were encoded and sent on
 * @param errors            exceptions thrown by its methods
 * @param invalidPayloads   payloads that could not be written as JSON (not sent)
 * @param packetsDropped    packets it never saw because its queue was full
 * @param meanHandlerMicros mean time spent in its packet handler per packet, in microseconds
 *                          (0 before the first packet)
 */
public record ChefInfo(String name, String className, String bundle, String bundleVersion,
        boolean enabled, long packetsHandled, long dumplingsMade, long errors, long invalidPayloads,
        long packetsDropped, double meanHandlerMicros) {

    /** @throws NullPointerException if name or className is null */
    public ChefInfo {
        requireNonNull(name, "name");
        requireNonNull(className, "className");
    }
}
