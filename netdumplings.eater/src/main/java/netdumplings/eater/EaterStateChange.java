package netdumplings.eater;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * One state change of a {@link DumplingEater}.
 *
 * @param state      the new state; never null
 * @param hub        the hub's URI; never null
 * @param cause      for {@link EaterState#LOST}, what went wrong; otherwise null
 * @param retryDelay for {@link EaterState#RECONNECTING}, the wait before the next attempt;
 *                   otherwise null
 */
public record EaterStateChange(EaterState state, URI hub, Throwable cause, Duration retryDelay) {

    /** @throws NullPointerException if {@code state} or {@code hub} is null */
    public EaterStateChange {
        requireNonNull(state, "state");
        requireNonNull(hub, "hub");
    }

    /** @return a one-line description for people, such as {@code lost connection to ws://localhost:11348: Connection refused} */
    public String describe() {
        return switch (state) {
            case CONNECTING -> "connecting to " + hub;
            case CONNECTED -> "connected to " + hub;
            case LOST -> "lost connection to " + hub + (cause == null ? "" : ": " + HubConnectionException.describe(cause));
            case RECONNECTING -> "reconnecting to " + hub + " in " + seconds(retryDelay) + " s";
            case CLOSED -> "closed connection to " + hub;
        };
    }

    private static String seconds(Duration d) {
        if (d == null) {
            return "0";
        }
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
