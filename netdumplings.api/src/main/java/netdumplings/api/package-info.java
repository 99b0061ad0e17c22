/**
 * The netdumplings API: what a chef implements ({@link netdumplings.api.DumplingChef}),
 * what it receives ({@link netdumplings.api.SniffedPacket}, with typed views of its headers:
 * {@link netdumplings.api.Protocol}, {@link netdumplings.api.Ip}, {@link netdumplings.api.Tcp},
 * {@link netdumplings.api.Udp}, {@link netdumplings.api.Icmp}, {@link netdumplings.api.Arp},
 * {@link netdumplings.api.Dns}; 1.1), and what travels between
 * kitchens, the hub and eaters ({@link netdumplings.api.Dumpling} and the hellos).
 * <p>
 * The JSON wire format lives in {@code netdumplings.api.json}.
 */
@Version("1.1.0")
@Export
package netdumplings.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
