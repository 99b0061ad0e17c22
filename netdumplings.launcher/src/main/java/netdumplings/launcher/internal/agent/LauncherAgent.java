package netdumplings.launcher.internal.agent;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The launcher's side inside a runtime started by bin/nd-hub, bin/nd-sniff or
 * bin/netdumplings: applies the command line's configurations through Config Admin
 * (see {@link LaunchPlan}), stops the framework gracefully when the JVM is asked to end
 * (the hub then says 1001 to everyone, kitchens flush), and ends the runtime when its replay
 * is done or its own kitchen or hub failed ({@link RuntimeWatcher}).
 * <p>
 * Does nothing in a runtime that no launcher started (no {@value #PLAN_PROPERTY}).
 */
public final class LauncherAgent implements BundleActivator {

    /** System property: the launch plan, as JSON; read once and cleared (it may hold secrets). */
    public static final String PLAN_PROPERTY = "netdumplings.launcher.plan";

    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> configAdmin;
    private RuntimeWatcher watcher;
    private Thread shutdownHook;

    @Override
    public void start(BundleContext context) throws Exception {
        String json = System.getProperty(PLAN_PROPERTY);
        if (json == null) {
            return;
        }
        System.clearProperty(PLAN_PROPERTY);
        LaunchPlan plan = new ObjectMapper().readValue(json, LaunchPlan.class);
        Framework framework = context.getBundle(0).adapt(Framework.class);
        shutdownHook = new Thread(() -> stopAndWait(framework), "nd-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        configAdmin = new ServiceTracker<>(context, ConfigurationAdmin.class, null) {
            @Override
            public ConfigurationAdmin addingService(org.osgi.framework.ServiceReference<ConfigurationAdmin> reference) {
                ConfigurationAdmin cm = super.addingService(reference);
                apply(plan, cm);
                return cm;
            }
        };
        configAdmin.open();
        if (RuntimeWatcher.needed(plan)) {
            watcher = new RuntimeWatcher(context, plan);
            watcher.start();
        }
    }

    @Override
    public void stop(BundleContext context) {
        if (watcher != null) {
            watcher.close();
        }
        if (configAdmin != null) {
            configAdmin.close();
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down: the hook is what stops us.
            }
        }
    }

    /** In a shutdown hook: the framework stops (every component deactivates) before the JVM ends. */
    private static void stopAndWait(Framework framework) {
        try {
            framework.stop();
            framework.waitForStop(60_000);
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void apply(LaunchPlan plan, ConfigurationAdmin cm) {
        for (Map.Entry<String, LaunchPlan.Target> entry : plan.configurations().entrySet()) {
            try {
                applyOne(plan.program(), entry.getKey(), entry.getValue(), cm);
            } catch (Exception e) {
                System.err.println(plan.program() + ": cannot apply configuration " + entry.getKey() + ": " + e);
            }
        }
    }

    private static void applyOne(String program, String pid, LaunchPlan.Target target, ConfigurationAdmin cm)
            throws java.io.IOException {
        int tilde = pid.indexOf('~');
        Configuration configuration = tilde < 0 ? cm.getConfiguration(pid, "?")
                : cm.getFactoryConfiguration(pid.substring(0, tilde), pid.substring(tilde + 1), "?");
        Dictionary<String, Object> current = configuration.getProperties();
        Map<String, Object> previous = ConfigMerge.previous(current);
        Hashtable<String, Object> next = ConfigMerge.merge(current, previous, target.values(), target.explicit());
        for (String kept : ConfigMerge.keptChanges(current, previous, target.values(), target.explicit())) {
            System.err.println(program + ": " + pid + ": keeps " + kept
                    + " as changed in the Web Console (give it on the command line to override)");
        }
        configuration.updateIfDifferent(next);
    }
}
