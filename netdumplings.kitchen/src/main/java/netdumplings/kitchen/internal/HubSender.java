package netdumplings.kitchen.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a kitchen's dumplings to the hub over a WebSocket (JDK client): the kitchen's
 * hello first, then every dumpling in order, from a bounded buffer. When the hub is down
 * or goes away it reconnects with capped exponential backoff (0.5 s doubling to 30 s),
 * keeping dumplings buffered meanwhile (what overflows is counted and logged), and sends
 * the hello again after each reconnect. A dumpling whose send failed is sent again after
 * reconnecting, so the hub may in rare cases see it twice, never zero times while buffered.
 * <p>
 * A write that "succeeded" may still cross the hub's close frame and be lost. When our hub
 * stops gracefully, its close reason says how many messages it received from this
 * connection ({@code HubServer.KITCHEN_CLOSE_REASON}); the sender keeps the last
 * {@value #RESEND_WINDOW} dumplings it wrote (at most 8 MiB of them) and resends those the hub did not count, first
 * thing after reconnecting. A hub that says nothing (the original) gets nothing resent.
 */
public final class HubSender implements Consumer<byte[]>, AutoCloseable {

    /** Default buffer: dumplings kept while the hub is away. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(HubSender.class);
    private static final long MIN_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final long SEND_TIMEOUT_SECONDS = 30;
    private static final long OVERFLOW_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Dumplings written last that are kept to resend what a closing hub did not receive. */
    static final int RESEND_WINDOW = 1024;
    /** ...and at most this many bytes of them, so big dumplings cannot make it costly. */
    static final long RESEND_WINDOW_BYTES = 8L << 20;
    private static final java.util.regex.Pattern RECEIVED =
            java.util.regex.Pattern.compile("messages received: (\\d+)");

    private final URI uri;
    private final Supplier<String> hello;
    private final String token;
    private final BlockingQueue<byte[]> queue;
    private final HttpClient client;
    private final Thread thread;
    private final LongAdder overflowed = new LongAdder();
    private final Object backoffLock = new Object();

    private volatile boolean closing;
    private volatile long drainDeadline;
    private volatile WebSocket webSocket;
    private volatile Listener listener;
    private volatile long sent;
    private volatile long connections;
    private volatile long unsent;
    private volatile long failedConnections;
    /** The last dumplings written on this connection; only the sender thread touches it. */
    private final java.util.ArrayDeque<byte[]> recent = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<byte[]> resend = new java.util.ArrayDeque<>();
    private long sentOnConnection;
    private long recentBytes;
    private volatile long resent;
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
        this.uri = toUri(requireNonNull(hub, "hub"));
        this.hello = requireNonNull(hello, "hello");
        this.token = token == null || token.isBlank() ? null : token.trim();
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        this.thread = new Thread(this::run, "nd-hub-sender " + uri);
        thread.setDaemon(true);
    }

    static URI toUri(String hub) {
        String text = hub.contains("://") ? hub : "ws://" + hub;
        URI result = URI.create(text);
        if (result.getHost() == null || result.getPort() < 0) {
            throw new IllegalArgumentException("hub must be host:port, not \"" + hub + "\"");
        }
        return result.getPath() == null || result.getPath().isEmpty() ? URI.create(text + "/") : result;
    }

    /** @return the hub's WebSocket address */
    public URI uri() {
        return uri;
    }

    /** Starts connecting and sending, on a thread of its own. */
    public void start() {
        thread.start();
    }

    /** Buffers a dumpling for sending, or counts it as overflowed if the buffer is full. */
    @Override
    public void accept(byte[] json) {
        requireNonNull(json, "json");
        if (!queue.offer(json)) {
            overflowed.increment();
            long now = System.nanoTime();
            if (now - lastOverflowLog >= OVERFLOW_LOG_EVERY_NANOS) {
                lastOverflowLog = now;
                LOG.warn("hub {}: dumpling buffer full ({} dumplings), {} dropped so far", uri,
                        queue.size(), overflowed.sum());
            }
        }
    }

    /** @return dumplings sent to the hub (the hellos not included) */
    public long sent() {
        return sent;
    }

    /** @return dumplings dropped because the buffer was full */
    public long overflowed() {
        return overflowed.sum();
    }

    /** @return dumplings sent again because a closing hub said it had not received them */
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

    /** @return successful connections so far (1 + reconnections) */
    public long connections() {
        return connections;
    }

    /** @return attempts to connect that failed so far */
    public long failedConnections() {
        return failedConnections;
    }

    /** @return whether a connection to the hub is open now */
    public boolean connected() {
        WebSocket ws = webSocket;
        Listener l = listener;
        return ws != null && l != null && !l.closed && !ws.isOutputClosed();
    }

    /**
     * Stops, first sending what is buffered for up to 2 s (reconnecting meanwhile if the hub
     * is away), then closing the connection normally.
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
                thread.join(drain.toMillis() + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        byte[] pending = null;
        boolean reportedOutage = false;
        while (true) {
            if (closing && (pending == null && queue.isEmpty() && resend.isEmpty()
                    || System.nanoTime() - drainDeadline >= 0)) {
                break;
            }
            if (!connected()) {
                disconnect();
                try {
                    connect();
                    backoff = MIN_BACKOFF_MILLIS;
                    if (reportedOutage) {
                        LOG.info("hub {}: connected again ({} dumplings buffered)", uri, queue.size());
                    } else {
                        LOG.debug("hub {}: connected", uri);
                    }
                    reportedOutage = false;
                } catch (Exception e) {
                    disconnect();
                    failedConnections++;
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
            if (pending == null && !resend.isEmpty()) {
                pending = resend.pollFirst();
                resent++;
            }
            if (pending == null) {
                try {
                    pending = queue.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                if (pending == null) {
                    continue;
                }
            }
            try {
                webSocket.sendText(new String(pending, StandardCharsets.UTF_8), true)
                        .toCompletableFuture().get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                remember(pending);
                pending = null;
                sent++;
            } catch (Exception e) {
                if (!reportedOutage) {
                    LOG.warn("hub {}: connection lost ({}); reconnecting", uri, rootMessage(e));
                    reportedOutage = true;
                }
                disconnect();
            }
        }
        int left = queue.size() + resend.size() + (pending == null ? 0 : 1);
        if (left > 0) {
            unsent = left;
            LOG.warn("hub {}: closing with {} dumplings not sent (the hub was away or too slow)", uri, left);
        }
        WebSocket ws = webSocket;
        if (ws != null) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "kitchen closing").toCompletableFuture()
                        .get(1, TimeUnit.SECONDS);
                // Wait for the hub's answer before cutting the connection: closing a socket
                // with its answer unread sends a reset, and the hub could lose what it has not
                // read yet.
                Listener l = listener;
                if (l != null) {
                    l.done.get(2, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                // Closing anyway.
            }
            ws.abort();
        }
    }

    private void connect() throws Exception {
        Listener l = new Listener();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        WebSocket ws = builder.buildAsync(uri, l).get(CONNECT_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
        ws.sendText(hello.get(), true).toCompletableFuture().get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        listener = l;
        webSocket = ws;
        connections++;
    }

    private void remember(byte[] json) {
        recent.addLast(json);
        recentBytes += json.length;
        while (recent.size() > RESEND_WINDOW || (recentBytes > RESEND_WINDOW_BYTES && recent.size() > 1)) {
            recentBytes -= recent.pollFirst().length;
        }
        sentOnConnection++;
    }

    private void disconnect() {
        WebSocket ws = webSocket;
        webSocket = null;
        if (ws != null) {
            ws.abort();
        }
        Listener l = listener;
        if (l != null && sentOnConnection > 0) {
            // A failed write may come before the hub's close frame has been handed to us:
            // give it a moment, to learn how many dumplings the hub received.
            try {
                l.done.get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                // No close from the hub: nothing to resend.
            }
        }
        if (l != null) {
            LOG.debug("hub {}: connection ended; {} dumplings written on it, the hub said it received {}", uri,
                    sentOnConnection, l.received);
        }
        if (l != null && l.received >= 0 && l.received < sentOnConnection) {
            // The hub stopped and said how many it got: queue the rest for the next connection,
            // in their order, before anything not yet sent.
            long missing = Math.min(sentOnConnection - l.received, recent.size());
            java.util.Iterator<byte[]> newestFirst = recent.descendingIterator();
            for (long i = 0; i < missing; i++) {
                resend.addFirst(newestFirst.next());
            }
            LOG.info("hub {}: it stopped having received {} of {} dumplings; resending {}", uri, l.received,
                    sentOnConnection, missing);
        }
        listener = null;
        recent.clear();
        recentBytes = 0;
        sentOnConnection = 0;
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

    /** The hub sends nothing to kitchens; this only notices when it goes away. */
    private static final class Listener implements WebSocket.Listener {
        /** Per connection, so a late event of an old connection cannot affect a new one. */
        volatile boolean closed;
        /** Completes when the connection is closed by the hub or fails. */
        final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        /** What the hub said it received from this connection when it closed, or -1. */
        volatile long received = -1;

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            LOG.debug("hub closed the connection: {} {}", statusCode, reason);
            java.util.regex.Matcher m = reason == null ? null : RECEIVED.matcher(reason);
            if (m != null && m.find()) {
                try {
                    received = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    // Not a count we can use: resend nothing.
                }
            }
            closed = true;
            done.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            LOG.debug("hub connection failed", error);
            closed = true;
            done.complete(null);
        }
    }
}
