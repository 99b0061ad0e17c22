package netdumplings.hub.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * A snapshot of a hub's counters, taken by {@link HubServer#statistics()}. Counters are
 * read one after the other without a lock, so under load they may be a few dumplings
 * apart.
 *
 * @param uptime              time since the hub started
 * @param dumplingsIn         valid dumplings received from kitchens
 * @param dumplingsOut        dumplings handed to eaters' connections, status dumplings
 *                            included (one per eater per dumpling)
 * @param invalidFrames       messages from kitchens (text or binary) dropped as not a dumpling
 * @param eaterDrops          dumplings dropped because an eater's queue was full, summed
 *                            over every eater ever connected
 * @param kitchens            the kitchens that said hello, in connection order
 * @param eaters              the eaters that said hello, in connection order
 */
public record HubStatistics(Duration uptime, long dumplingsIn, long dumplingsOut, long invalidFrames,
        long eaterDrops, List<KitchenStatistics> kitchens,
        List<EaterStatistics> eaters) {

    /** @throws NullPointerException if a list or the uptime is null */
    public HubStatistics {
        requireNonNull(uptime, "uptime");
        kitchens = List.copyOf(kitchens);
        eaters = List.copyOf(eaters);
    }

    /** @return how many kitchens are connected */
    public int kitchenCount() {
        return kitchens.size();
    }

    /** @return how many eaters are connected */
    public int eaterCount() {
        return eaters.size();
    }

    /**
     * One connected kitchen.
     *
     * @param name          its {@code kitchen_name}
     * @param host          its IP address
     * @param port          its port
     * @param dumplingsIn   valid dumplings it sent
     * @param invalidFrames messages it sent that were dropped (invalid or binary)
     */
    public record KitchenStatistics(String name, String host, int port, long dumplingsIn, long invalidFrames) {
    }

    /**
     * One connected eater.
     *
     * @param name    its {@code eater_name}
     * @param host    its IP address
     * @param port    its port
     * @param pending dumplings handed to its connection and not yet taken into its
     *                batched output (flushed within about 0.5 ms) or, when that is full,
     *                not yet written
     * @param sent    dumplings handed to its connection
     * @param dropped dumplings dropped because its queue was full
     */
    public record EaterStatistics(String name, String host, int port, int pending, long sent, long dropped) {
    }
}
