package netdumplings.hub.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.json.DumplingJson;
import netdumplings.hub.internal.federation.ChefFilter;
import netdumplings.hub.internal.federation.FederationSettings;
import netdumplings.hub.internal.federation.History;
import netdumplings.hub.internal.federation.HistoryRequest;
import netdumplings.hub.internal.federation.NatsFederation;
import netdumplings.hub.internal.federation.Offsets;
import netdumplings.hub.internal.federation.RingHistory;
import netdumplings.hub.internal.federation.Subjects;

/**
 * The dumpling hub of PROTOCOL.md, on an embedded Jetty: kitchens connect to one port and
 * send dumplings, eaters connect to another and receive every valid dumpling, byte for
 * byte, plus a {@code SystemStatusChef} dumpling every status interval.
 * <p>
 * Plain Java, usable without OSGi: {@code new HubServer(settings)}, {@link #start()},
 * {@link #close()}. One-shot: a closed hub cannot be started again. Thread-safe.
 * <p>
 * The hot path (a kitchen's dumpling to every eater) runs on the kitchen connection's
 * thread, takes no lock of its own, and never waits for an eater: each eater has a bounded
 * count of pending writes, past which dumplings are dropped for it and counted. Frames are
 * handed to Jetty batched and written by the {@link EaterFlusher} within a short grace, many
 * per write.
 * <p>
 * Beyond the original: a client that has not said hello within 30 s is closed with 1011
 * (there is no idle timeout otherwise), a message with invalid UTF-8 is refused, eater
 * queues are bounded in bytes too and a stalled eater is closed (1008), and the optional
 * {@link HubSecurity} (tokens, TLS, Origin allow-list) and connection limit apply, and a
 * plain HTTP {@code GET /} on the eater port returns the live dashboard
 * ({@link DashboardHandler}), itself an eater over a WebSocket to the same port.
 */
public final class HubServer implements AutoCloseable {

    /** The chef name of the hub's own status dumplings. */
    public static final String STATUS_CHEF = "SystemStatusChef";

    private static final Logger LOG = LoggerFactory.getLogger(HubServer.class);
    /**
     * How often kitchens that ask for acknowledgements are told what arrived (when it
     * changed); they keep what is not acknowledged to resend after a reconnect.
     */
    public static final Duration ACK_INTERVAL = Duration.ofMillis(100);
    /** How long {@link #close()} waits for clients to answer the close handshake. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);
    /**
     * Jetty's output buffer per eater connection while dumplings are batched in it (taken
     * from Jetty's pool only while it holds something, so idle eaters cost nothing). Jetty
     * batches frames up to a quarter of it: dumplings up to 8 KiB share writes, bigger ones
     * are written at once, in order.
     */
    static final int OUTPUT_BUFFER_BYTES = 32 * 1024;
    /** How long a client may take to say hello; every real client says it at once. */
    static final Duration HELLO_TIMEOUT = HubSettings.DEFAULT_HELLO_TIMEOUT;

    private enum State { NEW, STARTING, STARTED, CLOSING, CLOSED }

    private final HubSettings settings;
    private final FederationSettings federationSettings;
    private final UpgradeGate gate;
    private final Duration helloTimeout;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final Set<HubEndpoint> connections = ConcurrentHashMap.newKeySet();
    // Copy-on-write: fan-out iterates a snapshot without a lock; joins and leaves are rare.
    private final List<KitchenEndpoint> kitchens = new CopyOnWriteArrayList<>();
    private final List<EaterEndpoint> eaters = new CopyOnWriteArrayList<>();
    /** Eaters that said hello and wait for the hub to read their chefs from NATS. */
    private final Set<EaterEndpoint> joining = ConcurrentHashMap.newKeySet();
    private final LongAdder dumplingsIn = new LongAdder();
    private final LongAdder dumplingsOut = new LongAdder();
    private final LongAdder invalidFrames = new LongAdder();
    /** Drops of eaters that have left, so that the total never goes down. */
    private final LongAdder departedEaterDrops = new LongAdder();
    private final RateLimitedWarning droppedWarning = new RateLimitedWarning(LOG, 10_000);
    private final LongAdder refusedUpgrades = new LongAdder();
    private final RateLimitedWarning refusedWarning = new RateLimitedWarning(LOG, 10_000);
    /** Connections from accept, and the budget of those without hello. */
    private final ConnectionBudget budget;
    private volatile HostCheck hostCheck;
    /** Bytes waiting to be written to all eaters together (bounded by totalEaterQueueBytes). */
    private final java.util.concurrent.atomic.AtomicLong eaterQueuedBytes = new java.util.concurrent.atomic.AtomicLong();
    /** Eaters closed because all eaters together held too many unwritten bytes. */
    private final LongAdder eatersShed = new LongAdder();
    private final java.util.concurrent.atomic.AtomicBoolean shedding = new java.util.concurrent.atomic.AtomicBoolean();

