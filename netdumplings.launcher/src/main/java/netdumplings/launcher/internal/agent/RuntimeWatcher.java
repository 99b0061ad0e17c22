package netdumplings.launcher.internal.agent;

import java.util.List;
import java.util.Locale;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

import netdumplings.api.management.HubInfo;
import netdumplings.api.management.HubManagement;
import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.KitchenInfo;
import netdumplings.api.management.KitchenManagement;

/**
 * What ends a launcher's runtime besides a signal, decided here and not in the components
 * (a component never ends the process: a failure stays in its kitchen or hub):
 * <ul>
 * <li>a replay of N loops that is done: a summary (packets read, dumplings per chef,
 * drops, errors), status 0; a progress line on a terminal while it runs;</li>
 * <li>the launcher's only kitchen failing (nd-sniff), or finding no chef: one line, status 1,
 * after a summary of what it did before;</li>
 * <li>the launcher's hub unable to start at all: one line, status 1 (a hub that ran keeps
 * running when a later configuration is refused).</li>
 * </ul>
 * The process ends through the agent's shutdown hook, which stops the framework and so lets
 * the kitchen flush what it still has for the hub.
 */
final class RuntimeWatcher implements Runnable {

    private static final long PERIOD_MILLIS = 500;
    /**
     * How long a kitchen may have no chef before the launcher says so, as the original
     * nd-sniff does: chefs are services that may arrive after the kitchen (bundles in
     * deploy/), later still on a loaded machine.
     */
    private static final long NO_CHEF_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    /**
     * A replay's end waits for the hub for as long as nothing moves for the kitchen's write
     * timeout (30 s: a hub silent for longer is one the kitchen gives up on anyway), and at
     * most 5 minutes while something does.
     */
    private static final long SETTLE_STILL_SECONDS = 30;
    private static final long SETTLE_LIMIT_SECONDS = 300;

    private final LaunchPlan plan;
    private final ServiceTracker<KitchenManagement, KitchenManagement> kitchens;
    private final ServiceTracker<HubManagement, HubManagement> hubs;
    private final Thread thread;
    private volatile boolean closed;
    private boolean kitchenSeenRunning;
    private long kitchenSeenNanos;
    private int progressLength;
    private int hubFailures;

    RuntimeWatcher(BundleContext context, LaunchPlan plan) throws InvalidSyntaxException {
        this.plan = plan;
        String kitchen = plan.kitchen() == null ? "-" : plan.kitchen();
        String filter = "(&(objectClass=" + KitchenManagement.class.getName() + ")(" + KitchenManagement.KITCHEN_NAME
                + "=" + kitchen.replaceAll("([\\\\()*])", "\\\\$1") + "))";
        this.kitchens = new ServiceTracker<>(context, FrameworkUtil.createFilter(filter), null);
        this.hubs = new ServiceTracker<>(context, HubManagement.class, null);
        this.thread = new Thread(this, "nd-runtime-watcher");
        thread.setDaemon(true);
    }

    /** @return whether a plan needs watching at all */
    static boolean needed(LaunchPlan plan) {
        return plan.hubFailureEnds() || plan.kitchen() != null && (plan.kitchenFailureEnds() || plan.replayEnds());
    }

    void start() {
        kitchens.open();
        hubs.open();
        thread.start();
    }

    void close() {
        closed = true;
        thread.interrupt();
        kitchens.close();
        hubs.close();
    }

