package netdumplings.api.management;

import java.util.List;

/**
 * A snapshot of the hub.
 *
 * @param running       whether a hub runs (false while its configuration is invalid)
 * @param uptimeSeconds seconds since it started
 * @param dumplingsIn   valid dumplings received from kitchens
 * @param dumplingsOut  dumplings handed to eaters, status dumplings included
 * @param invalidFrames messages from kitchens dropped as not a dumpling (binary ones included)
 * @param eaterDrops    dumplings dropped because an eater's queue was full, over every eater
 *                      ever connected
 * @param kitchens      the connected kitchens, in connection order
 * @param eaters        the connected eaters, in connection order
 */
public record HubInfo(boolean running, double uptimeSeconds, long dumplingsIn, long dumplingsOut,
        long invalidFrames, long eaterDrops, List<Kitchen> kitchens, List<Eater> eaters) {

    /** @throws NullPointerException if a list is null */
    public HubInfo {
        kitchens = List.copyOf(kitchens);
        eaters = List.copyOf(eaters);
    }

    /** @return the snapshot of a runtime where no hub runs */
    public static HubInfo notRunning() {
        return new HubInfo(false, 0, 0, 0, 0, 0, List.of(), List.of());
    }

    /**
     * A kitchen connected to the hub.
     *
     * @param name          its {@code kitchen_name}
     * @param host          its IP address
     * @param port          its port
     * @param dumplingsIn   valid dumplings it sent
     * @param invalidFrames messages it sent that were dropped
     */
    public record Kitchen(String name, String host, int port, long dumplingsIn, long invalidFrames) {
    }

    /**
     * An eater connected to the hub.
     *
     * @param name    its {@code eater_name}
     * @param host    its IP address
     * @param port    its port
     * @param queued  dumplings waiting in its queue
     * @param sent    dumplings handed to it
     * @param dropped dumplings dropped because its queue was full
     */
    public record Eater(String name, String host, int port, int queued, long sent, long dropped) {
    }
}
