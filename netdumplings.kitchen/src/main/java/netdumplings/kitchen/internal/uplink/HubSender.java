package netdumplings.kitchen.internal.uplink;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import netdumplings.kitchen.internal.dispatch.DumplingSink;

/**
 * Sends a kitchen's dumplings to the hub over a WebSocket (Jetty's core client, through
 * {@link HubClient} and {@link HubConnection}): the kitchen's hello first, then every
 * dumpling in order, from a bounded buffer, on a thread of its own. The bytes the chef
 * encoded are sent as they are (no String round trip), and whatever is buffered when a
 * write starts goes out in that one batch (at most {@value #BATCH_DUMPLINGS} dumplings),
 * which Jetty gathers into a few socket writes; the next batch starts when it is written.
 * So batches grow with the load while a lone dumpling leaves at once. When the hub is down
 * or goes away it reconnects with capped exponential backoff (0.5 s doubling to 30 s),
 * keeping dumplings buffered meanwhile (what overflows is counted and logged), and sends
 * the hello again after each reconnect. A dumpling whose send failed is sent again after
 * reconnecting, so the hub may in rare cases see it twice, never zero times while buffered.
 * <p>
 * A write that "succeeded" may still be lost: it may cross the hub's close frame, or the
 * hub may crash with it unread. So the hello asks for acknowledgements ({@code "ack": true},
 * PROTOCOL.md); a hub that gives them ({@code {"ack": N}}: N messages after the hello
 * arrived) has every dumpling written on the connection and not yet acknowledged kept
 * (at most {@code capacity} of them, or {@value #MIN_UNACKED} for a smaller buffer: the
 * sender writes no more until acknowledgements come)
 * and resent, in order, first thing after reconnecting. The hub may thus see a few twice,
 * never none. A hub that acknowledges nothing (the original) gets what it was sent as
 * before: only a write that failed is sent again. The hello also carries the count of
 * dumplings dropped so far ({@code "dropped"}, additive), which the hub shows in its
 * status; the same total is logged every minute while it grows and at the end.
 */
public final class HubSender implements DumplingSink, AutoCloseable {

    /** Default buffer: dumplings kept while the hub is away. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(HubSender.class);
    private static final long MIN_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    /** Default: a write blocked this long (a hub that stopped reading) drops the connection. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** Dumplings per batch (handed to Jetty at once) at most; well within the resend window, see fillBatch. */
    static final int BATCH_DUMPLINGS = 256;
    /** Bytes per batch at most (roughly: one more dumpling may pass it). */
    static final int BATCH_BYTES = 256 * 1024;
    private static final long OVERFLOW_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * To a hub that has not acknowledged anything (yet), the last dumplings written that
     * are kept, to resend a failed write.
     */
    static final int RESEND_WINDOW = 1024;
    /** The least number of dumplings kept unacknowledged before waiting for the hub (see unackedLimit). */
    static final int MIN_UNACKED = 4096;
    /** How long chef changes must settle before the connection is renewed for a new hello. */
    static final long HELLO_SETTLE_MILLIS = 1_000;
    /**
     * How long after connecting the sender waits for the hub's first acknowledgement once
     * {@value #RESEND_WINDOW} dumplings are written: ours sends one at once after the hello;
     * one that sent none by then acknowledges nothing (the original).
     */
    static final long ACK_PROBE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often the total of dropped dumplings is logged while it grows. */
    static final long DROP_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** The hubs to send to (several: move on to the next when one is away); the current one. */
    private final java.util.List<URI> uris;
    private volatile URI uri;
    private int hubIndex;
    private int failuresInRow;
    private final Supplier<String> hello;
    private final String token;
    private final HubClient client;
    private final BlockingQueue<byte[]> queue;
    private final int capacity;
    private final Thread thread;
    private final LongAdder overflowed = new LongAdder();
    private final Object backoffLock = new Object();

