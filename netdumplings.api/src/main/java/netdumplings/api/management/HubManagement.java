package netdumplings.api.management;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The hub of this runtime, as a service. Implementations are thread-safe. */
@ProviderType
public interface HubManagement {

    /** @return a snapshot of the hub; never null ({@link HubInfo#running()} false when no hub runs) */
    HubInfo info();

    /**
     * Why the hub does not run as configured: its configuration was refused (an invalid
     * value, or an address and ports it could not listen on; a running hub then keeps its
     * last good configuration and its connections) or it could not start.
     *
     * @return the reason in one line, or empty when the hub runs as configured
     * @since 1.1
     */
    default Optional<String> failure() {
        return Optional.empty();
    }
}
