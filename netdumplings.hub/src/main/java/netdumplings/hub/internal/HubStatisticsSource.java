package netdumplings.hub.internal;

/**
 * What the running hub component offers to management views inside this bundle (a
 * service of a private package: not exported, so nothing outside depends on it).
 */
public interface HubStatisticsSource {

    /** @return the running hub's statistics, or null when no hub runs (bad configuration) */
    HubStatistics statistics();

    /**
     * @return why the hub's last configuration was not applied, or why no hub runs (one
     *         line), or null when the hub runs as configured
     */
    default String failure() {
        return null;
    }
}
