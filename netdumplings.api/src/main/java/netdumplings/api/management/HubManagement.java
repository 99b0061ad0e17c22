package netdumplings.api.management;

import org.osgi.annotation.versioning.ProviderType;

/** The hub of this runtime, as a service. Implementations are thread-safe. */
@ProviderType
public interface HubManagement {

    /** @return a snapshot of the hub; never null ({@link HubInfo#running()} false when no hub runs) */
    HubInfo info();
}
