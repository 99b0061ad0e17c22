package netdumplings.hub.internal;

/**
 * What the running hub component offers to management views inside this bundle (a
 * service of a private package: not exported, so nothing outside depends on it).
 */
public interface HubStatisticsSource {

    /** @return the running hub's statistics, or null when no hub runs (bad configuration) */
    HubStatistics statistics();
}
