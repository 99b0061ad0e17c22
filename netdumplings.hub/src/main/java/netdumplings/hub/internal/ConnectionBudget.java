package netdumplings.hub.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;

/**
 * Counts the hub's connections from the TCP accept (both ports), and keeps those that have
 * not said hello yet (TLS handshake, HTTP request, WebSocket without hello, plain HTTP) to a
 * budget of their own: a connection accepted over the budget closes the oldest of them, and
 * one still in its HTTP request this long after accept is closed. So connections that never
 * say hello cannot hold the slots of clients that do: an honest client says hello within
 * milliseconds of its accept, long before it is the oldest of a full budget.
 * <p>
 * Registered on both connectors, as Jetty accept listener (open and closed sockets) and
 * connection listener (the socket's end point, to close it). Thread-safe.
 */
final class ConnectionBudget implements SelectorManager.AcceptListener, Connection.Listener {

    /** Identifies a connection from both sides: Jetty's socket and the WebSocket session. */
    private record Key(int localPort, SocketAddress remote) {
    }

    private static final class Tracked {
        final long acceptedNanos = System.nanoTime();
        final SocketChannel channel;
        final Key key;
        final AtomicBoolean pending = new AtomicBoolean(true);
        volatile EndPoint endPoint;
        volatile boolean upgraded;

        Tracked(SocketChannel channel, Key key) {
            this.channel = channel;
            this.key = key;
        }
    }

    private final int maxPending;
    private final Map<SelectableChannel, Tracked> byChannel = new ConcurrentHashMap<>();
    private final Map<Key, Tracked> byKey = new ConcurrentHashMap<>();
    /** The pending ones, oldest first. */
    private final ConcurrentLinkedDeque<Tracked> pendingOrder = new ConcurrentLinkedDeque<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder headerTimeouts = new LongAdder();

    ConnectionBudget(int maxPending) {
        this.maxPending = maxPending;
    }

    @Override
    public void onAccepted(SelectableChannel channel) {
        if (!(channel instanceof SocketChannel socket)) {
            return;
        }
        Key key;
        try {
            key = new Key(((InetSocketAddress) socket.getLocalAddress()).getPort(), socket.getRemoteAddress());
        } catch (IOException | RuntimeException e) {
            return; // already gone
        }
        Tracked t = new Tracked(socket, key);
        byChannel.put(channel, t);
        byKey.put(key, t);
        pendingOrder.addLast(t);
        if (pending.incrementAndGet() > maxPending) {
            evictOldest();
        }
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        Tracked t = byChannel.remove(channel);
        if (t != null) {
            byKey.remove(t.key, t);
            leavePending(t);
        }
    }

    @Override
    public void onOpened(Connection connection) {
        // The first connection of a socket (HTTP or TLS) sits on the network end point.
        if (connection.getEndPoint() instanceof SocketChannelEndPoint network) {
            Tracked t = byChannel.get(network.getChannel());
            if (t != null && t.endPoint == null) {
                t.endPoint = network;
                if (!t.pending.get()) {
                    network.close(); // evicted or timed out before its end point existed
                }
            }
        }
    }

    @Override
    public void onClosed(Connection connection) {
        // The socket's close is seen by onClosed(SelectableChannel).
    }

    /** The WebSocket upgrade of this connection was accepted: the hello timeout applies now. */
    void upgraded(SocketAddress local, SocketAddress remote) {
        Tracked t = find(local, remote);
        if (t != null) {
            t.upgraded = true;
        }
    }

    /** This connection said a valid hello: it leaves the pending budget. */
    void saidHello(SocketAddress local, SocketAddress remote) {
        Tracked t = find(local, remote);
        if (t != null) {
            leavePending(t);
        }
    }

    private Tracked find(SocketAddress local, SocketAddress remote) {
        if (!(local instanceof InetSocketAddress l)) {
            return null;
        }
        return byKey.get(new Key(l.getPort(), remote));
    }

    private boolean leavePending(Tracked t) {
        if (t.pending.compareAndSet(true, false)) {
            pending.decrementAndGet();
            pendingOrder.remove(t);
            return true;
        }
        return false;
    }

    private void evictOldest() {
        for (Tracked t; (t = pendingOrder.peekFirst()) != null;) {
            if (leavePending(t)) {
                evicted.increment();
                close(t);
                return;
            }
            pendingOrder.remove(t);
        }
    }

    /** Closes connections still in their HTTP request {@code timeout} after their accept. */
    void closeSlowRequests(long nowNanos, Duration timeout) {
        long limit = timeout.toNanos();
        for (Tracked t : pendingOrder) {
            if (nowNanos - t.acceptedNanos < limit) {
                break; // oldest first: the rest is younger
            }
            if (!t.upgraded && leavePending(t)) {
                headerTimeouts.increment();
                close(t);
            }
        }
    }

    private static void close(Tracked t) {
        EndPoint endPoint = t.endPoint;
        if (endPoint != null) {
            endPoint.close();
        } else {
            try {
                t.channel.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }

    /** @return connections open now, counted from accept */
    int open() {
        return byChannel.size();
    }

    /** @return connections open now that have not said hello */
    int pending() {
        return pending.get();
    }

    /** @return pending connections closed to make room for newer ones */
    long evicted() {
        return evicted.sum();
    }

    /** @return connections closed because their request was not through in time */
    long headerTimeouts() {
        return headerTimeouts.sum();
    }
}
