package netdumplings.kitchen.internal.uplink;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

/**
 * The WebSocket client of one {@link HubSender}: Jetty's core WebSocket client over an
 * {@link HttpClient} of its own, opening {@link HubConnection}s to the hub's kitchen port.
 * Started and stopped with the sender.
 * <p>
 * Its threads are few, daemons and named {@code nd-hub-client-<name>-...}: a kitchen
 * shares two cores with its capture, and one connection needs a selector, a thread now and
 * then for a callback or a lookup of the hub's address, and a scheduler for the timeouts.
 * <p>
 * {@code wss://} uses the JDK's default trust (its {@code cacerts}, or the trust store
 * named by the {@code javax.net.ssl.trustStore} system properties) and checks the hub's
 * host name, as Jetty's client does when given nothing else.
 */
public final class HubClient implements AutoCloseable {

    /** Default bound on opening a connection: TCP, TLS and the upgrade together. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Largest message (and frame) taken from the hub, which sends kitchens only control
     * frames: anything bigger fails the connection.
     */
    static final int MAX_INCOMING_BYTES = 64 * 1024;
    /**
     * Jetty gathers batched frames into an output buffer this big, and writes it when full
     * or flushed: a sender's batch (up to {@value HubSender#BATCH_BYTES} bytes) thus leaves
     * in a few writes. Frames of more than a quarter of it are written on their own.
     */
    static final int OUTPUT_BUFFER_BYTES = 64 * 1024;
    /** Threads of the pool at most: the selector takes one. */
    static final int MAX_THREADS = 4;
    /** Waiting this much longer than the connect timeout for Jetty to report is only a backstop. */
    private static final long BACKSTOP_MILLIS = 5_000;

    private final WebSocketCoreClient client;
    private final Duration connectTimeout;
    private final Duration writeTimeout;
    private final Configuration.ConfigurationCustomizer configuration = new Configuration.ConfigurationCustomizer();

    /**
     * @param name           names the threads ({@code nd-hub-client-<name>})
     * @param connectTimeout bounds opening a connection
     * @param writeTimeout   a frame not written within this time (a hub that stopped
     *                       reading) fails the connection
     */
    public HubClient(String name, Duration connectTimeout, Duration writeTimeout) {
        requireNonNull(name, "name");
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout");
        this.writeTimeout = requireNonNull(writeTimeout, "writeTimeout");
        String threadName = "nd-hub-client-" + name;
        // No reserved threads: they would only idle, the pool being this small.
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 1, 60_000, 0, null, null);
        threads.setName(threadName);
        threads.setDaemon(true);
        threads.setStopTimeout(1_000);
        ByteBufferPool buffers = new ArrayByteBufferPool();
        ClientConnector connector = new ClientConnector();
        HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setName(threadName);
        http.setExecutor(threads);
        http.setScheduler(new ScheduledExecutorScheduler(threadName + "-scheduler", true));
        http.setByteBufferPool(buffers);
        http.setConnectTimeout(connectTimeout.toMillis());
        // The hub answers the upgrade or refuses it: anything else is a refusal.
        http.setFollowRedirects(false);
        this.client = new WebSocketCoreClient(http, new WebSocketComponents(null, null, buffers, null, null, threads));
        // No idle timeout: a kitchen may have nothing to send for long, and the hub sends
        // kitchens nothing; a hub that stopped reading is caught by the write timeout.
        configuration.setIdleTimeout(Duration.ZERO);
        configuration.setMaxFrameSize(MAX_INCOMING_BYTES);
        configuration.setMaxTextMessageSize(MAX_INCOMING_BYTES);
        configuration.setMaxBinaryMessageSize(MAX_INCOMING_BYTES);
        configuration.setOutputBufferSize(OUTPUT_BUFFER_BYTES);
    }

    /**
     * Starts the client's threads.
     *
     * @throws IllegalStateException if Jetty cannot start
     */
    public void start() {
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the hub client: " + e, e);
        }
    }

    /**
     * Opens a connection: TCP (trying each of the host's addresses), TLS for {@code wss://},
     * then the upgrade, all within the connect timeout.
     *
     * @param uri   {@code ws://} or {@code wss://} address of the hub's kitchen port
     * @param token sent as {@code Authorization: Bearer}, or null
     * @return the open connection
     * @throws IOException if the hub cannot be reached in time or refuses the upgrade
     */
    public HubConnection connect(URI uri, String token) throws IOException {
        requireNonNull(uri, "uri");
        HubConnection connection = new HubConnection(uri, writeTimeout, MAX_INCOMING_BYTES);
        CoreClientUpgradeRequest upgrade;
        try {
            upgrade = new CoreClientUpgradeRequest(client, uri) {
                @Override
                public FrameHandler getFrameHandler() {
                    return connection;
                }
            };
        } catch (IllegalArgumentException e) {
            throw new IOException("not a ws:// or wss:// address: " + uri, e);
        }
        upgrade.timeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        upgrade.setConfiguration(configuration);
        if (token != null) {
            upgrade.headers(headers -> headers.put(HttpHeader.AUTHORIZATION, "Bearer " + token));
        }
        CompletableFuture<CoreSession> opened = client.connect(upgrade);
        try {
            opened.get(connectTimeout.toMillis() + BACKSTOP_MILLIS, TimeUnit.MILLISECONDS);
            return connection;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
        } catch (TimeoutException e) {
            opened.cancel(true); // aborts the request
            throw new IOException("no connection to " + uri + " within " + connectTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            opened.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting to " + uri);
        }
    }

    /** Stops the client: its connections are cut, its threads end. */
    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // Stopping anyway: the threads are daemons.
        }
    }
}
