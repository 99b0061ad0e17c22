package netdumplings.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition the code under test makes true on threads of its own (a hub
 * counting a connection, an eater receiving dumplings), polling every 10 ms.
 */
public final class Await {

    /** Default longest wait: generous, since the machine may be busy with other builds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Await() {
    }

    /**
     * @param condition what must become true
     * @param what      says what was awaited, in the failure message
     * @throws AssertionError if it is not true within {@link #DEFAULT_TIMEOUT}
     */
    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        requireNonNull(what, "what");
        until(condition, () -> what, DEFAULT_TIMEOUT);
    }

    /**
     * @param condition what must become true
     * @param what      says what was awaited (and what there is), asked for only on failure
     * @param timeout   how long to wait at most
     * @throws AssertionError if it is not true in time
     */
    public static void until(BooleanSupplier condition, Supplier<String> what, Duration timeout)
            throws InterruptedException {
        requireNonNull(condition, "condition");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what.get());
            }
            Thread.sleep(10);
        }
    }
}
