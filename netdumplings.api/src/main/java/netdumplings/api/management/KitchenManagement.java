package netdumplings.api.management;

import java.util.OptionalDouble;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One running kitchen, as a service: registered while its kitchen component is active,
 * with the service property {@value #KITCHEN_NAME} giving the kitchen's name.
 * Implementations are thread-safe.
 */
@ProviderType
public interface KitchenManagement {

    /** Service property: the kitchen's name (its {@code kitchen_name}). */
    String KITCHEN_NAME = "netdumplings.kitchen.name";

    /** @return the kitchen's name; never null */
    String name();

    /** @return a snapshot of the kitchen and its chefs; never null */
    KitchenInfo info();

    /**
     * @return how much of its capture file a replaying kitchen has read in its current
     *         pass, from 0 to 1 (for a progress line); empty for a live capture or when
     *         nothing is being read
     * @since 1.1
     */
    default OptionalDouble replayProgress() {
        return OptionalDouble.empty();
    }

    /**
     * Stops feeding packets to a chef of this kitchen; the capture and the other chefs go
     * on, and the chef keeps its statistics. It stays disabled when the kitchen is
     * reconfigured, until enabled again.
     *
     * @param chef the chef's name or class name; not null
     * @return whether this kitchen has such a chef
     * @throws NullPointerException if chef is null
     */
    boolean disableChef(String chef);

    /**
     * Resumes feeding packets to a chef disabled by {@link #disableChef(String)}.
     *
     * @param chef the chef's name or class name; not null
     * @return whether this kitchen has such a chef
     * @throws NullPointerException if chef is null
     */
    boolean enableChef(String chef);
}
