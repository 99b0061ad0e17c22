package netdumplings.kitchen.internal.uplink;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;
import org.eclipse.jetty.websocket.core.exception.WebSocketWriteTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection to the hub's kitchen port, opened by {@link HubClient}: adapts a
 * Jetty core session to {@link HubSender}.
 * <p>
 * {@link #writeText(List, int, int)} hands a whole batch to Jetty at once, each UTF-8
 * dumpling wrapped as it is (no String round trip). All frames but the last are batched:
 * Jetty masks them into its output buffer, and the last one flushes the lot, so a batch
 * leaves in a few writes. The call returns when the last frame is written, so the sender
 * has one batch in flight at a time, which its resend accounting relies on.
 * <p>
 * As the {@link FrameHandler}, it answers pings, records the hub's acknowledgements
 * ({@code {"ack": N}}: N messages after the hello arrived, PROTOCOL.md), skips anything
 * else the hub might send, within {@link #maxIncomingBytes} a message, and completes
 * {@link #done} when the connection ends (Jetty answers the hub's close itself).
 */
public final class HubConnection implements FrameHandler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HubConnection.class);
    /**
     * Jetty fails a write pending for longer than the write timeout; waiting this much more
     * for it is only a backstop.
     */
    private static final long BACKSTOP_MILLIS = 5_000;

    private final URI uri;
    private final long writeTimeoutMillis;
    private final long maxIncomingBytes;
    private volatile CoreSession session;
    /** Bytes of the data message being received so far; Jetty calls onFrame one at a time. */
    private long incomingBytes;

    /** Completes when the connection ended: closed by either side, failed or aborted. */
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /**
     * The largest count the hub acknowledged on this connection (messages after the hello
     * it received), or -1 while it acknowledged nothing (the original hub never does).
     */
    volatile long acked = -1;

    /**
     * @param uri              the hub's address, for messages
     * @param writeTimeout     a frame not written within this time fails, with the connection
     * @param maxIncomingBytes a message from the hub over this size fails the connection
     */
    public HubConnection(URI uri, Duration writeTimeout, long maxIncomingBytes) {
        this.uri = requireNonNull(uri, "uri");
        this.writeTimeoutMillis = Math.max(1, requireNonNull(writeTimeout, "writeTimeout").toMillis());
        this.maxIncomingBytes = maxIncomingBytes;
    }

    /** @return whether the connection is open: not closed by either side, not failed */
    public boolean open() {
        CoreSession s = session;
        return s != null && s.isOutputOpen() && !done.isDone();
    }

    /**
     * Writes messages {@code from} (inclusive) to {@code to} (exclusive) of {@code texts},
     * each a UTF-8 JSON text (not checked), as one text frame each, and waits until they
     * are written. One thread at a time (the sender's).
     *
     * @throws IOException if the connection failed or was closed, or the write timed out
     */
    public void writeText(List<byte[]> texts, int from, int to) throws IOException {
        if (from >= to) {
            return;
        }
        CoreSession s = session;
        if (s == null) {
            throw new IOException("not connected");
        }
        Callback.Completable written = new Callback.Completable();
        for (int i = from; i < to; i++) {
            boolean last = i == to - 1;
            Frame frame = new Frame(OpCode.TEXT, true, ByteBuffer.wrap(texts.get(i)));
            // The last frame is the one watched: Jetty completes a batched frame once it is in
            // its buffer, and fails every frame after one that failed. Left unwritten past the
            // write timeout (the frames before it in the way, or itself), it fails, and the
            // connection with it. (A timeout on every frame costs a little more, for nothing.)
            s.sendFrame(new OutgoingEntry.Builder(frame, last ? written : Callback.NOOP).batch(!last)
                    .frameTimeout(last ? writeTimeoutMillis : 0).build());
        }
        await(written);
    }

    /** Writes one text message (the hello). */
    public void writeText(byte[] text) throws IOException {
        writeText(List.of(text), 0, 1);
    }

    private void await(Callback.Completable written) throws IOException {
        try {
            written.get(writeTimeoutMillis + BACKSTOP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WebSocketWriteTimeoutException) {
                LOG.warn("hub {}: a write has been blocked for over {} s (the hub stopped reading); closing", uri,
                        TimeUnit.MILLISECONDS.toSeconds(writeTimeoutMillis));
            }
            throw new IOException("write to the hub failed: " + cause, cause);
        } catch (TimeoutException e) {
            abort();
            throw new IOException("write to the hub blocked for over " + writeTimeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            throw new InterruptedIOException("interrupted while writing to the hub");
        }
    }

    /**
     * Starts the close handshake; {@link #done} completes when the hub answered it (or the
     * connection ended otherwise).
     */
    public void writeClose(int code, String reason) {
        CoreSession s = session;
        if (s != null) {
            s.close(code, reason, Callback.NOOP);
        }
    }

    /** Cuts the connection at once (a pending write fails). */
    public void abort() {
        CoreSession s = session;
        if (s != null) {
            s.abort();
        }
        done.complete(null);
    }

    @Override
    public void close() {
        abort();
    }

    // FrameHandler: Jetty calls these one at a time, on its own threads.

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        switch (frame.getOpCode()) {
            case OpCode.CLOSE -> {
                CloseStatus status = CloseStatus.getCloseStatus(frame);
                LOG.debug("hub {} closed the connection: {} {}", uri, status.getCode(), status.getReason());
                // Jetty answers the close once the callback completes; no more frames follow.
                callback.succeeded();
                return;
            }
            case OpCode.PING -> session.sendFrame(new Frame(OpCode.PONG, true, BufferUtil.copy(frame.getPayload())),
                    Callback.NOOP, false);
            case OpCode.PONG -> {
                // Not asked for: nothing to do.
            }
            default -> {
                // Acknowledgements are short single-frame texts; anything else is skipped,
                // yet bounded, as it is read anyway.
                if (frame.getOpCode() == OpCode.TEXT && frame.isFin()) {
                    long n = ackOf(frame.getPayload());
                    if (n > acked) {
                        acked = n;
                    }
                }
                incomingBytes = (frame.getOpCode() == OpCode.CONTINUATION ? incomingBytes : 0)
                        + frame.getPayloadLength();
                if (incomingBytes > maxIncomingBytes) {
                    callback.failed(new MessageTooLargeException(
                            "a message from the hub over " + maxIncomingBytes + " bytes"));
                    return;
                }
            }
        }
        callback.succeeded();
        session.demand();
    }

    /**
     * @param payload a text message from the hub
     * @return N of {@code {"ack": N}} (the exact form the hub sends, spaces allowed), or -1
     */
    public static long ackOf(ByteBuffer payload) {
        if (payload == null || payload.remaining() > 64) {
            return -1;
        }
        String text = java.nio.charset.StandardCharsets.US_ASCII.decode(payload.slice()).toString();
        java.util.regex.Matcher m = ACK.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static final java.util.regex.Pattern ACK = java.util.regex.Pattern.compile("\\{\\s*\"ack\"\\s*:\\s*(\\d{1,18})\\s*\\}");

    @Override
    public void onError(Throwable cause, Callback callback) {
        LOG.debug("hub {}: connection failed", uri, cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        LOG.debug("hub {}: connection ended: {}", uri, closeStatus);
        done.complete(null);
        callback.succeeded();
    }

    @Override
    public String toString() {
        return "HubConnection[" + uri + (done.isDone() ? ", closed" : "") + "]";
    }
}