    private volatile boolean closing;
    private volatile boolean helloStale;
    /** Set when a connection attempt fails, cleared when one succeeds. */
    private volatile boolean hubAway;
    private volatile long helloChangedAt;
    /** The hello of the open connection; sender thread only. */
    private String helloSent;
    private volatile long drainDeadline;
    private volatile HubConnection connection;
    /** The dumplings of the write being made or to be made next; sender thread only. */
    private final List<byte[]> batch = new ArrayList<>(BATCH_DUMPLINGS);
    /** How many of the last written were in a write that failed; sender thread only. */
    private long failed;
    private volatile long sent;
    private volatile long connections;
    private volatile long unsent;
    private volatile long failedConnections;
    /**
     * Dumplings written on this connection and not acknowledged, oldest first (to a hub
     * that acknowledges nothing, the last {@value #RESEND_WINDOW}); sender thread only.
     */
    private final java.util.ArrayDeque<byte[]> unacked = new java.util.ArrayDeque<>();
    /** How many messages of this connection (after the hello) came before unacked's first. */
    private long unackedBase;
    /** To resend, in order, before anything new; sender thread only. */
    private final java.util.ArrayDeque<byte[]> resend = new java.util.ArrayDeque<>();
    private volatile long resent;
    /** When the sender began waiting for acknowledgements with {@code capacity} unacknowledged, or 0. */
    private long ackWaitSince;
    /** When the current connection was opened ({@link System#nanoTime()}). */
    private long connectedAt;
    private long droppedLogged;
    private long lastDropLog = System.nanoTime();
    private volatile long lastOverflowLog = System.nanoTime() - OVERFLOW_LOG_EVERY_NANOS;

    /**
     * @param hub      {@code host:port} of the hub's kitchen port, or a {@code ws://} URI
     * @param hello    the kitchen's hello JSON, asked for at every (re)connection
     * @param capacity dumplings buffered at most (at least 1)
     */
    public HubSender(String hub, Supplier<String> hello, int capacity) {
        this(hub, hello, capacity, null);
    }

    /**
     * @param hub      {@code host:port} of the hub's kitchen port, or a {@code ws://} or
     *                 {@code wss://} URI
     * @param hello    the kitchen's hello JSON, asked for at every (re)connection
     * @param capacity dumplings buffered at most (at least 1)
     * @param token    the hub's kitchen token, sent as {@code Authorization: Bearer}; null or
     *                 blank for none (the original protocol: nothing is added)
     */
    public HubSender(String hub, Supplier<String> hello, int capacity, String token) {
        this(hub, hello, capacity, token, null);
    }

    /**
     * @param hub      {@code host:port} of the hub's kitchen port, or a {@code ws://} or
     *                 {@code wss://} URI
     * @param hello    the kitchen's hello JSON, asked for at every (re)connection
     * @param capacity dumplings buffered at most (at least 1)
     * @param token    the hub's kitchen token, sent as {@code Authorization: Bearer}; null or
     *                 blank for none (the original protocol: nothing is added)
     * @param name     names the sender's threads ({@code nd-hub-sender-<name>},
     *                 {@code nd-hub-client-<name>-...}), e.g. the kitchen's name; null for
     *                 the hub's {@code host:port}
     */
    public HubSender(String hub, Supplier<String> hello, int capacity, String token, String name) {
        this(hub, hello, capacity, token, name, WRITE_TIMEOUT);
    }

    /**
     * As {@link #HubSender(String, Supplier, int, String, String)}, with a write timeout
     * other than the default {@link #WRITE_TIMEOUT} (tests).
     *
     * @param writeTimeout a write blocked for longer (a hub that stopped reading) drops the
     *                     connection
     */
    public HubSender(String hub, Supplier<String> hello, int capacity, String token, String name, Duration writeTimeout) {
        this.uris = toUris(requireNonNull(hub, "hub"));
        this.uri = uris.get(0);
        this.hello = requireNonNull(hello, "hello");
        this.token = token == null || token.isBlank() ? null : token.trim();
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.capacity = capacity;
        String threadName = name == null || name.isBlank() ? uri.getHost() + ":" + uri.getPort() : name;
        this.client = new HubClient(threadName, HubClient.CONNECT_TIMEOUT, writeTimeout);
        this.thread = new Thread(this::run, "nd-hub-sender-" + threadName);
        thread.setDaemon(true);
    }

