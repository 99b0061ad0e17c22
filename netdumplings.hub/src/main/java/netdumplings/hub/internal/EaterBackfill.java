package netdumplings.hub.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.json.DumplingJson;
import netdumplings.hub.internal.federation.ChefFilter;
import netdumplings.hub.internal.federation.History;
import netdumplings.hub.internal.federation.HistoryRequest;

/**
 * Sends an eater the history its hello asked for, then the live dumplings, with no gap
 * and no duplicate at the seam (PROTOCOL.md, issue 17).
 * <p>
 * The eater joins the fan-out first; while the history is sent, the live dumplings for it
 * are held here (up to its queue limit; more are dropped for it and counted). The replay
 * reads the history up to the last offset handed to the fan-out <em>after</em> the eater
 * joined, so the first held dumpling follows it or repeats part of it; the repeated ones
 * (offset not above the last replayed) are skipped, then the rest is sent and the eater
 * is live. Only this eater's live dumplings take a lock, and only while it is replayed.
 * <p>
 * When the request cannot be met in full, a {@value #CHEF} dumpling says so first:
 * payload {@code {"recovered": false, "reason": ..., "epoch": ..., "first_offset": ...,
 * "last_offset": ...}}.
 */
final class EaterBackfill {

    /** The chef name of the hub's history markers. */
    static final String CHEF = "SystemHistoryChef";

    private record Held(ByteBuffer json, long offset) {
    }

    private final EaterEndpoint eater;
    private final History history;
    private final HistoryRequest request;
    private final String invalidRequest;
    private final int holdLimit;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** Guarded by {@code held}; read without it first on the live path. */
    private volatile boolean replaying = true;
    private volatile long lastReplayed;

    /**
     * @param request        what was asked for, or null with {@code invalidRequest} saying why
     * @param invalidRequest why the request could not be read, or null
     */
    EaterBackfill(EaterEndpoint eater, History history, HistoryRequest request, String invalidRequest, int holdLimit) {
        this.eater = eater;
        this.history = history;
        this.request = request;
        this.invalidRequest = invalidRequest;
        this.holdLimit = holdLimit;
    }

    /**
     * The live path: holds a dumpling while the history is sent, or skips one the replay
     * already sent.
     *
     * @return whether the dumpling was taken care of (held or skipped): else send it
     */
    boolean intercept(ByteBuffer json, long offset) {
        if (replaying) {
            synchronized (held) {
                if (replaying) {
                    if (held.size() < holdLimit) {
                        held.add(new Held(json, offset));
                    } else {
                        eater.droppedWhileReplaying();
                    }
                    return true;
                }
            }
        }
        return offset != 0 && offset <= lastReplayed;
    }

    /** Sends the history, then what was held; on a thread of its own (it may wait for NATS). */
    void run() {
        try {
            replay();
        } catch (Exception e) {
            marker("the history could not be read: " + e.getMessage(), history.epoch(), 0, lastReplayed);
        } finally {
            goLive();
        }
    }

    private void replay() throws Exception {
        if (invalidRequest != null) {
            marker("invalid history request: " + invalidRequest, history == null ? null : history.epoch(), 0, 0);
            return;
        }
        String epoch = history == null ? null : history.epoch();
        if (epoch == null) {
            marker(history == null ? "this hub keeps no history" : "the history cannot be reached now", null, 0, 0);
            return;
        }
        // Read after the eater joined the fan-out: the held dumplings follow it.
        long to = history.lastOffset();
        long from = 1;
        double since = Double.NaN;
        switch (request) {
        case HistoryRequest.Last last -> from = Math.max(1, to - last.count() + 1);
        case HistoryRequest.SinceTime time -> since = time.epochSeconds();
        case HistoryRequest.Since after -> {
            if (!after.epoch().equals(epoch)) {
                marker("unknown epoch " + after.epoch() + ": what came after offset " + after.offset() + " is lost", epoch,
                        history.firstOffset(), to);
                return;
            }
            from = after.offset() + 1;
            long first = history.firstOffset();
            if (from < first && from <= to) {
                marker("offsets " + from + " to " + (first - 1) + " are no longer kept", epoch, first, to);
                from = first;
            }
        }
        }
        if (request instanceof HistoryRequest.Last last && last.count() > 0) {
            long first = history.firstOffset();
            if (from < first && to >= first) {
                marker("only " + (to - first + 1) + " of the last " + last.count() + " are kept", epoch, first, to);
            }
        }
        ChefFilter chefs = eater.chefs();
        history.replay(from, since, to, (offset, json, chefToken) -> {
            // Skipped or sent, it is replayed: the live one with that offset is a repeat.
            if (chefs.accepts(chefToken)) {
                if (!eater.awaitRoom()) {
                    return false;
                }
                eater.sendNow(json);
            }
            lastReplayed = offset;
            return true;
        });
    }

    private void goLive() {
        synchronized (held) {
            for (Held h : held) {
                if (h.offset() == 0 || h.offset() > lastReplayed) {
                    eater.sendNow(h.json());
                }
            }
            held.clear();
            replaying = false;
        }
    }

    private void marker(String reason, String epoch, long first, long last) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("recovered", false);
        payload.put("reason", reason);
        payload.put("epoch", epoch);
        payload.put("first_offset", first);
        payload.put("last_offset", last);
        Dumpling marker = new Dumpling(CHEF, null, System.currentTimeMillis() / 1000.0, DumplingDriver.INTERVAL, payload);
        eater.sendNow(ByteBuffer.wrap(DumplingJson.toJsonBytes(marker)));
    }
}
