package netdumplings.eater;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import netdumplings.api.Dumpling;
import netdumplings.api.EaterHello;
import netdumplings.api.InvalidDumplingException;
import netdumplings.api.json.DumplingJson;
import netdumplings.eater.internal.HistoryPosition;
import netdumplings.eater.internal.HubAddress;
import netdumplings.eater.internal.MessageAssembler;

/**
 * A client of the hub's eater port: connects, sends its hello, and hands every dumpling
 * that passes its chef and kitchen filters to its callbacks.
 * <pre>{@code
 * DumplingEater eater = DumplingEater.builder()
 *     .name("printereater")
 *     .chefs(List.of("DNSLookupChef"))
 *     .onDumpling(d -> System.out.println(d.payload()))
 *     .build();
 * eater.run();
 * }</pre>
 * <p>
 * The filters are applied here; the chef filter is also sent in the hello ({@code "chefs"},
 * PROTOCOL.md), so that our hub sends only those chefs' dumplings (and, federated, reads
 * only those from NATS), while the original hub, which ignores it, sends all. Frames that
 * are not valid dumplings are reported to {@link Builder#onInvalidDumpling} (or logged)
 * and skipped. A message over {@link DumplingJson#MAX_MESSAGE_BYTES} closes the
 * connection with {@link #CLOSE_TOO_BIG} (and it is then lost, and reconnected). A callback that throws is logged and the
 * eater carries on.
 * <p>
 * Callbacks are called from one thread at a time, never concurrently: the dumplings of a
 * connection in order, after {@code onConnect}. The next dumpling is only read once the
 * callback of the previous one returned, so a slow callback slows the hub's sending to
 * this eater rather than filling memory here.
 * <p>
 * <p>
 * History and fail-over (issue 17; both additive, a hub without them is served as before):
 * the first hello may ask for history ({@link Builder#historyLast}, {@link
 * Builder#historySince}); every later connection asks for what came after the last
 * offset seen ({@link Builder#recover}), so a reconnection loses nothing the hub's history
 * still holds, and a dumpling seen already (same epoch, offset not above the last) is
 * skipped. With several hubs ({@link Builder#hubs}) a lost or refused connection moves on
 * to the next at once, even without {@link Builder#reconnect}; only after every hub failed
 * in a row does the eater wait (or, without reconnection, end). When
 * the hub says history was lost ({@code SystemHistoryChef}), {@link Builder#onHistoryGap}
 * is told (by default it is logged) instead of {@code onDumpling}.
 * <p>
 * An eater runs once: {@link #run()}, {@link #run(long)} or {@link #start()} may be
 * called once. {@link #close()} may be called at any time from any thread.
 */
public final class DumplingEater implements AutoCloseable {

    /** The close code of an eater that has been closed. */
    public static final int CLOSE_CANCELLED = 4101;
    /** The close code of an eater that has eaten the dumplings it asked for. */
    public static final int CLOSE_FULL = 4102;
    /**
     * The close code for a message over the size limit. The protocol's 1009 cannot be
     * sent: the JDK's WebSocket client only sends 1000 or 3000-4999, so 4000 + 9.
     */
    public static final int CLOSE_TOO_BIG = 4009;

    private static final System.Logger LOG = System.getLogger(DumplingEater.class.getName());

    /** The chef name of the hub's history markers (a gap in what it could send). */
    public static final String HISTORY_CHEF = "SystemHistoryChef";

    private final String name;
    private final List<URI> hubs;
    /** The hub connected to, or tried, now. */
    private volatile URI hub;
    private final long historyLast;
    private final java.time.Instant historySince;
    private final boolean recover;
    private final Consumer<String> onHistoryGap;
    /** The last offset and epoch seen (written by one callback thread at a time). */
    private volatile HistoryPosition position;
    private final Set<String> chefs;
    private final Set<String> kitchens;
    private final Consumer<URI> onConnect;
    private final Consumer<Dumpling> onDumpling;
    private final Consumer<String> onRawDumpling;
    private final Consumer<Throwable> onConnectionLost;
    private final BiConsumer<String, InvalidDumplingException> onInvalidDumpling;
    private final Consumer<EaterStateChange> onStateChange;
    private final boolean reconnect;
    private final Duration minDelay;
    private final Duration maxDelay;
    private final Duration connectTimeout;
    private final String token;