    private Server server;
    private ServerConnector kitchenConnector;
    private ServerConnector eaterConnector;
    private volatile ScheduledExecutorService timer;
    private volatile EaterFlusher flusher;
    private volatile long startNanos;
    /** The link to other hubs through NATS, or null when not federating. */
    private volatile NatsFederation federation;
    /** Without NATS: the last dumplings, for eaters asking for history; or null. */
    private final RingHistory ring;
    /** Where eaters' history replays run (a JetStream replay waits on the network). */
    private volatile java.util.concurrent.ExecutorService historyThreads;

    /**
     * @param settings how to run; never null
     */
    public HubServer(HubSettings settings) {
        this(settings, FederationSettings.OFF);
    }

    /**
     * @param settings   how to run; never null
     * @param federation how to federate with other hubs through NATS; never null
     *                   ({@link FederationSettings#OFF} for a hub of its own)
     */
    public HubServer(HubSettings settings, FederationSettings federation) {
        this(settings, requireNonNull(settings, "settings").helloTimeout(), federation);
    }

    /** For tests: with another time limit for the hello. */
    HubServer(HubSettings settings, Duration helloTimeout) {
        this(settings, helloTimeout, FederationSettings.OFF);
    }

    private HubServer(HubSettings settings, Duration helloTimeout, FederationSettings federation) {
        this.settings = requireNonNull(settings, "settings");
        this.federationSettings = requireNonNull(federation, "federation");
        this.ring = !federation.enabled() && federation.historySize() > 0 ? new RingHistory(federation.historySize()) : null;
        this.helloTimeout = requireNonNull(helloTimeout, "helloTimeout");
        this.gate = new UpgradeGate(settings);
        this.budget = new ConnectionBudget(settings.limits().maxPendingConnections());
    }

    /** @return the settings this hub runs with */
    public HubSettings settings() {
        return settings;
    }

    /** @return how this hub federates ({@link FederationSettings#OFF} when it does not) */
    public FederationSettings federationSettings() {
        return federationSettings;
    }

    /** @return whether this hub's dumplings go through NATS now (false when not federating, or NATS is away) */
    public boolean isFederating() {
        NatsFederation link = federation;
        return link != null && link.isFederating();
    }

    /** @return the link to the other hubs (its counters), or null when not federating */
    public NatsFederation federation() {
        return federation;
    }

