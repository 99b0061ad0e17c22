package netdumplings.kitchen.internal.dispatch;

/**
 * What one chef of a kitchen has done so far.
 *
 * @param chef            the chef's name
 * @param chefClass       the chef's class name
 * @param packets         packets handed to its packet handler
 * @param dumplings       dumplings it made (packet, interval and pushed) and that were encoded
 * @param errors          exceptions thrown by its methods
 * @param invalidPayloads payloads that could not be written as JSON (not sent)
 * @param droppedPackets  packets it never saw because its queue was full
 * @param handlerNanos    total time spent in its packet handler
 */
public record ChefStatistics(String chef, String chefClass, long packets, long dumplings,
        long errors, long invalidPayloads, long droppedPackets, long handlerNanos) {
}
