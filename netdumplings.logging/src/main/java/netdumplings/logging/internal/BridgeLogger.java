package netdumplings.logging.internal;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger writing to the OSGi Log Service's {@link Logger} of the same name, for
 * the bundle that created it. SLF4J's message is formatted here ({} placeholders) and
 * handed over whole, with its exception.
 * <p>
 * The effective level (Log Admin's, which Config Admin sets) is asked of the Log Service at
 * most once a second per logger: Felix Log works it out anew at every call, with string
 * formatting, and {@code isDebugEnabled()} sits on busy paths. A level changed through
 * Config Admin therefore applies within a second.
 * <p>
 * Without a Log Service (early in the start, late in the stop) records of level INFO and
 * above go to stderr, so that nothing important is lost.
 */
final class BridgeLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final transient Bundle bundle;
    /** The Log Service's logger and its effective level when last checked; null before the first record. */
    private transient volatile Target target;

    /** @param factory where the logger came from; level its effective level at checkedAt (nanoTime) */
    private record Target(LoggerFactory factory, Logger logger, LogLevel level, long checkedAt) {
    }

    BridgeLogger(String name, Bundle bundle) {
        this.name = name;
        this.bundle = bundle;
    }

    /** @return the Log Service's logger with a fresh enough level, or null without a Log Service */
    private Target target() {
        LoggerFactory factory = Activator.loggerFactory();
        if (factory == null || bundle == null) {
            return null;
        }
        Target t = target;
        long now = System.nanoTime();
        if (t == null || t.factory != factory || now - t.checkedAt > RECHECK_NANOS) {
            Logger logger = t != null && t.factory == factory ? t.logger : factory.getLogger(bundle, name, Logger.class);
            t = new Target(factory, logger, effectiveLevel(logger), now);
            target = t;
        }
        return t;
    }

    private static LogLevel effectiveLevel(Logger logger) {
        if (logger.isTraceEnabled()) {
            return LogLevel.TRACE;
        } else if (logger.isDebugEnabled()) {
            return LogLevel.DEBUG;
        } else if (logger.isInfoEnabled()) {
            return LogLevel.INFO;
        } else if (logger.isWarnEnabled()) {
            return LogLevel.WARN;
        } else if (logger.isErrorEnabled()) {
            return LogLevel.ERROR;
        }
        return LogLevel.AUDIT;
    }

    private boolean enabled(LogLevel level) {
        Target t = target();
        return t == null ? LogLevel.INFO.implies(level) : t.level.implies(level);
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(LogLevel.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(LogLevel.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(LogLevel.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(LogLevel.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(LogLevel.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        Target t = target();
        if (t == null) {
            toStderr(level, message, throwable);
            return;
        }
        // "{}" and the whole message: braces in it are never read as placeholders again;
        // a Throwable as the last argument is the record's exception.
        Logger logger = t.logger;
        Object[] args = throwable == null ? new Object[] {message} : new Object[] {message, throwable};
        switch (level) {
            case TRACE -> logger.trace("{}", args);
            case DEBUG -> logger.debug("{}", args);
            case INFO -> logger.info("{}", args);
            case WARN -> logger.warn("{}", args);
            case ERROR -> logger.error("{}", args);
        }
    }

    private void toStderr(Level level, String message, Throwable throwable) {
        PrintStream err = System.err;
        err.print(EntryFormat.line(System.currentTimeMillis(), level.name(), Thread.currentThread().getName(), name,
                message, throwable));
        err.flush();
    }
}
