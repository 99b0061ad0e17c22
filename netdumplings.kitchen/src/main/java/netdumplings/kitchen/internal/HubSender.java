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

    private final URI uri;
    private final Supplier<String> hello;
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
    private volatile long lastOverflowLog = System.nanoTime() - OVERFLOW_LOG_EVERY_NANOS;

    /**
     * @param hub      {@code host:port} of the hub's kitchen port, or a {@code ws://} URI
     * @param hello    the kitchen's hello JSON, asked for at every (re)connection
     * @param capacity dumplings buffered at most (at least 1)
     */
    public HubSender(String hub, Supplier<String> hello, int capacity) {
        this.uri = toUri(requireNonNull(hub, "hub"));
        this.hello = requireNonNull(hello, "hello");
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

    /** @return dumplings waiting to be sent */
    public int buffered() {
        return queue.size();
    }

    /** @return successful connections so far (1 + reconnections) */
    public long connections() {
        return connections;
    }

    /** @return whether a connection to the hub is open now */
    public boolean connected() {
        WebSocket ws = webSocket;
        Listener l = listener;
        return ws != null && l != null && !l.closed && !ws.isOutputClosed();
    }

    /** Stops, first sending what is buffered for up to 2 s if connected. */
    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }

    /** @param drain how long to keep sending what is buffered, if connected */
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
            if (closing && (pending == null && queue.isEmpty() || !connected()
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
                    if (!reportedOutage) {
                        LOG.warn("hub {}: cannot connect ({}); retrying with backoff up to {} s, "
                                + "keeping up to {} dumplings", uri, rootMessage(e),
                                MAX_BACKOFF_MILLIS / 1000, queue.remainingCapacity() + queue.size());
                        reportedOutage = true;
                    }
                    if (!closing) {
                        sleep(backoff);
                        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                    }
                    continue;
                }
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
        WebSocket ws = webSocket;
        if (ws != null) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "kitchen closing").toCompletableFuture()
                        .get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Closing anyway.
            }
            ws.abort();
        }
    }

    private void connect() throws Exception {
        Listener l = new Listener();
        WebSocket ws = client.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(uri, l).get(CONNECT_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
        ws.sendText(hello.get(), true).toCompletableFuture().get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        listener = l;
        webSocket = ws;
        connections++;
    }

    private void disconnect() {
        WebSocket ws = webSocket;
        webSocket = null;
        if (ws != null) {
            ws.abort();
        }
    }

    private void sleep(long millis) {
        synchronized (backoffLock) {
            try {
                if (!closing) {
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

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed = true;
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed = true;
        }
    }
}