    /** @return the hubs of a comma-separated list (one or more), in order */
    public static java.util.List<URI> toUris(String hubs) {
        return java.util.Arrays.stream(hubs.split(",")).map(String::trim).map(HubSender::toUri).toList();
    }

    /** The next hub of the list, after a failure (issue 17: a kitchen accepts several hubs). */
    private void nextHub() {
        if (uris.size() > 1) {
            hubIndex = (hubIndex + 1) % uris.size();
            uri = uris.get(hubIndex);
        }
    }

    public static URI toUri(String hub) {
        String text = hub.contains("://") ? hub : "ws://" + hub;
        URI result = URI.create(text);
        if (result.getHost() == null || result.getPort() < 0) {
            throw new IllegalArgumentException("hub must be host:port, not \"" + hub + "\"");
        }
        return result.getPath() == null || result.getPath().isEmpty() ? URI.create(text + "/") : result;
    }

    /** @return the WebSocket address of the hub sent to now (the first one, or the next after a failure) */
    public URI uri() {
        return uri;
    }

    /**
     * Starts connecting and sending, on a thread of its own; the WebSocket client's threads
     * start now too, and all of them end when the sender stops.
     */
    public void start() {
        client.start();
        thread.start();
    }

    /** Buffers a dumpling for sending, or counts it as overflowed if the buffer is full. */
    @Override
    public void accept(byte[] json) {
        accept(json, 0);
    }

