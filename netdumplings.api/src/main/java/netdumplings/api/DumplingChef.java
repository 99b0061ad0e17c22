package netdumplings.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A chef: the service a plugin registers to turn packets into dumplings.
 * <p>
 * Register it as an OSGi Declarative Services component providing this interface. Every
 * kitchen running in the framework then hands every packet it captures to
 * {@link #packetHandler(SniffedPacket)}, and calls {@link #intervalHandler(ChefContext)}
 * when it starts feeding the chef and then every poke interval. A non-null result of
 * either becomes a dumpling sent to the hub.
 * <p>
 * Threading: a kitchen calls one chef's methods from one thread at a time, in order, so a
 * chef needs no locking for its own state. A chef registered with
 * {@code scope = ServiceScope.PROTOTYPE} gets an instance of its own in every kitchen;
 * otherwise one instance is shared by every kitchen of the framework.
 * <p>
 * A chef that throws is counted and logged, and keeps receiving packets.
 */
@ConsumerType
public interface DumplingChef {

    /**
     * @return the chef's name, as written in each dumpling's {@code metadata.chef};
     *         by default the class's simple name
     */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * Called by a kitchen before it feeds this chef anything. Keep the context to
     * {@linkplain ChefContext#send send} dumplings whenever they are ready.
     *
     * @param context the kitchen's context for this chef
     */
    default void start(ChefContext context) {
        // Most chefs need nothing.
    }

    /**
     * Called for every packet the kitchen captures.
     *
     * @param packet the packet; valid after the call too, but shared with other chefs
     * @return a JSON-able payload for a packet dumpling, or null for none; by default a
     *         one-line summary of the packet
     */
    default Object packetHandler(SniffedPacket packet) {
        return packet.summary();
    }

    /**
     * Called when the kitchen starts feeding this chef, every poke interval after that,
     * and once more when a capture file has been read to its end.
     *
     * @param context the kitchen's context for this chef
     * @return a JSON-able payload for an interval dumpling, or null for none (the default)
     */
    default Object intervalHandler(ChefContext context) {
        return null;
    }

    /**
     * Called when the kitchen stops feeding this chef (the kitchen stops, or the chef's
     * service goes away). Nothing is called after it.
     */
    default void stop() {
        // Most chefs need nothing.
    }
}
