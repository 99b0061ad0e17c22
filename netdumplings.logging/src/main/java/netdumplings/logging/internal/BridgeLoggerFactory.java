package netdumplings.logging.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/**
 * SLF4J loggers by bundle and name. {@code LoggerFactory.getLogger(X.class)} does not say
 * which bundle asks: the first class on the stack outside slf4j and this package does (a
 * stack walk per logger created, not per record).
 */
final class BridgeLoggerFactory implements ILoggerFactory {

    static final BridgeLoggerFactory INSTANCE = new BridgeLoggerFactory();

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final String OWN_PACKAGE = BridgeLoggerFactory.class.getPackageName() + ".";

    /** Key: the bundle's id, a slash, the logger's name. */
    private final ConcurrentMap<String, BridgeLogger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
        Bundle bundle = callerBundle();
        String key = (bundle == null ? -1 : bundle.getBundleId()) + "/" + name;
        return loggers.computeIfAbsent(key, k -> new BridgeLogger(name, bundle));
    }

    /** Lets go of the loggers of an uninstalled bundle. */
    void forget(long bundleId) {
        String prefix = bundleId + "/";
        loggers.keySet().removeIf(key -> key.startsWith(prefix));
    }

    /** @return the bundle of the class asking for a logger, else this bundle (null outside a framework) */
    private static Bundle callerBundle() {
        Class<?> caller = WALKER.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                .filter(c -> !c.getName().startsWith("org.slf4j.") && !c.getName().startsWith(OWN_PACKAGE))
                .findFirst().orElse(null));
        Bundle bundle = caller == null ? null : FrameworkUtil.getBundle(caller);
        return bundle != null ? bundle : Activator.bundle();
    }
}
