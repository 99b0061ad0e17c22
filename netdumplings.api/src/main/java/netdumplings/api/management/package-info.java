/**
 * Management views of a running netdumplings runtime: one {@link KitchenManagement}
 * service per running kitchen and one {@link HubManagement} service for the hub,
 * registered by the kitchen and hub bundles, used by the Web Console plugin and the Gogo
 * commands. Snapshots are immutable records; reading them costs the hot path nothing
 * (counters are read without locks, so figures of one snapshot may be a few packets apart).
 */
@Version("1.2.0")
@Export
package netdumplings.api.management;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