    private final AtomicBoolean started = new AtomicBoolean();
    /** Completed when close() is called or the eater is full: stops waits and retries. */
    private final CompletableFuture<Integer> stopping = new CompletableFuture<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** The open connection, if any. */
    private volatile Session current;
    private volatile long limit = Long.MAX_VALUE;
    /** Written by one callback thread at a time (connections follow each other). */
    private volatile long eaten;

    private DumplingEater(Builder b) {
        this.name = b.name;
        this.hubs = List.copyOf(b.hubs);
        this.hub = hubs.get(0);
        this.historyLast = b.historyLast;
        this.historySince = b.historySince;
        this.recover = b.recover;
        this.onHistoryGap = b.onHistoryGap;
        this.chefs = Set.copyOf(b.chefs);
        this.kitchens = Set.copyOf(b.kitchens);
        this.onConnect = b.onConnect;
        this.onDumpling = b.onDumpling;
        this.onRawDumpling = b.onRawDumpling;
        this.onConnectionLost = b.onConnectionLost;
        this.onInvalidDumpling = b.onInvalidDumpling;
        this.onStateChange = b.onStateChange;
        this.reconnect = b.reconnect;
        this.minDelay = b.minDelay;
        this.maxDelay = b.maxDelay;
        this.connectTimeout = b.connectTimeout;
        this.token = b.token;
    }

    /** @return a builder with every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the eater's name, as sent in its hello */
    public String name() {
        return name;
    }

    /** @return the eater-port URI of the hub connected to (or tried) now */
    public URI hub() {
        return hub;
    }

    /** @return every hub this eater may connect to, in the order tried */
    public List<URI> hubs() {
        return hubs;
    }

    /**
     * @return the offset and epoch of the last dumpling with them that was seen (its
     *         {@code metadata.offset} and {@code metadata.epoch}), or null
     */
    public java.util.Map.Entry<Long, String> lastPosition() {
        HistoryPosition p = position;
        return p == null ? null : java.util.Map.entry(p.offset(), p.epoch());
    }

    /**
     * Eats dumplings on the calling thread until {@link #close()} is called or, with
     * reconnection off, the connection ends or cannot be made. Interrupting the thread
     * closes the eater (and the interrupt flag stays set).
     *
     * @throws IllegalStateException if the eater has already been run
     */
    public void run() {
        run(Long.MAX_VALUE);
    }

    /**
     * As {@link #run()}, but closes with 4102 "dumpling eater is full" once {@code count}
     * dumplings that pass the filters have been handed to {@code onDumpling}.
     *
     * @param count how many dumplings to eat; positive
     * @throws IllegalArgumentException if {@code count} is not positive
     * @throws IllegalStateException    if the eater has already been run
     */
    public void run(long count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        claim();
        limit = count;
        try {
            loop();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
        } finally {
            finish();
        }
    }

    /**
     * Eats dumplings on a thread of its own.
     *
     * @return completed when the eater has finished, as {@link #run()} returns
     * @throws IllegalStateException if the eater has already been run
     */
    public CompletableFuture<Void> start() {
        claim();
        Thread thread = new Thread(() -> {
            try {
                loop();
            } catch (InterruptedException e) {
                close();
            } finally {
                finish();
            }
        }, "dumpling-eater-" + name);
        thread.setDaemon(true);
        thread.start();
        return finished.copy();
    }

    /**
     * Closes the connection with 4101 "connection cancelled" and ends {@link #run()}.
     * Returns at once; idempotent.
     */
    @Override
    public void close() {
        stop(CLOSE_CANCELLED, "connection cancelled");
    }

    private void stop(int code, String reason) {
        if (!stopping.complete(code)) {
            return;
        }
        Session session = current;
        if (session != null) {
            session.close(code, reason);
        }
    }

