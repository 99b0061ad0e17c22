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
 * are held here, up to its queue limit. The replay reads the history up to the last offset
 * handed to the fan-out <em>after</em> the eater joined, so the first held dumpling follows
 * it or repeats part of it; the repeated ones (offset not above the last replayed) are
 * skipped, then the rest is sent and the eater is live. Only this eater's live dumplings
 * take a lock, and only while it is replayed.
 * <p>
 * When more live dumplings come during a replay than can be held (a long replay, a slow
 * eater, a loaded machine: an eater failing over to this hub while its kitchens keep
 * publishing), the held ones are let go and no more are held in that round: they are in
 * the history, so another round reads it from after the last replayed one up to the
 * fan-out's last offset, holding again. Rounds go on until one ends with everything held;
 * after {@value #MAX_ROUNDS} the eater goes live with what is held, and the live
 * dumplings not held are dropped for it and counted (its offsets show the gap). Only
 * dumplings the history has no offset for (the hub's own status ones, or NATS away) are
 * dropped at once when the hold is full.
 * <p>
 * When the request cannot be met in full, a {@value #CHEF} dumpling says so first:
 * payload {@code {"recovered": false, "reason": ..., "epoch": ..., "first_offset": ...,
 * "last_offset": ...}}.
 */
final class EaterBackfill {

    /** The chef name of the hub's history markers. */
    static final String CHEF = "SystemHistoryChef";
    /** Replay rounds before live dumplings that cannot be held are dropped (see above). */
    static final int MAX_ROUNDS = 20;

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
    /**
     * Guarded by {@code held}: the hold overflowed in this round, so what it let go is read
     * from the history in the next one.
     */
    private boolean overflowed;
    /**
     * Guarded by {@code held}: whether the history is being replayed, so that what the hold
     * lets go can be read from it (not while a request is only answered with a marker).
     */
    private boolean replayStarted;
    /** Guarded by {@code held}: the last round, in which what cannot be held is dropped. */
    private boolean lastRound;
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
                    if (overflowed && offset != 0) {
                        return true; // the next round reads it from the history
                    }
                    if (held.size() < holdLimit) {
                        held.add(new Held(json, offset));
                    } else if (lastRound || offset == 0 || !replayStarted) {
                        eater.droppedWhileReplaying();
                    } else {
                        // Let go of the held ones: the next round reads them from the history.
                        held.removeIf(h -> h.offset() != 0);
                        overflowed = true;
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
            for (int round = 2; catchUpNeeded(round); round++) {
                catchUp();
            }
        } catch (EaterGone e) {
            // Nothing to tell it.
        } catch (Exception e) {
            marker("the history could not be read: " + e.getMessage(), history.epoch(), 0, lastReplayed);
        } finally {
            goLive();
        }
    }

    /**
     * Starts the next round if the last one let live dumplings go: from now on they are held
     * again, and the round reads the history up to what the fan-out has handed on by then.
     */
    private boolean catchUpNeeded(int round) {
        synchronized (held) {
            if (!overflowed) {
                return false;
            }
            overflowed = false;
            lastRound = round >= MAX_ROUNDS;
            return true;
        }
    }

    /** One more round: the history after the last replayed offset, up to the fan-out's last. */
    private void catchUp() throws Exception {
        // Read after the hold started again: the dumplings it holds follow it, or repeat it.
        long to = history.lastOffset();
        replayRange(keptFrom(lastReplayed + 1, to, history.epoch()), Double.NaN, to);
    }

    /**
     * @return {@code from}, or the first offset the history still keeps if that is later
     *         (the eater is then told, with a marker, what it lost)
     */
    private long keptFrom(long from, long to, String epoch) {
        long first = history.firstOffset();
        if (from < first && from <= to) {
            marker("offsets " + from + " to " + (first - 1) + " are no longer kept", epoch, first, to);
            return first;
        }
        return from;
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
            from = keptFrom(after.offset() + 1, to, epoch);
        }
        }
        if (request instanceof HistoryRequest.Last last && last.count() > 0) {
            long first = history.firstOffset();
            if (from < first && to >= first) {
                marker("only " + (to - first + 1) + " of the last " + last.count() + " are kept", epoch, first, to);
            }
        }
        replayRange(from, since, to);
    }

    private void replayRange(long from, double since, long to) throws Exception {
        synchronized (held) {
            replayStarted = true;
        }
        ChefFilter chefs = eater.chefs();
        boolean[] gone = {false};
        history.replay(from, since, to, (offset, json, chefToken) -> {
            // Skipped or sent, it is replayed: the live one with that offset is a repeat.
            if (chefs.accepts(chefToken)) {
                if (!eater.awaitRoom()) {
                    gone[0] = true;
                    return false;
                }
                eater.sendNow(json);
            }
            lastReplayed = offset;
            return true;
        });
        if (gone[0]) {
            throw new EaterGone();
        }
        // Everything up to it is decided (replayed, or not asked for): a catch-up round starts after it.
        lastReplayed = Math.max(lastReplayed, to);
    }

    /** The eater went away during a replay: nothing more to send it. */
    private static final class EaterGone extends Exception {
        private static final long serialVersionUID = 1L;

        EaterGone() {
            super("the eater went away", null, false, false);
        }
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
