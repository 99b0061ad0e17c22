/**
 * The dumpling wire format: JSON exactly as the original netdumplings writes and reads
 * it (see PROTOCOL.md in the repository), with Jackson.
 */
@Version("1.2.0")
@Export
package netdumplings.api.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
