package netdumplings.metrics.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.HubInfo;
import netdumplings.api.management.KitchenInfo;

/**
 * The runtime's figures as Prometheus metrics, read from the management snapshots at each
 * scrape (so a scrape costs the hot path nothing, and nothing is kept between scrapes).
 * The README's "Metrics" section lists every metric; keep both in step.
 * <p>
 * Counter names are given without {@code _total}: the exposition format adds it.
 * Thread-safe: it keeps no state.
 */
final class ManagementCollector implements MultiCollector {

    private final Supplier<List<KitchenInfo>> kitchens;
    private final Supplier<HubInfo> hub;

    /**
     * @param kitchens every running kitchen's snapshot, read at each scrape
     * @param hub      the hub's snapshot ({@link HubInfo#notRunning()} where none runs)
     */
    ManagementCollector(Supplier<List<KitchenInfo>> kitchens, Supplier<HubInfo> hub) {
        this.kitchens = requireNonNull(kitchens, "kitchens");
        this.hub = requireNonNull(hub, "hub");
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> result = new ArrayList<>();
        kitchenMetrics(result, distinct(kitchens.get()));
        hubMetrics(result, hub.get());
        return new MetricSnapshots(result);
    }

    /** Two kitchens of one name would make one series twice (refused): the first one counts. */
    private static List<KitchenInfo> distinct(List<KitchenInfo> all) {
        Set<String> names = new HashSet<>();
        List<KitchenInfo> result = new ArrayList<>();
        for (KitchenInfo k : all) {
            if (names.add(k.name())) {
                result.add(k);
            }
        }
        return result;
    }

    private static void kitchenMetrics(List<MetricSnapshot> out, List<KitchenInfo> kitchens) {
        out.add(gauge("netdumplings_kitchen_running", "1 while the kitchen captures, 0 once its replay ended or "
                + "capture failed", kitchens, k -> k.running() ? 1 : 0, ManagementCollector::kitchenLabels));
        out.add(counter("netdumplings_kitchen_packets_captured", "Packets the kitchen captured", kitchens,
                KitchenInfo::packetsCaptured, ManagementCollector::kitchenLabels));
        out.add(gauge("netdumplings_kitchen_packets_per_second", "Packets captured per second over the last few "
                + "seconds", kitchens, KitchenInfo::packetsPerSecond, ManagementCollector::kitchenLabels));
        out.add(counter("netdumplings_kitchen_packets_dropped", "Packets chefs never saw because their queues "
                + "were full, over every chef", kitchens, KitchenInfo::packetsDropped,
                ManagementCollector::kitchenLabels));
        out.add(counter("netdumplings_kitchen_kernel_drops", "Packets the kernel dropped before the capture read "
                + "them (pcap_stats; 0 for a file)", kitchens, KitchenInfo::kernelDrops,
                ManagementCollector::kitchenLabels));
        out.add(counter("netdumplings_kitchen_dumplings_sent", "Dumplings the kitchen sent to its hub", kitchens,
                KitchenInfo::dumplingsSent, ManagementCollector::kitchenLabels));
        out.add(counter("netdumplings_kitchen_dumplings_dropped", "Dumplings dropped because the buffer to the "
                + "hub was full", kitchens, KitchenInfo::dumplingsDropped, ManagementCollector::kitchenLabels));
        out.add(gauge("netdumplings_kitchen_hub_connected", "1 while a connection to the hub is open", kitchens,
                k -> k.hubConnected() ? 1 : 0, ManagementCollector::kitchenLabels));
        out.add(counter("netdumplings_kitchen_hub_connections", "Connections to the hub made so far (1 + "
                + "reconnections)", kitchens, KitchenInfo::hubConnections, ManagementCollector::kitchenLabels));
        out.add(gauge("netdumplings_kitchen_dumplings_buffered", "Dumplings the kitchen holds for the hub: not yet "
                + "sent, or not yet acknowledged", kitchens, KitchenInfo::dumplingsBuffered,
                ManagementCollector::kitchenLabels));

        List<ChefRow> chefs = new ArrayList<>();
        for (KitchenInfo k : kitchens) {
            Set<String> names = new HashSet<>();
            for (ChefInfo c : k.chefs()) {
                if (names.add(c.name())) { // two chefs of one name (two bundles): the first one counts
                    chefs.add(new ChefRow(k.name(), c));
                }
            }
        }
        out.add(gauge("netdumplings_chef_enabled", "1 while the chef is fed packets, 0 while disabled", chefs,
                r -> r.chef.enabled() ? 1 : 0, ChefRow::labels));
        out.add(counter("netdumplings_chef_packets_handled", "Packets handed to the chef's packet handler", chefs,
                r -> r.chef.packetsHandled(), ChefRow::labels));
        out.add(counter("netdumplings_chef_dumplings_made", "Dumplings the chef made that were sent on", chefs,
                r -> r.chef.dumplingsMade(), ChefRow::labels));
        out.add(counter("netdumplings_chef_errors", "Exceptions thrown by the chef's methods", chefs,
                r -> r.chef.errors(), ChefRow::labels));
        out.add(counter("netdumplings_chef_invalid_payloads", "Payloads that could not be written as JSON (not "
                + "sent)", chefs, r -> r.chef.invalidPayloads(), ChefRow::labels));
        out.add(counter("netdumplings_chef_packets_dropped", "Packets the chef never saw because its queue was "
                + "full", chefs, r -> r.chef.packetsDropped(), ChefRow::labels));
        out.add(gauge("netdumplings_chef_handler_mean_seconds", "Mean time spent in the chef's packet handler per "
                + "packet (0 before the first packet)", chefs, r -> r.chef.meanHandlerMicros() / 1e6,
                ChefRow::labels));
    }