    /**
     * Binds both ports and starts serving; returns once both listen.
     *
     * @throws HubStartException     with a one-line message such as {@code cannot listen on
     *                               localhost:11347: address already in use}; the hub is then
     *                               closed
     * @throws IllegalStateException if called twice, or after {@link #close()}
     */
    public synchronized void start() {
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException("the hub is " + state.get().name().toLowerCase(Locale.ROOT)
                    + "; it can be started only once");
        }
        // Before Jetty: it runs the status dumplings and the clients' hello deadlines.
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "nd-hub-timer");
            t.setDaemon(true);
            return t;
        });
        flusher = new EaterFlusher("nd-hub-flusher", EaterFlusher.DEFAULT_GRACE);
        // Threads are made only when an eater asks for history.
        historyThreads = Executors.newFixedThreadPool(4, runnable -> {
            Thread t = new Thread(runnable, "nd-hub-history");
            t.setDaemon(true);
            return t;
        });
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Jetty finds some of its parts with ServiceLoader through the context class loader:
        // inside OSGi that must be this bundle's, where Jetty is embedded.
        thread.setContextClassLoader(HubServer.class.getClassLoader());
        try {
            startJetty();
        } catch (HubStartException e) {
            timer.shutdownNow();
            flusher.close();
            stopJetty();
            state.set(State.CLOSED);
            throw e;
        } catch (Exception e) {
            timer.shutdownNow();
            flusher.close();
            stopJetty();
            state.set(State.CLOSED);
            throw new HubStartException("cannot start the hub: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        if (federationSettings.enabled()) {
            startFederation();
        }

        startNanos = System.nanoTime();
        long periodNanos = settings.statusInterval().toNanos();
        timer.scheduleAtFixedRate(this::sendStatus, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        // Stalled eaters are looked for a few times per stall timeout, at most once a second.
        long stallCheckNanos = Math.min(TimeUnit.SECONDS.toNanos(1), Math.max(1, settings.eaterStallTimeout().toNanos() / 4));
        timer.scheduleAtFixedRate(this::closeStalledEaters, stallCheckNanos, stallCheckNanos, TimeUnit.NANOSECONDS);
        long headerCheckNanos = Math.min(TimeUnit.SECONDS.toNanos(1),
                Math.max(1, settings.limits().requestHeaderTimeout().toNanos() / 4));
        timer.scheduleAtFixedRate(this::closeSlowRequests, headerCheckNanos, headerCheckNanos, TimeUnit.NANOSECONDS);
        timer.scheduleAtFixedRate(this::acknowledge, ACK_INTERVAL.toNanos(), ACK_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
        state.set(State.STARTED);
        LOG.info("hub listening on {}:{} for kitchens and {}:{} for eaters", settings.address(), kitchenPort(),
                settings.address(), eaterPort());
        exposure().ifPresent(LOG::warn);
    }

    private void startFederation() {
        String name = federationSettings.hubName();
        if (name == null) {
            try {
                name = InetAddress.getLocalHost().getHostName() + ":" + eaterPort();
            } catch (UnknownHostException e) {
                name = settings.address() + ":" + eaterPort();
            }
        }
        NatsFederation link = new NatsFederation(federationSettings, name, new NatsFederation.Sink() {
            @Override
            public void deliver(ByteBuffer json, long offset, String chefToken) {
                publishFromStream(json, offset, chefToken);
            }

            @Override
            public void epochChanged() {
                for (EaterEndpoint eater : eaters) {
                    eater.liveFrom(0);
                }
            }
        });
        try {
            link.start();
        } catch (RuntimeException e) {
            link.close();
            timer.shutdownNow();
            flusher.close();
            stopJetty();
            state.set(State.CLOSED);
            throw new HubStartException("cannot federate: " + e.getMessage(), e);
        }
        federation = link;
    }

    /**
     * @return a warning when the hub listens beyond this machine without a token on a port:
     *         anyone who reaches it could publish, or read every dumpling (empty otherwise)
     */
    Optional<String> exposure() {
        boolean loopbackOnly;
        try {
            InetAddress[] addresses = InetAddress.getAllByName(settings.address());
            loopbackOnly = Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
        } catch (UnknownHostException e) {
            loopbackOnly = false; // Jetty bound it, so it resolved a moment ago; warn rather than not
        }
        HubSecurity security = settings.security();
        List<String> open = new ArrayList<>();
        if (security.kitchenToken() == null) {
            open.add("kitchen_token (anyone reaching port " + kitchenPort() + " can publish dumplings)");
        }
        if (security.eaterToken() == null) {
            open.add("eater_token (anyone reaching port " + eaterPort() + " can read every dumpling)");
        }
        if (loopbackOnly || open.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("hub listens on " + settings.address() + ", beyond this machine, without "
                + String.join(" and without ", open) + "; set them (nd-hub --kitchen-token-file/--eater-token-file)");
    }

    private void startJetty() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("nd-hub");
        // Like the status timer: an embedded hub someone forgot to close must not keep the JVM alive.
        threads.setDaemon(true);
        server = new Server(threads);
        server.setStopTimeout(CLOSE_WAIT.toMillis());
        kitchenConnector = connector("kitchens", settings.kitchenPort());
        eaterConnector = connector("eaters", settings.eaterPort());
        // Bind now, one by one, to say exactly which port failed (start() would not rebind).
        open(kitchenConnector, settings.kitchenPort());
        open(eaterConnector, settings.eaterPort());
        server.addConnector(kitchenConnector);
        server.addConnector(eaterConnector);

        WebSocketUpgradeHandler upgrade = new WebSocketUpgradeHandler(
                WebSocketServerComponents.ensureWebSocketComponents(server));
        var config = upgrade.getConfiguration();
        config.setMaxTextMessageSize(settings.maxMessageBytes());
        config.setMaxBinaryMessageSize(settings.maxMessageBytes());
        // A single frame over the limit is refused by Jetty's parser before it is read.
        config.setMaxFrameSize(settings.maxMessageBytes());
        // The protocol has no keep-alive duty: a kitchen with nothing to say stays connected.
        config.setIdleTimeout(Duration.ZERO);
        // Room for many batched dumplings per write to an eater (see EaterFlusher).
        config.setOutputBufferSize(OUTPUT_BUFFER_BYTES);
        // The request path is ignored, as by the original hub.
        upgrade.addMapping("/*", negotiator());
        // A plain HTTP request (not an upgrade) falls through to the dashboard: the page on
        // the eater port, 404 for anything else and on the kitchen port.
        ServerConnector eaters = eaterConnector;
        upgrade.setHandler(new DashboardHandler(request -> request.getConnectionMetaData().getConnector() == eaters,
                settings.security().failoverHubs()));
        // The Host check comes first, on both ports, for upgrades and plain requests alike.
        hostCheck = new HostCheck(upgrade, settings.address(), settings.security().allowedHosts(), refusedWarning);
        server.setHandler(hostCheck);
        server.start();
    }

    private ServerConnector connector(String name, int port) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector;
        if (settings.security().tls()) {
            // wss:// only: a plain client's handshake fails, it never gets through unencrypted.
            http.addCustomizer(new SecureRequestCustomizer(false));
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(settings.security().tlsKeystore().toString());
            if (settings.security().tlsKeystorePassword() != null) {
                tls.setKeyStorePassword(settings.security().tlsKeystorePassword());
            }
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        }
        connector.setName(name);
        // Counts the connection from its accept (accept listener) and finds its socket (connection listener).
        connector.addBean(budget);
        connector.addEventListener(budget);
        connector.setHost(settings.address());
        connector.setPort(port);
        return connector;
    }

    private void open(ServerConnector connector, int port) {
        try {
            connector.open();
        } catch (IOException | RuntimeException e) {
            throw cannotListen(settings.address(), port, e);
        }
    }

    /**
     * Checks that a port on an address can be listened on now, without keeping it: how a
     * running hub refuses a configuration it could not bind before closing its listeners.
     *
     * @param address a host name or address
     * @param port    the port; 0 (any free port) always passes
     * @throws HubStartException with the same one line as {@link #start()} would give
     */
    static void probe(String address, int port) {
        if (port == 0) {
            return;
        }
        // Bound as Jetty binds (an NIO channel, SO_REUSEADDR), so it fails as Jetty would.
        try (java.nio.channels.ServerSocketChannel channel = java.nio.channels.ServerSocketChannel.open()) {
            channel.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new java.net.InetSocketAddress(address, port));
        } catch (IOException | RuntimeException e) {
            throw cannotListen(address, port, e);
        }
    }

    private static HubStartException cannotListen(String address, int port, Throwable e) {
        return new HubStartException("cannot listen on " + address + ":" + port + ": " + why(e), e);
    }

    private static String why(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof BindException) {
                break;
            }
            root = root.getCause();
        }
        if (root instanceof UnresolvedAddressException) {
            return "unknown host";
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            return root.getClass().getSimpleName();
        }
        // "Address already in use" -> "address already in use", as in a sentence.
        return message.length() > 1 && Character.isUpperCase(message.charAt(0)) && Character.isLowerCase(message.charAt(1))
                ? Character.toLowerCase(message.charAt(0)) + message.substring(1)
                : message;
    }

    private WebSocketNegotiator negotiator() {
        return (request, response, callback) -> {
            if (state.get() != State.STARTED && state.get() != State.STARTING) {
                // Returning null means "handled": the callback must be completed here.
                Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
                return null;
            }
            // Every open connection counts from its accept, this one's too.
            int refusal = gate.refusal(request, Math.max(connections.size(), budget.open() - 1));
            if (refusal != 0) {
                refusedUpgrades.increment();
                refusedWarning.warn("refused a connection from {}: HTTP {} ({})",
                        Request.getRemoteAddr(request), refusal, refusal == HttpStatus.FORBIDDEN_403
                                ? "origin " + request.getHeaders().get(HttpHeader.ORIGIN) + " not allowed"
                                : "over max_connections " + settings.maxConnections());
                Response.writeError(request, response, callback, refusal);
                return null;
            }
            Connector connector = request.getConnectionMetaData().getConnector();
            HubEndpoint handler;
            String token;
            if (connector == kitchenConnector) {
                handler = new KitchenEndpoint(this, settings.maxMessageBytes());
                token = settings.security().kitchenToken();
            } else if (connector == eaterConnector) {
                handler = new EaterEndpoint(this, flusher, settings.maxMessageBytes(), settings.eaterQueueLimit(),
                        settings.eaterQueueBytes());
                token = settings.security().eaterToken();
            } else {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return null;
            }
            handler.requireToken(token, token == null ? null : UpgradeGate.presentedToken(request));
            budget.upgraded(request.getConnectionMetaData().getLocalSocketAddress(),
                    request.getConnectionMetaData().getRemoteSocketAddress());
            return handler;
        };
    }

    /**
     * @return the port kitchens connect to (the bound one when 0 was asked for)
     * @throws IllegalStateException if the hub was never started
     */
    public int kitchenPort() {
        return localPort(kitchenConnector);
    }

    /**
     * @return the port eaters connect to (the bound one when 0 was asked for)
     * @throws IllegalStateException if the hub was never started
     */
    public int eaterPort() {
        return localPort(eaterConnector);
    }

    private static int localPort(ServerConnector connector) {
        if (connector == null) {
            throw new IllegalStateException("the hub was not started");
        }
        return connector.getLocalPort();
    }

    /** @return whether the hub serves clients now */
    public boolean isRunning() {
        return state.get() == State.STARTED;
    }

    /** @return a snapshot of the counters and of the connected clients */
    public HubStatistics statistics() {
        long drops = departedEaterDrops.sum();
        List<HubStatistics.EaterStatistics> eaterStats = new ArrayList<>();
        for (EaterEndpoint eater : eaters) {
            HubStatistics.EaterStatistics s = eater.statistics();
            eaterStats.add(s);
            drops += s.dropped();
        }
        List<HubStatistics.KitchenStatistics> kitchenStats = new ArrayList<>();
        for (KitchenEndpoint kitchen : kitchens) {
            kitchenStats.add(kitchen.statistics());
        }
        return new HubStatistics(uptime(), dumplingsIn.sum(), dumplingsOut.sum(), invalidFrames.sum(),
                drops, kitchenStats, eaterStats);
    }

    private Duration uptime() {
        return startNanos == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Closes gracefully: refuses new clients, closes kitchens with 1001 and forwards what they
     * sent until their close handshake, then closes every other client with 1001 once what
     * was already accepted for it is written (each phase waits up to 3 s), then stops Jetty.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (state.compareAndSet(State.NEW, State.CLOSED)) {
            return;
        }
        if (!state.compareAndSet(State.STARTED, State.CLOSING)) {
            return;
        }
        timer.shutdownNow();
        historyThreads.shutdownNow();
        // Kitchens first, while eaters are still served. A kitchen that asked for
        // acknowledgements gets a last one before the close; it resends what that one does
        // not cover (what crossed our close frame) to the next hub.
        List<CompletableFuture<Void>> kitchensClosing = new ArrayList<>();
        for (KitchenEndpoint kitchen : kitchens) {
            kitchen.sendAck();
            kitchensClosing.add(kitchen.close(HubEndpoint.GOING_AWAY, "hub shutting down"));
        }
        awaitClosed(kitchensClosing);
        NatsFederation link = federation;
        if (link != null) {
            // What the kitchens sent last comes back from the stream to the eaters first.
            link.awaitCaughtUp(CLOSE_WAIT);
            link.close();
        }
        // Then everyone else; what was accepted for an eater is written before its close frame.
        List<CompletableFuture<Void>> othersClosing = new ArrayList<>();
        for (HubEndpoint connection : connections) {
            othersClosing.add(connection.close(HubEndpoint.GOING_AWAY, "hub shutting down"));
        }
        awaitClosed(othersClosing);
        // Only now: eaters' close frames flushed what was batched for them.
        flusher.close();
        stopJetty();
        state.set(State.CLOSED);
        HubStatistics stats = statistics();
        LOG.info("hub stopped after {}: {} dumplings in, {} out, {} invalid, {} dropped for slow eaters",
                stats.uptime(), stats.dumplingsIn(), stats.dumplingsOut(), stats.invalidFrames(), stats.eaterDrops());
    }

    /**
     * Stops as a crash would, as far as kitchens can tell: their connections are cut at
     * once, with no close frame and no last acknowledgement, and what they sent that was not
     * read yet is lost; then closes like {@link #close()} (eaters get what was accepted for
     * them). For fault drills and tests of what kitchens do when their hub dies.
     */
    public void abortKitchens() {
        if (state.get() != State.STARTED) {
            return;
        }
        timer.shutdownNow(); // no acknowledgement after this point
        for (KitchenEndpoint kitchen : kitchens) {
            kitchen.abort();
        }
        ServerConnector k = kitchenConnector;
        if (k != null) {
            for (org.eclipse.jetty.io.EndPoint endPoint : k.getConnectedEndPoints()) {
                endPoint.close();
            }
        }
        close();
    }

    private void awaitClosed(List<CompletableFuture<Void>> closing) {
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn("{} clients did not finish closing within {}", connections.size(), CLOSE_WAIT);
        } catch (ExecutionException e) {
            LOG.debug("closing a client failed", e);
        }
    }

    private void stopJetty() {
        if (server == null) {
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(HubServer.class.getClassLoader());
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the hub's Jetty failed", e);
        } finally {
            thread.setContextClassLoader(previous);
            // Connectors opened by hand and never added to a started server are closed here.
            if (kitchenConnector != null) {
                kitchenConnector.close();
            }
            if (eaterConnector != null) {
                eaterConnector.close();
            }
        }
    }

    // ---- called by the endpoints -------------------------------------------------------

    Logger log() {
        return LOG;
    }

    void connected(HubEndpoint connection) {
        connections.add(connection);
        State now = state.get();
        if (now == State.CLOSING || now == State.CLOSED) {
            connection.close(HubEndpoint.GOING_AWAY, "hub shutting down");
            return;
        }
        try {
            // A connection that never says hello would otherwise stay forever (no idle timeout).
            timer.schedule(() -> {
                if (!connection.hasSaidHello() && !connection.isDisconnected()) {
                    LOG.warn("client at {}:{} sent no hello within {}, closing", connection.host(), connection.port(),
                            helloTimeout);
                    connection.close(HubEndpoint.SERVER_ERROR, "no hello within " + helloTimeout.toSeconds() + " s");
                }
            }, helloTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing: the connection is closed with the others.
        }
    }

    void disconnected(HubEndpoint connection) {
        connections.remove(connection);
        if (connection instanceof KitchenEndpoint kitchen) {
            kitchens.remove(kitchen);
        } else if (connection instanceof EaterEndpoint eater) {
            boolean left = joining.remove(eater) | eaters.remove(eater);
            if (left) {
                departedEaterDrops.add(eater.dropped());
                wantedChanged();
            }
        }
    }

    void kitchenJoined(KitchenEndpoint kitchen) {
        kitchens.add(kitchen);
        // onClosed may have run meanwhile (an aborted connection): do not keep a ghost.
        if (kitchen.isDisconnected()) {
            kitchens.remove(kitchen);
            return;
        }
        LOG.info("kitchen {} joined from {}:{}", kitchen.hello().kitchenName(), kitchen.host(), kitchen.port());
    }

    /**
     * An eater said hello. When federating, it is let in once what the hub reads from NATS
     * covers its chefs ({@link NatsFederation#want}): at once unless it wants chefs the hub
     * does not read now.
     */
    void eaterJoined(EaterEndpoint eater) {
        NatsFederation link = federation;
        if (link == null) {
            letIn(eater);
            return;
        }
        joining.add(eater);
        wantedChanged().thenRun(() -> {
            if (joining.remove(eater)) {
                letIn(eater);
            }
        });
    }

    /**
     * Tells the federation the union of what this hub's eaters (joining ones too) want; one
     * caller at a time, so that the last word is the latest membership.
     */
    private synchronized CompletableFuture<Void> wantedChanged() {
        NatsFederation link = federation;
        if (link == null) {
            return CompletableFuture.completedFuture(null);
        }
        ChefFilter union = ChefFilter.NONE;
        for (EaterEndpoint e : eaters) {
            union = union.union(e.chefs());
        }
        for (EaterEndpoint e : joining) {
            union = union.union(e.chefs());
        }
        return link.want(union);
    }

    private void letIn(EaterEndpoint eater) {
        History history = history();
        if (history != null) {
            // Live from here: after a switch of what the hub reads, dumplings published
            // before it may still come for the eaters that were there (see NatsFederation).
            eater.liveFrom(history.lastOffset());
        }
        EaterBackfill backfill = backfillFor(eater);
        eaters.add(eater);
        if (eater.isDisconnected()) {
            eaters.remove(eater);
            return;
        }
        LOG.info("eater {} joined from {}:{}{}", eater.hello().eaterName(), eater.host(), eater.port(),
                eater.chefs().isAll() ? "" : " for " + eater.chefs());
        if (backfill != null) {
            try {
                historyThreads.execute(backfill::run);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Closing: the eater is closed with the others.
            }
        }
    }

    /** @return the history replay the eater's hello asks for (already set on it), or null */
    private EaterBackfill backfillFor(EaterEndpoint eater) {
        HistoryRequest request;
        String invalid = null;
        try {
            request = HistoryRequest.fromHello(eater.helloFields());
        } catch (IllegalArgumentException e) {
            request = null;
            invalid = e.getMessage();
        }
        if (request == null && invalid == null) {
            return null;
        }
        EaterBackfill backfill = new EaterBackfill(eater, history(), request, invalid, settings.eaterQueueLimit());
        eater.backfill(backfill);
        return backfill;
    }

    void invalidFrame(KitchenEndpoint kitchen, String why) {
        invalidFrames.increment();
        droppedWarning.warn("dropped an invalid dumpling from kitchen {} at {}:{}: {}",
                kitchen.hello().kitchenName(), kitchen.host(), kitchen.port(), why);
    }

    /**
     * Forwards one valid dumpling from a kitchen to every eater: when federating, through
     * NATS (it comes back by {@link #publishFromStream}, as every hub's do), else directly.
     *
     * @param json    the dumpling exactly as the kitchen sent it
     * @param kitchen the kitchen's name, from its hello
     * @param chef    the dumpling's chef
     */
    void publishFromKitchen(ByteBuffer json, String kitchen, String chef) {
        State now = state.get();
        // CLOSING too: kitchens are closed before eaters, and what they sent until then counts.
        if (now != State.STARTED && now != State.CLOSING) {
            return;
        }
        dumplingsIn.increment();
        NatsFederation link = federation;
        if (link != null && link.publish(json, kitchen, chef)) {
            return;
        }
        String chefToken = Subjects.token(chef);
        RingHistory history = ring;
        if (history != null) {
            history.append(Offsets.bytesOf(json), chefToken, this::publishFromStream);
        } else {
            publish(json, 0, eaters, chefToken);
        }
    }

    /** @return where eaters' history comes from, or null when this hub keeps none */
    History history() {
        NatsFederation link = federation;
        return link != null ? link : ring;
    }

    /** A dumpling of the history (any federated hub's, or the ring's) to every eater of this one that wants it. */
    private void publishFromStream(ByteBuffer json, long offset, String chefToken) {
        State now = state.get();
        if (now == State.STARTED || now == State.CLOSING) {
            publish(json, offset, eaters, chefToken);
        }
    }

    /**
     * @param offset    the dumpling's offset in the history, 0 for none
     * @param chefToken its chef's subject token, to match eaters' chef filters; null for
     *                  the hub's own dumplings, which every eater gets
     */
    private void publish(ByteBuffer json, long offset, Iterable<EaterEndpoint> to, String chefToken) {
        int sent = 0;
        for (EaterEndpoint eater : to) {
            if (eater.send(json, offset, chefToken)) {
                sent++;
            }
        }
        dumplingsOut.add(sent);
    }

    private void closeStalledEaters() {
        try {
            long now = System.nanoTime();
            for (EaterEndpoint eater : eaters) {
                eater.closeIfStalled(now, settings.eaterStallTimeout());
            }
        } catch (RuntimeException e) {
            LOG.error("cannot check for stalled eaters", e);
        }
    }

    /** @return upgrade requests refused (foreign origin, too many connections) */
    long refusedUpgrades() {
        return refusedUpgrades.sum();
    }

    /** @return requests refused because their Host is not this hub */
    long refusedHosts() {
        HostCheck check = hostCheck;
        return check == null ? 0 : check.refused();
    }

    /** @return connections open now, both ports, counted from their accept */
    int openConnections() {
        return budget.open();
    }

    /** @return connections open now that have not said hello */
    int pendingConnections() {
        return budget.pending();
    }

    /** @return connections without hello closed to make room for newer ones, or for a slow request */
    long closedPendingConnections() {
        return budget.evicted() + budget.headerTimeouts();
    }

    /** @return eaters closed because all eaters' queues together held too many bytes */
    long eatersDropped() {
        return eatersShed.sum();
    }

    /** @return bytes waiting to be written to all eaters together */
    long eaterQueuedBytes() {
        return eaterQueuedBytes.get();
    }

    void saidHello(HubEndpoint connection) {
        CoreSession session = connection.session();
        if (session != null) {
            budget.saidHello(session.getLocalAddress(), session.getRemoteAddress());
        }
    }

    private void acknowledge() {
        try {
            for (KitchenEndpoint kitchen : kitchens) {
                kitchen.sendAck();
            }
        } catch (RuntimeException e) {
            LOG.error("cannot acknowledge kitchens' dumplings", e);
        }
    }

    private void closeSlowRequests() {
        try {
            budget.closeSlowRequests(System.nanoTime(), settings.limits().requestHeaderTimeout());
        } catch (RuntimeException e) {
            LOG.error("cannot check for slow requests", e);
        }
    }

    /**
     * An eater's queue takes {@code bytes} more (negative: gives them back).
     *
     * @return whether the total is within the hub's bound after it
     */
    boolean queueBytes(long bytes) {
        long total = eaterQueuedBytes.addAndGet(bytes);
        return bytes <= 0 || total <= settings.limits().totalEaterQueueBytes();
    }

    /**
     * All eaters together hold more than the bound: closes the eaters with the most unwritten
     * bytes, first, until the rest holds at most 3/4 of it. Runs on the timer thread, once at
     * a time; called from the hot path, so it only schedules.
     */
    void overEaterQueueBound() {
        if (!shedding.compareAndSet(false, true)) {
            return;
        }
        try {
            timer.execute(() -> {
                try {
                    shedSlowestEaters();
                } catch (RuntimeException e) {
                    LOG.error("cannot drop slow eaters", e);
                } finally {
                    shedding.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            shedding.set(false); // closing
        }
    }

    private void shedSlowestEaters() {
        long bound = settings.limits().totalEaterQueueBytes();
        long target = bound - bound / 4;
        List<EaterEndpoint> bySize = new ArrayList<>(eaters);
        bySize.sort(java.util.Comparator.comparingLong(EaterEndpoint::pendingBytes).reversed());
        // The closed eaters' bytes come back when Jetty fails their writes: count them off here.
        long remaining = eaterQueuedBytes.get();
        for (EaterEndpoint eater : bySize) {
            if (remaining <= target) {
                break;
            }
            long bytes = eater.pendingBytes();
            if (bytes == 0) {
                break;
            }
            if (eater.closeAsTooSlow(bound)) {
                eatersShed.increment();
                remaining -= bytes;
            }
        }
    }

    // ---- status dumplings --------------------------------------------------------------

    private void sendStatus() {
        try {
            if (state.get() != State.STARTED) {
                return;
            }
            // Sent to exactly the eaters it lists: one that joins meanwhile gets the next one,
            // never a status that does not count it.
            List<EaterEndpoint> to = List.copyOf(eaters);
            NatsFederation link = federation;
            if (link != null) {
                Map<String, Object> ours = statusPayload(to, List.of());
                ours.keySet().retainAll(
                        Set.of("dumpling_kitchens", "dumpling_eaters", "dumpling_kitchens_more", "dumpling_eaters_more"));
                link.shareStatus(ours, settings.statusInterval());
            }
            Dumpling status = new Dumpling(STATUS_CHEF, null, System.currentTimeMillis() / 1000.0,
                    DumplingDriver.INTERVAL, statusPayload(to));
            publish(ByteBuffer.wrap(DumplingJson.toJsonBytes(status)), 0, to, null);
        } catch (RuntimeException e) {
            // Never let an exception cancel the periodic task.
            LOG.error("cannot send the hub's status dumpling", e);
        }
    }

    /** @return the payload of a status dumpling, keys in the original's order */
    Map<String, Object> statusPayload() {
        return statusPayload(eaters);
    }

    private Map<String, Object> statusPayload(List<EaterEndpoint> eaters) {
        NatsFederation link = federation;
        return statusPayload(eaters, link == null ? List.of() : link.remoteStatuses());
    }

    /**
     * @param remote the other hubs' summaries (federation): their kitchens and eaters are
     *               listed after this hub's, each marked with its hub's name
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> statusPayload(List<EaterEndpoint> eaters, List<Map<String, Object>> remote) {
        NatsFederation link = federation;
        String hubName = link == null ? null : link.hubName();
        // Bounded (issue 11): at most statusListLimit entries per list, and of hellos of at most
        // a quarter of the largest message per list, so the status always fits in one message
        // and its cost stays linear in the connections; the rest is counted (*_more).
        int limit = settings.limits().statusListLimit();
        long helloBudget = settings.maxMessageBytes() / 4;
        int kitchenCount = 0;
        int eaterCount = 0;
        long kitchenBytes = 0;
        long eaterBytes = 0;
        List<Map<String, Object>> kitchenInfo = new ArrayList<>();
        for (KitchenEndpoint kitchen : kitchens) {
            kitchenCount++;
            kitchenBytes += kitchen.helloBytes();
            if (kitchenInfo.size() >= limit || kitchenBytes > helloBudget) {
                continue;
            }
            Map<String, Object> info = clientInfo("info_from_kitchen", kitchen.helloFields(), kitchen);
            if (hubName != null) {
                ((Map<String, Object>) info.get("info_from_hub")).put("hub", hubName);
            }
            kitchenInfo.add(info);
        }
        List<Map<String, Object>> eaterInfo = new ArrayList<>();
        for (EaterEndpoint eater : eaters) {
            eaterCount++;
            eaterBytes += eater.helloBytes();
            if (eaterInfo.size() >= limit || eaterBytes > helloBudget) {
                continue;
            }
            Map<String, Object> info = clientInfo("info_from_eater", eater.helloFields(), eater);
            // Additive: what this eater lost because it could not keep up.
            Map<String, Object> fromHub = (Map<String, Object>) info.get("info_from_hub");
            fromHub.put("dropped", eater.dropped());
            if (hubName != null) {
                fromHub.put("hub", hubName);
            }
            eaterInfo.add(info);
        }
        for (Map<String, Object> other : remote) {
            if (other.get("dumpling_kitchens") instanceof List<?> list) {
                for (Object k : list) {
                    kitchenCount++;
                    if (kitchenInfo.size() < limit) {
                        kitchenInfo.add((Map<String, Object>) k);
                    }
                }
                kitchenCount += countOfMore(other.get("dumpling_kitchens_more"));
            }
            if (other.get("dumpling_eaters") instanceof List<?> list) {
                for (Object e : list) {
                    eaterCount++;
                    if (eaterInfo.size() < limit) {
                        eaterInfo.add((Map<String, Object>) e);
                    }
                }
                eaterCount += countOfMore(other.get("dumpling_eaters_more"));
            }
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("total_dumplings_in", dumplingsIn.sum());
        payload.put("total_dumplings_out", dumplingsOut.sum());
        payload.put("server_uptime", uptime().toNanos() / 1e9);
        payload.put("dumpling_kitchen_count", kitchenCount);
        payload.put("dumpling_eater_count", eaterCount);
        payload.put("dumpling_kitchens", kitchenInfo);
        payload.put("dumpling_eaters", eaterInfo);
        // Additive (issue 11): what the lists leave out, and what was lost for slow eaters.
        payload.put("dumpling_kitchens_more", kitchenCount - kitchenInfo.size());
        payload.put("dumpling_eaters_more", eaterCount - eaterInfo.size());
        long drops = departedEaterDrops.sum();
        for (EaterEndpoint eater : this.eaters) {
            drops += eater.dropped();
        }
        payload.put("total_dumplings_dropped", drops);
        payload.put("total_eaters_dropped", eatersShed.sum());
        return payload;
    }

    private static int countOfMore(Object more) {
        return more instanceof Number n ? Math.max(0, n.intValue()) : 0;
    }

    private static Map<String, Object> clientInfo(String helloKey, Map<String, Object> hello, HubEndpoint client) {
        Map<String, Object> fromHub = new LinkedHashMap<>();
        fromHub.put("host", client.host());
        fromHub.put("port", client.port());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put(helloKey, hello);
        info.put("info_from_hub", fromHub);
        return info;
    }
}