    /**
     * Buffers a dumpling for sending. If the buffer is full and the hub is not known to be
     * away (connected, or being connected to for the first time or since the last success),
     * waits up to {@code waitNanos} for room: a replayed file then goes at the hub's pace
     * instead of losing dumplings. With the hub away (a connection attempt failed), or after
     * the wait, the dumpling is counted as overflowed.
     *
     * @param json      the encoded dumpling
     * @param waitNanos how long the calling (chef's) thread may wait; 0 for not at all
     */
    public void accept(byte[] json, long waitNanos) {
        requireNonNull(json, "json");
        boolean queued = queue.offer(json);
        if (!queued && waitNanos > 0 && !hubAway) {
            try {
                queued = queue.offer(json, waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!queued) {
            overflowed.increment();
            long now = System.nanoTime();
            if (now - lastOverflowLog >= OVERFLOW_LOG_EVERY_NANOS) {
                lastOverflowLog = now;
                LOG.warn("hub {}: dumpling buffer full ({} dumplings), {} dropped so far", uri,
                        queue.size(), overflowed.sum());
            }
        }
    }

    /**
     * The kitchen's hello has changed (a chef came or went): once the changes have settled
     * for {@value #HELLO_SETTLE_MILLIS} ms, the connection is closed normally, after what was
     * written, and opened again with the new hello, so that the hub's status lists the
     * chefs cooking now. (The protocol has one hello per connection: a second one would be
     * an invalid dumpling to the original hub.) Any thread.
     */
    public void helloChanged() {
        helloChangedAt = System.nanoTime();
        helloStale = true;
    }

    /** @return dumplings sent to the hub (the hellos not included) */
    public long sent() {
        return sent;
    }

    /** @return dumplings dropped because the buffer was full */
    public long overflowed() {
        return overflowed.sum();
    }

    /** @return dumplings sent again because the hub did not acknowledge them, or their write failed */
    public long resent() {
        return resent;
    }

    /** @return dumplings still buffered when the sender stopped (0 while running) */
    public long unsent() {
        return unsent;
    }

    /** @return dumplings waiting to be sent */
    public int buffered() {
        return queue.size();
    }

    /** @return dumplings written and kept until the hub acknowledges them, or to be resent */
    public int unacknowledged() {
        return unackedCount;
    }

    private volatile int unackedCount;

    /**
     * @return dumplings sent that are not yet known to have reached the hub: those to be sent
     *         again, and, on a connection to a hub that acknowledges, those written and not yet
     *         acknowledged (a hub that never acknowledges confirms nothing: none of those). With
     *         {@link #buffered()}, what the kitchen still holds for the hub
     */
    public int unconfirmed() {
        return unconfirmedCount;
    }

    private volatile int unconfirmedCount;

    /** @return successful connections so far (1 + reconnections) */
    public long connections() {
        return connections;
    }

    /** @return attempts to connect that failed so far */
    public long failedConnections() {
        return failedConnections;
    }

    /**
     * @return since when (milliseconds since the epoch) there has been no connection to the
     *         hub: this sender's creation until the first one; 0 while connected
     */
    public long disconnectedSince() {
        return disconnectedSince;
    }

    /** See {@link #disconnectedSince()}: set when a connection is found gone, cleared on connecting. */
    private volatile long disconnectedSince = System.currentTimeMillis();

    /** @return whether a connection to the hub is open now */
    public boolean connected() {
        HubConnection c = connection;
        return c != null && c.open();
    }

    /**
     * Stops, first sending what is buffered for up to 2 s (reconnecting meanwhile if the hub
     * is away), then closing the connection normally and stopping the WebSocket client.
     */
    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }

    /** @param drain how long to keep sending what is buffered (and reconnecting for it) */
    public void close(Duration drain) {
        drainDeadline = System.nanoTime() + drain.toNanos();
        closing = true;
        synchronized (backoffLock) {
            backoffLock.notifyAll();
        }
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(drain.toMillis() + 3_000);
                if (thread.isAlive()) {
                    // Stuck in a write to a hub that does not read: fail that write.
                    HubConnection c = connection;
                    if (c != null) {
                        c.abort();
                    }
                    thread.join(2_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            send();
        } finally {
            client.close();
        }
    }

    private void send() {
        long backoff = MIN_BACKOFF_MILLIS;
        boolean reportedOutage = false;
        while (true) {
            logDrops(false);
            if (closing && (batch.isEmpty() && queue.isEmpty() && resend.isEmpty()
                    && (connection == null || !awaitingAcks(connection))
                    || System.nanoTime() - drainDeadline >= 0)) {
                break;
            }
            if (!connected()) {
                if (disconnectedSince == 0) {
                    disconnectedSince = System.currentTimeMillis();
                }
                disconnect();
                try {
                    connect();
                    hubAway = false;
                    failuresInRow = 0;
                    backoff = MIN_BACKOFF_MILLIS;
                    if (reportedOutage) {
                        LOG.info("hub {}: connected again ({} dumplings buffered, {} to resend, {} dropped so far)", uri,
                                queue.size(), resend.size(), overflowed.sum());
                    } else {
                        LOG.debug("hub {}: connected", uri);
                    }
                    reportedOutage = false;
                } catch (Exception e) {
                    hubAway = true;
                    disconnect();
                    failedConnections++;
                    LOG.debug("hub {}: cannot connect ({})", uri, rootMessage(e));
                    nextHub();
                    // Every other hub is tried at once; only a whole round of failures waits.
                    if (++failuresInRow % uris.size() != 0) {
                        continue;
                    }
                    if (!reportedOutage) {
                        LOG.warn("hub {}: cannot connect ({}); retrying with backoff up to {} s, "
                                + "keeping up to {} dumplings", uri, rootMessage(e),
                                MAX_BACKOFF_MILLIS / 1000, queue.remainingCapacity() + queue.size());
                        reportedOutage = true;
                    }
                    // Closing: keep trying until the drain deadline, briefly (no long backoff).
                    sleep(closing ? Math.min(100, backoff) : backoff);
                    backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                    continue;
                }
            }
            if (batch.isEmpty() && helloStale && !closing
                    && System.nanoTime() - helloChangedAt >= TimeUnit.MILLISECONDS.toNanos(HELLO_SETTLE_MILLIS)) {
                helloStale = false;
                if (!hello.get().equals(helloSent)) {
                    LOG.info("hub {}: the chefs changed; connecting again with the new hello", uri);
                    closeNormally("kitchen chefs changed");
                    disconnect();
                    continue; // connects at once, with the hello of now
                }
            }
            HubConnection c = connection;
            settle(c);
            if (batch.isEmpty() && c.acked >= 0 && unacked.size() >= unackedLimit()) {
                // As many unacknowledged as the buffer holds: wait for the hub to catch up.
                if (!awaitAcks(c)) {
                    LOG.warn("hub {}: no acknowledgement for {} s with {} dumplings unacknowledged; reconnecting", uri,
                            WRITE_TIMEOUT.toSeconds(), unacked.size());
                    disconnect();
                }
                continue;
            }
            ackWaitSince = 0;
            if (batch.isEmpty() && c.acked < 0 && unacked.size() >= RESEND_WINDOW && probing()) {
                // Nothing acknowledged yet: wait a moment to learn whether this hub does, so
                // that nothing unacknowledged is let go on a hub that would have said.
                sleep(5);
                continue;
            }
            if (batch.isEmpty() && !fillBatch()) {
                if (closing && c.acked >= 0 && !unacked.isEmpty()) {
                    sleep(10); // draining: the last acknowledgements are on their way
                }
                continue;
            }
            try {
                c.writeText(batch, 0, batch.size());
                for (byte[] json : batch) {
                    remember(json);
                }
                sent += batch.size();
                batch.clear();
            } catch (Exception e) {
                if (!reportedOutage) {
                    LOG.warn("hub {}: connection lost ({}); reconnecting", uri, rootMessage(e));
                    reportedOutage = true;
                }
                // Some of the batch may have reached the hub: keep it as written, so that a
                // hub that acknowledges gets exactly what it did not acknowledge again.
                failed = batch.size();
                for (byte[] json : batch) {
                    remember(json);
                }
                batch.clear();
                disconnect();
                nextHub();
            }
        }
        closeNormally("kitchen closing");
        HubConnection c = connection;
        if (c != null) {
            settle(c);
            c.abort();
        }
        // Unacknowledged at the end: written, but the hub never said it had them.
        int unconfirmed = c != null && c.acked >= 0 ? unacked.size() : 0;
        int left = queue.size() + resend.size() + batch.size() + unconfirmed;
        if (left > 0) {
            unsent = left;
            LOG.warn("hub {}: closing with {} dumplings not sent or not acknowledged (the hub was away or too slow)",
                    uri, left);
        }
        logDrops(true);
    }

    /** Logs the total dropped while it grows, once a minute, and at the end if any. */
    private void logDrops(boolean last) {
        long now = System.nanoTime();
        if (!last && now - lastDropLog < DROP_LOG_EVERY_NANOS) {
            return;
        }
        lastDropLog = now;
        long dropped = overflowed.sum();
        if (dropped != droppedLogged || (last && dropped > 0)) {
            LOG.warn("hub {}: {} dumplings dropped in total ({} in the last period), the buffer being full", uri,
                    dropped, dropped - droppedLogged);
            droppedLogged = dropped;
        }
    }

    /**
     * @return how many may be unacknowledged at once: the buffer's capacity, but never so
     *         few that the hub's acknowledgements (one per 1024 messages at least) cannot
     *         keep a small buffer flowing
     */
    private int unackedLimit() {
        return Math.max(capacity, MIN_UNACKED);
    }

    /** Lets go of what the hub has acknowledged on {@code c}. */
    private void settle(HubConnection c) {
        long acked = c.acked;
        while (unackedBase < acked && !unacked.isEmpty()) {
            unacked.pollFirst();
            unackedBase++;
        }
        if (acked < 0 && !probing()) {
            // Not a hub that acknowledges: keep only what resends a failed write.
            while (unacked.size() > RESEND_WINDOW) {
                unacked.pollFirst();
                unackedBase++;
            }
        }
        unackedCount = unacked.size() + resend.size();
        unconfirmedCount = (acked >= 0 ? unacked.size() : 0) + resend.size();
    }

    /** @return whether the connection is young enough for its hub's first acknowledgement to be on its way */
    private boolean probing() {
        return System.nanoTime() - connectedAt < ACK_PROBE_NANOS;
    }

    /** @return whether {@code c}'s hub acknowledges and has not acknowledged everything written */
    private boolean awaitingAcks(HubConnection c) {
        settle(c);
        return c.acked >= 0 && !unacked.isEmpty() && c.open();
    }

    /**
     * Waits a little for acknowledgements while the unacknowledged fill the buffer.
     *
     * @return false if none came for the write timeout: the hub is stuck
     */
    private boolean awaitAcks(HubConnection c) {
        long now = System.nanoTime();
        if (ackWaitSince == 0) {
            ackWaitSince = now;
        }
        long before = c.acked;
        sleep(5);
        if (c.acked != before) {
            ackWaitSince = 0;
            return true;
        }
        return now - ackWaitSince < WRITE_TIMEOUT.toNanos();
    }

    /**
     * Closes the connection with 1000 and waits (up to 2 s) for the hub's answer: cutting
     * the socket with that answer unread would send a reset, and the hub could lose what it
     * has not read yet.
     */
    private void closeNormally(String reason) {
        HubConnection c = connection;
        if (c != null && c.open()) {
            try {
                c.writeClose(1000, reason);
                c.done.get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Closing anyway.
            }
        }
    }

    /**
     * Takes the next dumplings to write into {@link #batch}: those to resend first, else
     * what is buffered, waiting a while for the first; at most {@value #BATCH_DUMPLINGS}
     * dumplings and about {@value #BATCH_BYTES} bytes, so one failed write never needs
     * more than the resend window.
     *
     * @return whether the batch has something
     */
    private boolean fillBatch() {
        long bytes = 0;
        while (!resend.isEmpty() && batch.size() < BATCH_DUMPLINGS && bytes < BATCH_BYTES) {
            byte[] json = resend.pollFirst();
            batch.add(json);
            bytes += json.length;
            resent++;
        }
        if (batch.isEmpty()) {
            byte[] first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closing = true;
                return false;
            }
            if (first == null) {
                return false;
            }
            batch.add(first);
            bytes += first.length;
        }
        // No waiting for more: what came in while the last write ran goes in this one, so
        // batches grow with the load and an idle kitchen's dumpling leaves at once.
        while (batch.size() < BATCH_DUMPLINGS && bytes < BATCH_BYTES) {
            byte[] json = queue.poll();
            if (json == null) {
                break;
            }
            batch.add(json);
            bytes += json.length;
        }
        return true;
    }

    private void connect() throws Exception {
        HubConnection c = client.connect(uri, token);
        String text = hello.get();
        try {
            c.writeText(withExtensions(text, overflowed.sum()).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            c.abort();
            throw e;
        }
        connection = c;
        disconnectedSince = 0;
        connectedAt = System.nanoTime();
        helloSent = text;
        connections++;
    }

    /**
     * @return the kitchen's hello with the additive fields of PROTOCOL.md in front: the ask
     *         for acknowledgements, and the dumplings dropped so far
     */
    public static String withExtensions(String hello, long dropped) {
        String body = hello.stripLeading();
        if (!body.startsWith("{")) {
            return hello; // not an object: the hub will say so
        }
        String rest = body.substring(1).stripLeading();
        return "{\"ack\": true, \"dropped\": " + dropped + (rest.startsWith("}") ? "" : ", ") + rest;
    }

    private void remember(byte[] json) {
        unacked.addLast(json);
    }

    private void disconnect() {
        HubConnection c = connection;
        connection = null;
        if (c == null) {
            return;
        }
        c.abort();
        settle(c);
        long missing;
        if (c.acked >= 0) {
            // Everything not acknowledged goes again, in order, before anything not yet sent
            // (some of it may have arrived: the hub may see it twice, never zero times).
            missing = unacked.size();
            if (missing > 0) {
                LOG.info("hub {}: connection ended with {} dumplings written and not acknowledged; resending them",
                        uri, missing);
            }
        } else {
            // A hub that acknowledges nothing: the failed write is sent again (it may arrive twice).
            missing = Math.min(failed, unacked.size());
            sent += failed - missing;
        }
        java.util.Iterator<byte[]> newestFirst = unacked.descendingIterator();
        for (long i = 0; i < missing; i++) {
            resend.addFirst(newestFirst.next());
        }
        failed = 0;
        unacked.clear();
        unackedBase = 0;
        ackWaitSince = 0;
        unackedCount = resend.size();
        unconfirmedCount = resend.size();
    }

    private void sleep(long millis) {
        synchronized (backoffLock) {
            try {
                // Closing cuts a long backoff short, not the short waits of the drain.
                if (!closing || millis <= 100) {
                    backoffLock.wait(millis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
