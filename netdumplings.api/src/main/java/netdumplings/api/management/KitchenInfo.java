package netdumplings.api.management;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A snapshot of one kitchen.
 *
 * @param name             its {@code kitchen_name}
 * @param source           the interface it sniffs ({@code all} for every one) or the capture
 *                         file it replays
 * @param live             whether it sniffs an interface (rather than replaying a file)
 * @param filter           its BPF filter, empty for none
 * @param hub              the hub it sends to, as host:port
 * @param running          whether it captures now (false once a file has been replayed, or
 *                         after a failure)
 * @param failure          why capture stopped early, or null
 * @param packetsCaptured  packets captured so far
 * @param packetsPerSecond packets captured per second, over the last few seconds
 * @param packetsDropped   packets chefs never saw because their queues were full, summed
 * @param dumplingsSent    dumplings sent to the hub
 * @param dumplingsDropped dumplings dropped because the buffer to the hub was full
 * @param chefs            its chefs, in the order they were added
 * @param kernelDrops      packets the kernel dropped before the capture read them
 *                         ({@code pcap_stats}: the capture could not keep up); 0 for a file
 *                         (since 1.1)
 * @param hubConnected     whether a connection to the hub is open now (since 1.2)
 * @param hubConnections   connections to the hub made so far: 0 while it has never been
 *                         reached (since 1.2)
 * @param hubDownSince     since when (milliseconds since the epoch) the kitchen has had no
 *                         connection to the hub (since its start if it never had one); 0
 *                         while connected, or when it does not run (since 1.2)
 * @param dumplingsBuffered dumplings the kitchen still holds for the hub: waiting to be sent,
 *                         or sent and not yet acknowledged by a hub that acknowledges (or to
 *                         be sent again); 0 once the hub has confirmed everything (since 1.2)
 * @since 1.2
 */
public record KitchenInfo(String name, String source, boolean live, String filter, String hub,
        boolean running, String failure, long packetsCaptured, double packetsPerSecond,
        long packetsDropped, long dumplingsSent, long dumplingsDropped, List<ChefInfo> chefs, long kernelDrops,
        boolean hubConnected, long hubConnections, long hubDownSince, long dumplingsBuffered) {

    /** The snapshot without the hub connection's state (not connected, none buffered), as in 1.1. */
    public KitchenInfo(String name, String source, boolean live, String filter, String hub,
            boolean running, String failure, long packetsCaptured, double packetsPerSecond,
            long packetsDropped, long dumplingsSent, long dumplingsDropped, List<ChefInfo> chefs, long kernelDrops) {
        this(name, source, live, filter, hub, running, failure, packetsCaptured, packetsPerSecond, packetsDropped,
                dumplingsSent, dumplingsDropped, chefs, kernelDrops, false, 0, 0, 0);
    }

    /** The snapshot without kernel drops (0), as before 1.1. */
    public KitchenInfo(String name, String source, boolean live, String filter, String hub,
            boolean running, String failure, long packetsCaptured, double packetsPerSecond,
            long packetsDropped, long dumplingsSent, long dumplingsDropped, List<ChefInfo> chefs) {
        this(name, source, live, filter, hub, running, failure, packetsCaptured, packetsPerSecond, packetsDropped,
                dumplingsSent, dumplingsDropped, chefs, 0);
    }

    /** @throws NullPointerException if name, source, filter, hub or chefs is null */
    public KitchenInfo {
        requireNonNull(name, "name");
        requireNonNull(source, "source");
        requireNonNull(filter, "filter");
        requireNonNull(hub, "hub");
        chefs = List.copyOf(chefs);
    }
}
