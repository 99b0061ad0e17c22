package netdumplings.hub.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import netdumplings.api.management.HubInfo;
import netdumplings.api.management.HubManagement;

/**
 * Offers the running hub's figures as the public {@link HubManagement} service, for the Web
 * Console plugin and the Gogo commands. A separate component so the hub component itself
 * keeps its private service and nothing else.
 */
@Component(service = HubManagement.class)
public class HubManagementComponent implements HubManagement {

    private final HubStatisticsSource source;

    /** @param source the hub component */
    @Activate
    public HubManagementComponent(@Reference HubStatisticsSource source) {
        this.source = requireNonNull(source, "source");
    }

    @Override
    public HubInfo info() {
        HubStatistics s = source.statistics();
        return s == null ? HubInfo.notRunning() : toInfo(s);
    }

    @Override
    public Optional<String> failure() {
        return Optional.ofNullable(source.failure());
    }

    /**
     * @param s a snapshot of the hub's counters; not null
     * @return the same as a management record
     */
    static HubInfo toInfo(HubStatistics s) {
        List<HubInfo.Kitchen> kitchens = new ArrayList<>();
        for (HubStatistics.KitchenStatistics k : s.kitchens()) {
            kitchens.add(new HubInfo.Kitchen(k.name(), k.host(), k.port(), k.dumplingsIn(), k.invalidFrames()));
        }
        List<HubInfo.Eater> eaters = new ArrayList<>();
        for (HubStatistics.EaterStatistics e : s.eaters()) {
            eaters.add(new HubInfo.Eater(e.name(), e.host(), e.port(), e.pending(), e.sent(), e.dropped()));
        }
        return new HubInfo(true, s.uptime().toNanos() / 1e9, s.dumplingsIn(), s.dumplingsOut(),
                s.invalidFrames(), s.eaterDrops(), kitchens, eaters);
    }
}
