/**
 * The chef test kit: what a chef's unit tests need, with the kitchen's real engine and
 * dissector and no hub. {@link netdumplings.chefkit.ChefReplay} replays a capture file
 * through chefs and returns their dumplings as eaters would see them;
 * {@link netdumplings.chefkit.TestPackets} builds a packet from layers
 * (Ethernet, 802.1Q, IPv4/IPv6, TCP/UDP/ICMP, ARP, DNS, payload);
 * {@link netdumplings.chefkit.Configurations} makes a chef's configuration from its defaults.
 * <p>
 * A test library: put {@code netdumplings.chefkit} on your tests' class path.
 */
@Version("1.1.0")
@Export
package netdumplings.chefkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