    private void claim() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("eater " + name + " has already been run");
        }
    }

    private void finish() {
        state(new EaterStateChange(EaterState.CLOSED, hub, null, null));
        finished.complete(null);
    }

    private void loop() throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        Duration delay = minDelay;
        int next = 0;
        // Failures since the last connection: with several hubs, each is tried at once before waiting.
        int failuresInRow = 0;
        while (!stopping.isDone()) {
            hub = hubs.get(next);
            state(new EaterStateChange(EaterState.CONNECTING, hub, null, null));
            Session session = new Session();
            Throwable failure = session.connect(client);
            if (failure == null && session.ws != null) {
                delay = minDelay;
                failuresInRow = 0;
                failure = session.awaitEnd();
            }
            if (stopping.isDone()) {
                break;
            }
            if (failure != null) {
                state(new EaterStateChange(EaterState.LOST, hub, failure, null));
                if (session.connected) {
                    call(onConnectionLost, failure, "onConnectionLost");
                }
            }
            // With several hubs the next is tried at once, reconnecting or not (fail-over).
            next = (next + 1) % hubs.size();
            if (++failuresInRow < hubs.size()) {
                continue;
            }
            if (!reconnect) {
                break;
            }
            state(new EaterStateChange(EaterState.RECONNECTING, hub, null, delay));
            try {
                stopping.get(delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Time to try again.
            } catch (ExecutionException | CancellationException e) {
                break;
            }
            Duration doubled = delay.multipliedBy(2);
            delay = doubled.compareTo(maxDelay) > 0 ? maxDelay : doubled;
        }
        Session session = current;
        current = null;
        if (session != null && session.ws != null && !session.ws.isOutputClosed()) {
            session.ws.abort();
        }
    }

    /** One WebSocket connection to the hub; its listener runs the callbacks. */
    private final class Session implements WebSocket.Listener {
        private final MessageAssembler assembler = new MessageAssembler(DumplingJson.MAX_MESSAGE_BYTES);
        private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
        private final AtomicBoolean closing = new AtomicBoolean();
        volatile WebSocket ws;
        volatile boolean connected;
        /** Why the eater itself closes the connection when that is a failure (1009), else null. */
        volatile Throwable closeCause;

        /** Starts the closing handshake; the connection ends when the hub answers or after 5 s. */
        void close(int code, String reason) {
            if (!closing.compareAndSet(false, true)) {
                return;
            }
            WebSocket socket = ws;
            socket.sendClose(code, reason).whenComplete((r, e) -> {
                if (e != null) {
                    socket.abort();
                    ended.complete(closeCause);
                }
            });
            // The hub answers a close: if it does not, give up on it.
            CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS).execute(() -> {
                if (ended.complete(closeCause)) {
                    socket.abort();
                }
            });
        }

        /** @return null once connected and the hello is sent; otherwise why not */
        Throwable connect(HttpClient client) throws InterruptedException {
            WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(connectTimeout);
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            CompletableFuture<WebSocket> opening = builder.buildAsync(hub, this);
            WebSocket socket;
            try {
                // Either the connection or close() comes first.
                CompletableFuture.anyOf(opening, stopping).get();
                if (!opening.isDone()) {
                    opening.cancel(true);
                    opening.thenAccept(WebSocket::abort);
                    return null;
                }
                socket = opening.get();
                socket.sendText(hello(), true)
                        .get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException | CancellationException e) {
                opening.thenAccept(WebSocket::abort);
                return new HubConnectionException("cannot connect to " + hub + ": "
                        + HubConnectionException.describe(e), e.getCause() == null ? e : e.getCause());
            }
            ws = socket;
            current = this;
            if (stopping.isDone()) {
                // close() may have run before current was set, and not sent the close.
                close(stopping.getNow(CLOSE_CANCELLED), closeReason());
                return null;
            }
            connected = true;
            state(new EaterStateChange(EaterState.CONNECTED, hub, null, null));
            call(onConnect, hub, "onConnect");
            // Only now: no dumpling callback before onConnect has returned.
            socket.request(1);
            return null;
        }

        /** @return null when the eater itself ended the connection; otherwise why it ended */
        Throwable awaitEnd() throws InterruptedException {
            try {
                return ended.get();
            } catch (ExecutionException e) {
                return e.getCause();
            } finally {
                current = null;
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            // No request(1) here: see connect().
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            String frame;
            try {
                frame = assembler.add(data, last);
            } catch (MessageAssembler.MessageTooBigException e) {
                invalid(null, new InvalidDumplingException(e.getMessage()));
                closeCause = new HubConnectionException("hub sent a message over "
                        + DumplingJson.MAX_MESSAGE_BYTES + " bytes", CLOSE_TOO_BIG);
                close(CLOSE_TOO_BIG, "message too big");
                webSocket.request(1); // for the hub's answer to the close
                return null;
            }
            if (frame != null) {
                try {
                    eat(webSocket, frame);
                } catch (RuntimeException e) {
                    // Never let one frame end the connection.
                    LOG.log(System.Logger.Level.WARNING, "eater " + name + ": cannot handle a dumpling", e);
                }
            }
            // Also when stopping: the hub's answer to our close needs demand to be delivered.
            webSocket.request(1);
            return null;
        }

        private void eat(WebSocket webSocket, String frame) {
            if (stopping.isDone()) {
                return;
            }
            HistoryPosition at = HistoryPosition.of(frame);
            if (at != null) {
                HistoryPosition seen = position;
                if (seen != null && seen.epoch().equals(at.epoch()) && at.offset() <= seen.offset()) {
                    return; // seen already, on this hub or the one before
                }
                position = at;
            }
            Dumpling dumpling;
            try {
                dumpling = DumplingJson.fromJson(frame);
            } catch (InvalidDumplingException e) {
                invalid(frame, e);
                return;
            }
            if (HISTORY_CHEF.equals(dumpling.chef()) && dumpling.kitchen() == null) {
                historyGap(dumpling);
                return;
            }
            // (Set.copyOf's sets throw on contains(null): a hub dumpling has a null kitchen.)
            if (!chefs.isEmpty() && !chefs.contains(dumpling.chef())
                    || !kitchens.isEmpty() && (dumpling.kitchen() == null || !kitchens.contains(dumpling.kitchen()))) {
                return;
            }
            call(onRawDumpling, frame, "onRawDumpling");
            call(onDumpling, dumpling, "onDumpling");
            if (++eaten >= limit) {
                stop(CLOSE_FULL, "dumpling eater is full");
            }
        }

        private void invalid(String frame, InvalidDumplingException e) {
            if (onInvalidDumpling == null) {
                LOG.log(System.Logger.Level.WARNING, "eater {0}: skipping a frame that is not a dumpling: {1}",
                        name, e.getMessage());
                return;
            }
            try {
                onInvalidDumpling.accept(frame, e);
            } catch (RuntimeException failure) {
                LOG.log(System.Logger.Level.WARNING, "eater " + name + ": onInvalidDumpling failed", failure);
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            if (last) {
                invalid(null, new InvalidDumplingException("hub sent a binary message; dumplings are text"));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (closeCause != null || stopping.isDone()) {
                ended.complete(closeCause);
            } else {
                ended.complete(new HubConnectionException("hub closed the connection: " + statusCode
                        + (reason == null || reason.isEmpty() ? "" : " " + reason), statusCode));
            }
            return null; // the JDK answers the close
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.complete(closeCause != null ? closeCause : stopping.isDone() ? null
                    : new HubConnectionException("connection to " + hub + " failed: "
                            + HubConnectionException.describe(error), error));
        }
    }

    /**
     * The hello: the name, the chefs wanted, and what history to ask for (the builder's, or
     * after the last offset seen).
     */
    private String hello() {
        HistoryPosition seen = position;
        java.util.Map<String, Object> history = null;
        if (seen != null && recover) {
            history = java.util.Map.of("since", java.util.Map.of("offset", seen.offset(), "epoch", seen.epoch()));
        } else if (seen == null && historyLast > 0) {
            history = java.util.Map.of("last", historyLast);
        } else if (seen == null && historySince != null) {
            history = java.util.Map.of("since_time", historySince.toEpochMilli() / 1000.0);
        }
        if (history == null && chefs.isEmpty()) {
            return DumplingJson.toJson(new EaterHello(name));
        }
        java.util.Map<String, Object> hello = new java.util.LinkedHashMap<>();
        hello.put("eater_name", name);
        if (!chefs.isEmpty()) {
            // Additive: our hub then sends (and reads from NATS) only these chefs' dumplings;
            // the original ignores it, and the filter below still applies.
            hello.put("chefs", new java.util.TreeSet<>(chefs));
        }
        if (history != null) {
            hello.put("history", history);
        }
        return DumplingJson.valueToJson(hello);
    }

    private void historyGap(Dumpling marker) {
        String reason = marker.payload() instanceof java.util.Map<?, ?> m && m.get("reason") != null
                ? String.valueOf(m.get("reason"))
                : "the hub could not send all the history asked for";
        if (onHistoryGap == null) {
            LOG.log(System.Logger.Level.WARNING, "eater {0}: dumplings missed: {1}", name, reason);
        } else {
            call(onHistoryGap, reason, "onHistoryGap");
        }
    }

    private String closeReason() {
        return stopping.getNow(CLOSE_CANCELLED) == CLOSE_FULL ? "dumpling eater is full" : "connection cancelled";
    }

    private void state(EaterStateChange change) {
        if (onStateChange != null) {
            call(onStateChange, change, "onStateChange");
        } else {
            LOG.log(System.Logger.Level.DEBUG, "eater {0}: {1}", name, change.describe());
        }
    }

    private <T> void call(Consumer<T> callback, T value, String what) {
        if (callback == null) {
            return;
        }
        try {
            callback.accept(value);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "eater " + name + ": " + what + " failed", e);
        }
    }

    /** Builds a {@link DumplingEater}. Every setting has a default. */
    public static final class Builder {
        private String name = "nameless_eater";
        private List<URI> hubs = List.of(HubAddress.toUri("localhost:11348", 11348));
        private long historyLast;
        private java.time.Instant historySince;
        private boolean recover = true;
        private Consumer<String> onHistoryGap;
        private List<String> chefs = List.of();
        private List<String> kitchens = List.of();
        private Consumer<URI> onConnect;
        private Consumer<Dumpling> onDumpling;
        private Consumer<String> onRawDumpling;
        private Consumer<Throwable> onConnectionLost;
        private BiConsumer<String, InvalidDumplingException> onInvalidDumpling;
        private Consumer<EaterStateChange> onStateChange;
        private boolean reconnect = true;
        private Duration minDelay = Duration.ofMillis(500);
        private Duration maxDelay = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private String token;

        private Builder() {
        }

        /** @param name the eater's name in its hello; default {@code "nameless_eater"} */
        public Builder name(String name) {
            this.name = requireNonNull(name, "name");
            return this;
        }

        /**
         * @param hub the hub's eater port: {@code host:port}, {@code host} (port 11348), or
         *            a {@code ws://} or {@code wss://} URI; default {@code localhost:11348}
         * @throws IllegalArgumentException if it is not a usable address
         */
        public Builder hub(String hub) {
            this.hubs = List.of(HubAddress.toUri(hub, 11348));
            return this;
        }

        /**
         * @param hubs several hubs (as for {@link #hub(String)}) serving the same dumplings,
         *             e.g. federated ones: connect to the first, move on to the next when one
         *             goes away or cannot be reached
         * @throws IllegalArgumentException if the list is empty or one is not usable
         */
        public Builder hubs(List<String> hubs) {
            if (hubs.isEmpty()) {
                throw new IllegalArgumentException("no hub given");
            }
            this.hubs = hubs.stream().map(h -> HubAddress.toUri(h, 11348)).toList();
            return this;
        }

        /**
         * @param count at the first connection, ask the hub for the last {@code count}
         *              dumplings before the live ones; 0 (default) for none
         */
        public Builder historyLast(long count) {
            if (count < 0) {
                throw new IllegalArgumentException("count must not be negative: " + count);
            }
            this.historyLast = count;
            this.historySince = null;
            return this;
        }

        /** @param since at the first connection, ask for what the hub received since then; null for none */
        public Builder historySince(java.time.Instant since) {
            this.historySince = since;
            this.historyLast = 0;
            return this;
        }

        /** @param recover whether a reconnection asks for what came after the last offset seen; default true */
        public Builder recover(boolean recover) {
            this.recover = recover;
            return this;
        }

        /** @param onHistoryGap called with the hub's reason when it says dumplings were missed */
        public Builder onHistoryGap(Consumer<String> onHistoryGap) {
            this.onHistoryGap = requireNonNull(onHistoryGap, "onHistoryGap");
            return this;
        }

        /**
         * @param token the hub's eater token (its {@code eater_token}), sent as
         *              {@code Authorization: Bearer}; null or blank for none (default): the
         *              original protocol, unchanged
         */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token.trim();
            return this;
        }

        /** @param chefs the chefs whose dumplings to eat; default (empty) every chef */
        public Builder chefs(List<String> chefs) {
            this.chefs = List.copyOf(requireNonNull(chefs, "chefs"));
            return this;
        }

        /** @param kitchens the kitchens whose dumplings to eat; default (empty) every kitchen */
        public Builder kitchens(List<String> kitchens) {
            this.kitchens = List.copyOf(requireNonNull(kitchens, "kitchens"));
            return this;
        }

        /** @param onConnect called with the hub's URI after each connection's hello is sent */
        public Builder onConnect(Consumer<URI> onConnect) {
            this.onConnect = requireNonNull(onConnect, "onConnect");
            return this;
        }

        /** @param onDumpling called with every dumpling that passes the filters */
        public Builder onDumpling(Consumer<Dumpling> onDumpling) {
            this.onDumpling = requireNonNull(onDumpling, "onDumpling");
            return this;
        }

        /** @param onRawDumpling called, before {@code onDumpling}, with the JSON text of every dumpling that passes the filters */
        public Builder onRawDumpling(Consumer<String> onRawDumpling) {
            this.onRawDumpling = requireNonNull(onRawDumpling, "onRawDumpling");
            return this;
        }

        /** @param onConnectionLost called when an established connection ends without the eater asking, with why (often a {@link HubConnectionException}) */
        public Builder onConnectionLost(Consumer<Throwable> onConnectionLost) {
            this.onConnectionLost = requireNonNull(onConnectionLost, "onConnectionLost");
            return this;
        }

        /**
         * @param onInvalidDumpling called with each skipped frame (null when too big to keep)
         *                          and what is wrong with it; by default these are logged
         */
        public Builder onInvalidDumpling(BiConsumer<String, InvalidDumplingException> onInvalidDumpling) {
            this.onInvalidDumpling = requireNonNull(onInvalidDumpling, "onInvalidDumpling");
            return this;
        }

        /** @param onStateChange called on every change of {@link EaterState} */
        public Builder onStateChange(Consumer<EaterStateChange> onStateChange) {
            this.onStateChange = requireNonNull(onStateChange, "onStateChange");
            return this;
        }

        /** @param reconnect whether to reconnect when the connection is lost or cannot be made; default true */
        public Builder reconnect(boolean reconnect) {
            this.reconnect = reconnect;
            return this;
        }

        /**
         * @param min the first wait before reconnecting, doubled after each failed attempt;
         *            default 0.5 s
         * @param max the longest wait; default 30 s
         * @throws IllegalArgumentException if {@code min} is not positive or is over {@code max}
         */
        public Builder reconnectDelays(Duration min, Duration max) {
            requireNonNull(min, "min");
            requireNonNull(max, "max");
            if (min.isNegative() || min.isZero() || min.compareTo(max) > 0) {
                throw new IllegalArgumentException("need 0 < min <= max: " + min + ", " + max);
            }
            this.minDelay = min;
            this.maxDelay = max;
            return this;
        }

        /** @param timeout how long to wait for the connection and the hello to go; default 10 s */
        public Builder connectTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** @return the eater, not yet connected */
        public DumplingEater build() {
            return new DumplingEater(this);
        }
    }
}