    @Override
    public void run() {
        boolean hubWatched = plan.hubFailureEnds();
        try {
            while (!closed) {
                Thread.sleep(PERIOD_MILLIS);
                if (hubWatched) {
                    HubManagement hub = hubs.getService();
                    HubInfo info = hub == null ? null : hub.info();
                    if (info != null && info.running()) {
                        hubWatched = false; // it started: later refusals leave it running
                    } else if (hub != null && hub.failure().isPresent()) {
                        // Seen three times in a row: a configuration the launcher applies a
                        // moment later (over one an earlier run left) may still succeed.
                        if (++hubFailures >= 3) {
                            end(1, hub.failure().get());
                            return;
                        }
                    } else {
                        hubFailures = 0;
                    }
                }
                if (plan.kitchen() != null && watchKitchen()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** @return whether the runtime ends */
    private boolean watchKitchen() throws InterruptedException {
        KitchenManagement kitchen = kitchens.getService();
        if (kitchen == null) {
            return false;
        }
        KitchenInfo info = kitchen.info();
        long now = System.nanoTime();
        if (kitchenSeenNanos == 0) {
            kitchenSeenNanos = now;
        }
        if (plan.kitchenFailureEnds() && info.chefs().isEmpty() && now - kitchenSeenNanos > NO_CHEF_GRACE_NANOS) {
            endProgress();
            end(1, "no chef found (chefs: " + asked("chefs") + ", chef modules: " + asked("chef_modules")
                    + "); " + plan.program() + " --chef-list lists them");
            return true;
        }
        if (info.running()) {
            kitchenSeenRunning = true;
            if (plan.replayEnds() && plan.terminal()) {
                java.util.OptionalDouble progress = kitchen.replayProgress();
                String line = String.format(Locale.ROOT, "\r%s: %,d packets, %,.0f packets/s%s", info.name(),
                        info.packetsCaptured(), info.packetsPerSecond(), progress.isPresent()
                                ? String.format(Locale.ROOT, ", %.0f%% of the file", 100 * progress.getAsDouble()) : "");
                System.err.print(line + " ".repeat(Math.max(0, progressLength - line.length())));
                System.err.flush();
                progressLength = line.length();
            }
            return false;
        }
        boolean failed = info.failure() != null;
        if (failed && plan.kitchenFailureEnds()) {
            endProgress();
            if (kitchenSeenRunning || info.packetsCaptured() > 0) {
                // What it did before the failure is cooked and sent first.
                System.out.print(summary(settled(kitchen, info)));
            }
            end(1, info.failure());
            return true;
        }
        if (!failed && plan.replayEnds() && (kitchenSeenRunning || info.packetsCaptured() > 0)) {
            endProgress();
            KitchenInfo settled = settled(kitchen, info);
            System.out.print(summary(settled));
            // Nothing lost without a word: what the hub has not confirmed may not have reached it.
            end(settled.dumplingsBuffered() == 0 ? 0 : 1, settled.dumplingsBuffered() == 0 ? null
                    : String.format(Locale.ROOT, "%,d dumplings not confirmed by the hub %s (it was away or too slow): "
                            + "they may be lost", settled.dumplingsBuffered(), settled.hub()));
            return true;
        }
        return false;
    }

    /** @return the kitchen's value of a list setting the command line gave, or "all" */
    private String asked(String key) {
        return plan.configurations().values().stream()
                .map(target -> target.values().get(key))
                .filter(List.class::isInstance)
                .map(value -> String.join(", ", ((List<?>) value).stream().map(String::valueOf).toList()))
                .filter(text -> !text.isEmpty())
                .findFirst().orElse("all");
    }

    private void endProgress() {
        if (progressLength > 0) {
            System.err.println();
            progressLength = 0;
        }
    }

    /**
     * The capture ends before the chefs have cooked what is queued for them and before the
     * sender has sent it (a capture that fails at once may end before the sender has even
     * connected), and before a hub that acknowledges has confirmed it: waits until every
     * chef has seen every packet, every dumpling made is sent or counted as dropped, and
     * none is held for the hub ({@link KitchenInfo#dumplingsBuffered()}: a hub frozen for a
     * while, then back, gets everything); for at most {@link #SETTLE_LIMIT_SECONDS} while
     * something moves, and {@link #SETTLE_STILL_SECONDS} while nothing does (a hub away for
     * longer: what is left is flushed at the stop, and reported).
     */
    private static KitchenInfo settled(KitchenManagement kitchen, KitchenInfo info) throws InterruptedException {
        long start = System.nanoTime();
        long progress = start;
        KitchenInfo last = info;
        while (System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(SETTLE_LIMIT_SECONDS)
                && System.nanoTime() - progress < java.util.concurrent.TimeUnit.SECONDS.toNanos(SETTLE_STILL_SECONDS)) {
            Thread.sleep(PERIOD_MILLIS);
            KitchenInfo now = kitchen.info();
            boolean chefsDone = now.chefs().stream().allMatch(c -> !c.enabled()
                    || c.packetsHandled() + c.packetsDropped() >= now.packetsCaptured());
            long made = made(now);
            if (chefsDone && now.dumplingsSent() + now.dumplingsDropped() >= made && made == made(last)
                    && now.dumplingsBuffered() == 0) {
                return now;
            }
            // Progress is chefs cooking, dumplings going out, or the hub confirming them; not
            // new interval dumplings piling up for a hub that is gone.
            if (now.dumplingsSent() > last.dumplingsSent() || now.dumplingsBuffered() < last.dumplingsBuffered()
                    || handled(now) != handled(last)) {
                progress = System.nanoTime();
            }
            last = now;
        }
        return last;
    }

    private static long handled(KitchenInfo info) {
        return info.chefs().stream().mapToLong(ChefInfo::packetsHandled).sum();
    }

    private static long made(KitchenInfo info) {
        return info.chefs().stream().mapToLong(ChefInfo::dumplingsMade).sum();
    }

    /**
     * The launcher's own end of the process (no component ends it): the JVM's exit runs the
     * agent's shutdown hook, which stops the framework, and the kitchen then flushes what it
     * still has for the hub. Not on this thread, which that stop interrupts.
     */
    private void end(int code, String oneLine) {
        System.out.flush();
        if (oneLine != null) {
            System.err.println(plan.program() + ": " + oneLine);
            System.err.flush();
        }
        Thread exit = new Thread(() -> System.exit(code), "nd-runtime-end");
        exit.start();
    }

    /** @return the summary of a finished kitchen, a line for it and one per chef */
    static String summary(KitchenInfo info) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%s: %s %s: %,d packets read, %,d dumplings sent, %,d dropped, "
                + "%,d packets dropped%s%n", info.name(), info.failure() == null ? "replayed" : "stopped replaying",
                info.source(), info.packetsCaptured(), info.dumplingsSent(), info.dumplingsDropped(),
                info.packetsDropped(), info.dumplingsBuffered() == 0 ? ""
                        : String.format(Locale.ROOT, ", %,d not confirmed by the hub", info.dumplingsBuffered())));
        for (ChefInfo chef : info.chefs()) {
            text.append(String.format(Locale.ROOT, "  %s: %,d packets, %,d dumplings, %,d errors, %,d dropped%n",
                    chef.name(), chef.packetsHandled(), chef.dumplingsMade(), chef.errors() + chef.invalidPayloads(),
                    chef.packetsDropped()));
        }
        return text.toString();
    }
}
