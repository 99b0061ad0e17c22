package netdumplings.hub.internal.federation;

import java.util.Map;

/**
 * What history an eater asks for in its hello (PROTOCOL.md): the additive field
 * {@code "history"} holds one of {@code {"last": N}}, {@code {"since": {"offset": N,
 * "epoch": "E"}}} (everything after that offset) or {@code {"since_time": S}} (everything
 * the history received at or after S, epoch seconds).
 */
public sealed interface HistoryRequest {

    /** The last {@code count} dumplings. */
    record Last(long count) implements HistoryRequest {
    }

    /** Everything after {@code offset} of {@code epoch}. */
    record Since(long offset, String epoch) implements HistoryRequest {
    }

    /** Everything received at or after {@code epochSeconds}. */
    record SinceTime(double epochSeconds) implements HistoryRequest {
    }

    /**
     * @param hello an eater's hello, as parsed JSON
     * @return its request, or null when it asks for none
     * @throws IllegalArgumentException with a one-line reason when {@code history} is malformed
     */
    static HistoryRequest fromHello(Map<String, Object> hello) {
        Object history = hello.get("history");
        if (history == null) {
            return null;
        }
        if (!(history instanceof Map<?, ?> h) || h.size() != 1) {
            throw new IllegalArgumentException("history must be an object with one of last, since, since_time");
        }
        if (h.get("last") instanceof Number n && isWhole(n) && n.longValue() >= 0) {
            return new Last(n.longValue());
        }
        if (h.get("since_time") instanceof Number t && Double.isFinite(t.doubleValue())) {
            return new SinceTime(t.doubleValue());
        }
        if (h.get("since") instanceof Map<?, ?> since && since.get("offset") instanceof Number offset && isWhole(offset)
                && offset.longValue() >= 0 && since.get("epoch") instanceof String epoch) {
            return new Since(offset.longValue(), epoch);
        }
        throw new IllegalArgumentException("history must be {\"last\": N}, {\"since\": {\"offset\": N, \"epoch\": \"E\"}}"
                + " or {\"since_time\": SECONDS}, not " + history);
    }

    private static boolean isWhole(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof java.math.BigInteger && n.longValue() >= 0;
    }
}