    private static void hubMetrics(List<MetricSnapshot> out, HubInfo hub) {
        List<HubInfo> hubs = List.of(hub);
        out.add(gauge("netdumplings_hub_running", "1 while a hub runs in this runtime", hubs,
                h -> h.running() ? 1 : 0, h -> Labels.EMPTY));
        if (!hub.running()) {
            return;
        }
        out.add(gauge("netdumplings_hub_uptime_seconds", "Seconds since the hub started", hubs,
                HubInfo::uptimeSeconds, h -> Labels.EMPTY));
        out.add(counter("netdumplings_hub_dumplings_in", "Valid dumplings the hub received from kitchens", hubs,
                HubInfo::dumplingsIn, h -> Labels.EMPTY));
        out.add(counter("netdumplings_hub_dumplings_out", "Dumplings the hub handed to eaters, status dumplings "
                + "included", hubs, HubInfo::dumplingsOut, h -> Labels.EMPTY));
        out.add(counter("netdumplings_hub_invalid_frames", "Messages from kitchens dropped as not a dumpling", hubs,
                HubInfo::invalidFrames, h -> Labels.EMPTY));
        out.add(counter("netdumplings_hub_eater_drops", "Dumplings dropped because an eater's queue was full, over "
                + "every eater ever connected", hubs, HubInfo::eaterDrops, h -> Labels.EMPTY));
        out.add(gauge("netdumplings_hub_kitchens_connected", "Kitchens connected to the hub", hubs,
                h -> h.kitchens().size(), h -> Labels.EMPTY));
        out.add(gauge("netdumplings_hub_eaters_connected", "Eaters connected to the hub", hubs,
                h -> h.eaters().size(), h -> Labels.EMPTY));

        // A connection's host:port tells two clients of one name apart.
        List<HubInfo.Kitchen> kitchens = hub.kitchens();
        out.add(counter("netdumplings_hub_kitchen_dumplings_in", "Valid dumplings a connected kitchen sent",
                kitchens, HubInfo.Kitchen::dumplingsIn, k -> remote("kitchen", k.name(), k.host(), k.port())));
        out.add(counter("netdumplings_hub_kitchen_invalid_frames", "Messages a connected kitchen sent that were "
                + "dropped", kitchens, HubInfo.Kitchen::invalidFrames,
                k -> remote("kitchen", k.name(), k.host(), k.port())));
        List<HubInfo.Eater> eaters = hub.eaters();
        out.add(gauge("netdumplings_hub_eater_queued", "Dumplings waiting in a connected eater's queue", eaters,
                HubInfo.Eater::queued, e -> remote("eater", e.name(), e.host(), e.port())));
        out.add(counter("netdumplings_hub_eater_sent", "Dumplings handed to a connected eater", eaters,
                HubInfo.Eater::sent, e -> remote("eater", e.name(), e.host(), e.port())));
        out.add(counter("netdumplings_hub_eater_dropped", "Dumplings dropped because a connected eater's queue was "
                + "full", eaters, HubInfo.Eater::dropped, e -> remote("eater", e.name(), e.host(), e.port())));
    }

    private static Labels kitchenLabels(KitchenInfo k) {
        return Labels.of("kitchen", k.name());
    }

    private static Labels remote(String kind, String name, String host, int port) {
        return Labels.of(kind, name == null ? "" : name, "remote",
                (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    private record ChefRow(String kitchen, ChefInfo chef) {
        Labels labels() {
            return Labels.of("kitchen", kitchen, "chef", chef.name(), "bundle",
                    chef.bundle() == null ? "" : chef.bundle());
        }
    }

    private static <T> CounterSnapshot counter(String name, String help, List<T> rows, ToDoubleFunction<T> value,
            java.util.function.Function<T, Labels> labels) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (T row : rows) {
            b.dataPoint(CounterDataPointSnapshot.builder().labels(labels.apply(row))
                    .value(value.applyAsDouble(row)).build());
        }
        return b.build();
    }

    private static <T> GaugeSnapshot gauge(String name, String help, List<T> rows, ToDoubleFunction<T> value,
            java.util.function.Function<T, Labels> labels) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (T row : rows) {
            b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.apply(row))
                    .value(value.applyAsDouble(row)).build());
        }
        return b.build();
    }
}
