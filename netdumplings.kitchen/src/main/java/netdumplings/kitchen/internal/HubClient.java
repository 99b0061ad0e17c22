package netdumplings.kitchen.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
final class HubClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);

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
    /** How long a failed write waits for what the hub sent to be read (see HubSocket). */
    static final long READ_BEFORE_CLOSE_MILLIS = 200;
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
    HubClient(String name, Duration connectTimeout, Duration writeTimeout) {
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
        ClientConnector connector = new ClientConnector() {
            @Override
            protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
                return channel instanceof SocketChannel socket ? new HubSocket(socket, selector, key, getScheduler())
                        : super.newEndPoint(channel, selector, key);
            }
        };
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
    void start() {
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
    HubConnection connect(URI uri, String token) throws IOException {
        requireNonNull(uri, "uri");
        HubConnection connection = new HubConnection(uri, writeTimeout, MAX_INCOMING_BYTES);
        CoreClientUpgradeRequest upgrade;
        try {
            upgrade = new CoreClientUpgradeRequest(client, uri) {
                @Override
                public FrameHandler getFrameHandler() {
                    return connection;
                }

                @Override
                protected void customize(EndPoint endPoint) {
                    EndPoint socket = endPoint;
                    while (socket instanceof EndPoint.Wrapper wrapper) { // TLS
                        socket = wrapper.unwrap();
                    }
                    if (socket instanceof HubSocket hubSocket) {
                        hubSocket.connection = connection;
                    }
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

    /**
     * A connection's socket: Jetty's, but for one thing. When a write fails, Jetty closes
     * the socket at once, and what the hub sent that was not read yet is lost: above all
     * the hub's close frame, whose reason says how many messages it counted. And our hub
     * closes kitchens with 1001, which Jetty's server side makes abortive: the hub resets
     * the connection right after its close frame, so the write that fails on that reset
     * often comes while the frame is still unread (TCP delivers it before the reset). So a
     * failed write first waits, up to {@value #READ_BEFORE_CLOSE_MILLIS} ms, while the hub
     * sent bytes that Jetty has not read, or has read but not yet handed to the connection
     * as a frame, unless the hub's close arrived or the connection ended. (The hand-written
     * client's reader went on reading after a failed write.)
     */
    static final class HubSocket extends SocketChannelEndPoint {

        /** Set once upgraded, before any frame; null on the plain HTTP exchange before. */
        volatile HubConnection connection;
        /** When bytes were last read from the socket ({@link System#nanoTime()}). */
        private volatile long lastFill;
        private InputStream input;

        HubSocket(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
            super(channel, selector, key, scheduler);
        }

        @Override
        public int fill(ByteBuffer buffer) throws IOException {
            int n = super.fill(buffer);
            if (n > 0) {
                lastFill = System.nanoTime();
            }
            return n;
        }

        @Override
        public boolean flush(ByteBuffer... buffers) throws IOException {
            try {
                return super.flush(buffers);
            } catch (IOException e) {
                HubConnection c = connection;
                if (c != null) {
                    awaitUnread(c);
                }
                throw e;
            }
        }

        private void awaitUnread(HubConnection c) {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(READ_BEFORE_CLOSE_MILLIS);
            while (c.awaitingHub() && System.nanoTime() - deadline < 0
                    && (unread() > 0 || lastFill - c.lastHandled() > 0)) {
                LockSupport.parkNanos(100_000);
            }
            LOG.debug("{}: a write failed; waited {} us for what the hub sent to be read", c,
                    (System.nanoTime() - start) / 1000);
        }

        /** @return bytes the hub sent that are not read yet: only asks the kernel */
        private int unread() {
            try {
                if (input == null) {
                    // available() only: allowed on a non-blocking channel, reads nothing.
                    input = getChannel().socket().getInputStream();
                }
                return input.available();
            } catch (IOException e) {
                return 0;
            }
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
