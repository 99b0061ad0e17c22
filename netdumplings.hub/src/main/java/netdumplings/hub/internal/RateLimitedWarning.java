package netdumplings.hub.internal;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Logs a warning at most once per period, and says how many were left out since the last
 * one: a kitchen sending garbage at line rate must not flood the log. Lock-free.
 */
public final class RateLimitedWarning {

    private final Logger log;
    private final long periodNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param log    where to log; never null
     * @param period at most one warning per this many milliseconds
     */
    public RateLimitedWarning(Logger log, long periodMillis) {
        this.log = requireNonNull(log, "log");
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
    }

    /**
     * @param format an slf4j format with one {@code {}} per argument
     * @param args   the arguments
     */
    public void warn(String format, Object... args) {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAllowed.compareAndSet(next, now + periodNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long left = suppressed.getAndSet(0);
        if (left > 0) {
            log.warn(format + " ({} similar warnings left out)", append(args, left));
        } else {
            log.warn(format, args);
        }
    }

    private static Object[] append(Object[] args, Object last) {
        Object[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
