/**
 * A dumpling eater: a client of the hub's eater port that receives every dumpling the hub
 * forwards, filters them by chef and kitchen, and hands them to callbacks. Usable with or
 * without OSGi; needs only the netdumplings API, Jackson and the JDK.
 * <p>
 * Start with {@link netdumplings.eater.DumplingEater#builder()}.
 */
@Version("1.1.0")
@Export
package netdumplings.eater;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
