package netdumplings.launcher.internal.agent;

import java.util.Locale;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

import netdumplings.api.management.ChefInfo;
import netdumplings.api.management.KitchenInfo;
import netdumplings.api.management.KitchenManagement;

/**
 * Ends a runtime whose kitchen replays a file a given number of times: watches the
 * kitchen through its management service, shows a progress line on a terminal (packets,
 * packets/s), and once the kitchen is done prints a summary (packets read, dumplings per
 * chef, drops, errors) and ends the process (0 done, 1 failed) through the agent's
 * shutdown hook, which stops the framework and so lets the kitchen flush what it still
 * has for the hub.
 */
final class ReplayWatcher implements Runnable {

    private static final long PERIOD_MILLIS = 500;

    private final LaunchPlan plan;
    private final ServiceTracker<KitchenManagement, KitchenManagement> kitchens;
    private final Thread thread;
    private volatile boolean closed;

    ReplayWatcher(BundleContext context, LaunchPlan plan) throws InvalidSyntaxException {
        this.plan = plan;
        String filter = "(&(objectClass=" + KitchenManagement.class.getName() + ")(" + KitchenManagement.KITCHEN_NAME
                + "=" + plan.watchKitchen().replaceAll("([\\\\()*])", "\\\\$1") + "))";
        this.kitchens = new ServiceTracker<>(context, FrameworkUtil.createFilter(filter), null);
        this.thread = new Thread(this, "nd-replay-watcher");
        thread.setDaemon(true);
    }

    void start() {
        kitchens.open();
        thread.start();
    }

    void close() {
        closed = true;
        thread.interrupt();
        kitchens.close();
    }

    @Override
    public void run() {
        boolean seenRunning = false;
        int progressLength = 0;
        try {
            while (!closed) {
                Thread.sleep(PERIOD_MILLIS);
                KitchenManagement kitchen = kitchens.getService();
                if (kitchen == null) {
                    continue;
                }
                KitchenInfo info = kitchen.info();
                if (info.running()) {
                    seenRunning = true;
                    if (plan.terminal()) {
                        String line = String.format(Locale.ROOT, "\r%s: %,d packets, %,.0f packets/s", info.name(),
                                info.packetsCaptured(), info.packetsPerSecond());
                        System.err.print(line + " ".repeat(Math.max(0, progressLength - line.length())));
                        System.err.flush();
                        progressLength = line.length();
                    }
                    continue;
                }
                if (!seenRunning && info.failure() == null && info.packetsCaptured() == 0) {
                    continue; // not started yet
                }
                if (progressLength > 0) {
                    System.err.println();
                }
                finish(settled(kitchen, info));
                return;
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /**
     * The capture ends before the chefs have cooked what is queued for them and before the
     * sender has sent it: waits (up to 60 s) for two equal snapshots in which every chef
     * has seen every packet.
     */
    private static KitchenInfo settled(KitchenManagement kitchen, KitchenInfo info) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        KitchenInfo last = info;
        while (System.nanoTime() < deadline) {
            Thread.sleep(PERIOD_MILLIS);
            KitchenInfo now = kitchen.info();
            boolean chefsDone = now.chefs().stream().allMatch(c -> !c.enabled()
                    || c.packetsHandled() + c.packetsDropped() >= now.packetsCaptured());
            if (chefsDone && now.dumplingsSent() == last.dumplingsSent()
                    && now.chefs().stream().mapToLong(ChefInfo::dumplingsMade).sum()
                            == last.chefs().stream().mapToLong(ChefInfo::dumplingsMade).sum()) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private void finish(KitchenInfo info) {
        boolean failed = info.failure() != null;
        System.out.print(summary(info));
        System.out.flush();
        if (failed) {
            System.err.println(plan.program() + ": " + info.failure());
        }
        // The launcher's own end of the process (no component ends it): the JVM's exit runs
        // the agent's shutdown hook, which stops the framework, and the kitchen then flushes
        // what it still has for the hub. Not on this thread, which that stop interrupts.
        int code = failed ? 1 : 0;
        Thread exit = new Thread(() -> System.exit(code), "nd-replay-done");
        exit.start();
    }

    /** @return the summary of a finished kitchen, a line for it and one per chef */
    static String summary(KitchenInfo info) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%s: %s %s: %,d packets read, %,d dumplings sent, %,d dropped, "
                + "%,d packets dropped%n", info.name(), info.failure() == null ? "replayed" : "stopped replaying",
                info.source(), info.packetsCaptured(), info.dumplingsSent(), info.dumplingsDropped(),
                info.packetsDropped()));
        for (ChefInfo chef : info.chefs()) {
            text.append(String.format(Locale.ROOT, "  %s: %,d packets, %,d dumplings, %,d errors, %,d dropped%n",
                    chef.name(), chef.packetsHandled(), chef.dumplingsMade(), chef.errors() + chef.invalidPayloads(),
                    chef.packetsDropped()));
        }
        return text.toString();
    }
}
