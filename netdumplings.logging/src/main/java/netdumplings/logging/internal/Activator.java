package netdumplings.logging.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.log.LoggerFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Tracks the Log Service's {@link LoggerFactory} for the SLF4J provider. This bundle starts
 * early (start level 2, with slf4j) and the Log Service later (level 10): until it is there,
 * and after it is gone, SLF4J records go to stderr (see {@link BridgeLogger}).
 */
public final class Activator implements BundleActivator {

    private static volatile Bundle self;
    /** The Log Service's factory now in use, or null. Read on every record: one volatile read. */
    private static volatile LoggerFactory current;

    private ServiceTracker<LoggerFactory, LoggerFactory> tracker;
    private SynchronousBundleListener uninstalls;

    @Override
    public void start(BundleContext context) {
        self = context.getBundle();
        // Loggers of an uninstalled bundle (an updated chef bundle) are let go.
        uninstalls = event -> {
            if (event.getType() == BundleEvent.UNINSTALLED) {
                BridgeLoggerFactory.INSTANCE.forget(event.getBundle().getBundleId());
            }
        };
        context.addBundleListener(uninstalls);
        tracker = new ServiceTracker<>(context, LoggerFactory.class, null) {
            @Override
            public LoggerFactory addingService(ServiceReference<LoggerFactory> reference) {
                LoggerFactory factory = super.addingService(reference);
                current = factory;
                return factory;
            }

            @Override
            public void removedService(ServiceReference<LoggerFactory> reference, LoggerFactory factory) {
                if (current == factory) {
                    current = null;
                    // Another Log Service still registered takes over.
                    LoggerFactory other = getService();
                    current = other == factory ? null : other;
                }
                super.removedService(reference, factory);
            }
        };
        tracker.open();
    }

    @Override
    public void stop(BundleContext context) {
        tracker.close();
        current = null;
        context.removeBundleListener(uninstalls);
        self = null;
    }

    /** @return the Log Service's factory, or null while there is none */
    static LoggerFactory loggerFactory() {
        return current;
    }

    /** @return this bundle, or null outside a framework (or while stopped) */
    static Bundle bundle() {
        return self;
    }
}
