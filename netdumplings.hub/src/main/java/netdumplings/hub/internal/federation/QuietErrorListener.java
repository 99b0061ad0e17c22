package netdumplings.hub.internal.federation;

import org.slf4j.LoggerFactory;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import netdumplings.hub.internal.RateLimitedWarning;

/**
 * jnats's errors into the hub's log (its default listener writes to stdout), at most one
 * warning every 10 s, so that an unreachable NATS does not flood the log.
 */
final class QuietErrorListener implements ErrorListener {

    private final RateLimitedWarning warning = new RateLimitedWarning(LoggerFactory.getLogger(NatsFederation.class), 10_000);

    @Override
    public void errorOccurred(Connection conn, String error) {
        warning.warn("NATS error: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        warning.warn("NATS connection problem: {}", String.valueOf(exp));
    }
}
