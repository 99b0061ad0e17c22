package netdumplings.hub.internal;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;

import netdumplings.api.InvalidDumplingException;
import netdumplings.api.json.DumplingJson;

/**
 * One client connection (a kitchen or an eater), on Jetty's core WebSocket API: puts
 * fragmented messages together, enforces the size limit (1009), answers pings, and hands
 * each whole message to the subclass.
 * <p>
 * Jetty calls {@link #onFrame} for one connection at a time and only after
 * {@link CoreSession#demand()}, so the assembling state needs no lock.
 */
abstract class HubEndpoint implements FrameHandler {

    /** The longest close reason RFC 6455 allows, in UTF-8 bytes. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;
    /** Messages up to this many bytes are decoded into {@link #chars} ({@link #decodeReusing}). */
    private static final int REUSED_CHARS = 64 * 1024;

    protected final HubServer hub;
    private final int maxMessageBytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    /** {@link #decodeReusing}'s buffer, made at its first use (eaters never need it). */
    private CharBuffer chars;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile CoreSession session;
    private volatile boolean disconnected;
    private volatile String host = "?";
    private volatile int port;

    /** {@link OpCode#TEXT} or {@link OpCode#BINARY} while a message is coming in, else UNDEFINED. */
    private byte messageType = OpCode.UNDEFINED;
    private byte[] assembled;
    private int assembledLength;
    /** The token this client must present (null: none), and whether it did at the upgrade. */
    private volatile String expectedToken;
    private volatile boolean tokenAccepted = true;
    /** The hello as the client sent it (its token removed), shown unchanged in the hub's status. */
    private volatile Map<String, Object> helloFields;
    /** The hello's size in bytes (what it costs in a status dumpling), 0 before it. */
    private volatile int helloBytes;

    HubEndpoint(HubServer hub, int maxMessageBytes) {
        this.hub = requireNonNull(hub, "hub");
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * A whole text message arrived.
     *
     * @param utf8Bytes the message, exactly as received; owned by the callee from now on
     * @return whether to read on (false once the connection is being closed)
     */
    protected abstract boolean onText(byte[] utf8Bytes);

    /**
     * A whole binary message arrived.
     *
     * @param bytes the message as received when {@link #wantsBinary()}, else null (not kept)
     * @return whether to read on
     */
    protected abstract boolean onBinary(byte[] bytes);

    /** @return whether text messages are still of interest; if not they are counted but not kept */
    protected abstract boolean wantsText();

    /** @return whether binary messages are of interest; if not they are counted but not kept */
    protected boolean wantsBinary() {
        return false;
    }

    /** @return whether a valid hello was received */
    protected abstract boolean hasSaidHello();

    /** The client's close frame arrived (every message before it was handled); before our answer. */
    protected void onCloseFrame() {
    }

    /** The connection is closed, whichever side closed it. Called once. */
    protected abstract void onDisconnect(CloseStatus status);

    /** @return a close status for a log line: {@code 4102 "dumpling eater is full"}, {@code 1006 (no close frame)} */
    static String describe(CloseStatus status) {
        if (status == null) {
            return "no status";
        }
        String reason = status.getReason();
        return status.getCode() + (status.getCode() == CloseStatus.NO_CLOSE ? " (no close frame)"
                : reason == null || reason.isEmpty() ? "" : " \"" + reason + "\"");
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        this.session = coreSession;
        SocketAddress remote = coreSession.getRemoteAddress();
        if (remote instanceof InetSocketAddress inet) {
            host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            port = inet.getPort();
        }
        hub.connected(this);
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        switch (frame.getOpCode()) {
            case OpCode.PING -> session.sendFrame(new Frame(OpCode.PONG, true, frame.getPayload()),
                    Callback.from(session::demand, callback), false);
            case OpCode.PONG -> {
                callback.succeeded();
                session.demand();
            }
            // Jetty answers the close frame itself once we release it.
            case OpCode.CLOSE -> {
                onCloseFrame();
                callback.succeeded();
            }
            case OpCode.TEXT, OpCode.BINARY -> {
                messageType = frame.getOpCode();
                assembledLength = 0;
                onDataFrame(frame, callback);
            }
            case OpCode.CONTINUATION -> onDataFrame(frame, callback);
            default -> callback.failed(new IllegalStateException("unexpected opcode " + frame.getOpCode()));
        }
    }

    private void onDataFrame(Frame frame, Callback callback) {
        ByteBuffer payload = frame.getPayload();
        int size = payload == null ? 0 : payload.remaining();
        long total = (long) assembledLength + size;
        if (total > maxMessageBytes) {
            // Jetty turns this into a close with 1009.
            messageType = OpCode.UNDEFINED;
            assembled = null;
            callback.failed(new MessageTooLargeException("message larger than " + maxMessageBytes + " bytes"));
            return;
        }
        boolean text = messageType == OpCode.TEXT;
        boolean keep = text ? wantsText() : wantsBinary();
        if (keep && size > 0) {
            if (assembled == null || assembled.length < total) {
                // A one-frame message gets an array of its exact size: no copy later.
                int capacity = assembledLength == 0 && frame.isFin() ? size
                        : (int) Math.min(maxMessageBytes, Math.max(total, 2L * (assembled == null ? 0 : assembled.length)));
                assembled = assembled == null ? new byte[capacity] : Arrays.copyOf(assembled, capacity);
            }
            payload.slice().get(assembled, assembledLength, size);
        }
        assembledLength = (int) total;
        // The payload is copied: Jetty may reuse its buffer now.
        callback.succeeded();
        if (!frame.isFin()) {
            session.demand();
            return;
        }
        byte[] message = null;
        if (keep) {
            message = assembled == null ? new byte[0]
                    : assembled.length == assembledLength ? assembled : Arrays.copyOf(assembled, assembledLength);
        }
        assembled = null;
        messageType = OpCode.UNDEFINED;
        boolean readOn = text ? message == null || onText(message) : onBinary(message);
        if (readOn) {
            session.demand();
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        hub.log().debug("connection from {}:{} failed", host, port, cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        disconnected = true;
        assembled = null;
        try {
            onDisconnect(closeStatus);
            hub.disconnected(this);
        } finally {
            closed.complete(null);
            callback.succeeded();
        }
    }

    /**
     * Decodes UTF-8 strictly: a message with invalid UTF-8 is refused, not patched, so what
     * is forwarded is always what was checked.
     */
    protected final String decode(byte[] utf8Bytes) throws CharacterCodingException {
        return utf8.reset().decode(ByteBuffer.wrap(utf8Bytes)).toString();
    }

    /**
     * Decodes UTF-8 as strictly as {@link #decode}, into a buffer this connection reuses for
     * its next message (one of its own for a message over {@value #REUSED_CHARS} bytes), so
     * that checking a kitchen's dumpling allocates no copy of it.
     *
     * @return the characters, from position 0 to the limit; valid until the next call
     */
    protected final CharBuffer decodeReusing(byte[] utf8Bytes) throws CharacterCodingException {
        CharBuffer out;
        if (utf8Bytes.length > REUSED_CHARS) {
            out = CharBuffer.allocate(utf8Bytes.length);
        } else {
            if (chars == null) {
                chars = CharBuffer.allocate(REUSED_CHARS);
            }
            out = chars.clear();
        }
        utf8.reset();
        // UTF-8 never has more characters than bytes: the buffer cannot overflow.
        CoderResult result = utf8.decode(ByteBuffer.wrap(utf8Bytes), out, true);
        if (result.isUnderflow()) {
            result = utf8.flush(out);
        }
        if (!result.isUnderflow()) {
            result.throwException();
        }
        return out.flip();
    }

    /**
     * Starts closing the connection; frames already accepted for sending go out first.
     *
     * @param code   the close code
     * @param reason why, shortened to what RFC 6455 allows
     * @return completes when the connection is closed
     */
    final CompletableFuture<Void> close(int code, String reason) {
        CoreSession s = session;
        if (s != null) {
            s.close(code, shorten(reason), Callback.NOOP);
        } else {
            closed.complete(null);
        }
        return closed;
    }

    /** Cuts the connection at once: no close frame. */
    final void abort() {
        CoreSession s = session;
        if (s != null) {
            s.abort();
        }
    }

    /**
     * Sets the token this client must present, and what it presented with the upgrade
     * request ({@code Authorization: Bearer} or {@code ?token=}); set before the connection opens.
     *
     * @param expected  the configured token, or null for none
     * @param presented the token from the upgrade request, or null
     */
    final void requireToken(String expected, String presented) {
        expectedToken = expected;
        tokenAccepted = HubSecurity.tokenMatches(expected, presented);
    }

    /**
     * Decides whether a client may in, once its hello arrived: with the right token in the
     * upgrade request, or as the hello's {@code "token"} field. That field is removed from
     * the hello in any case, so no secret ever reaches the status dumplings.
     *
     * @param helloFields the hello as sent; its {@code token} is removed
     * @return whether to admit the client; if not it is being closed with 1008 "unauthorized"
     */
    protected final boolean admit(Map<String, Object> helloFields) {
        Object token = helloFields.remove("token");
        if (tokenAccepted || (token instanceof String t && HubSecurity.tokenMatches(expectedToken, t))) {
            return true;
        }
        hub.log().warn("client at {}:{} presented no valid token, closing", host, port);
        close(POLICY_VIOLATION, "unauthorized");
        return false;
    }

    /**
     * Reads the client's first message as its hello: strict UTF-8, parsed by {@code parser},
     * then {@linkplain #admit admitted}; its fields are kept for {@link #helloFields()}. An
     * invalid hello closes the connection with 1011, a refused token with 1008.
     *
     * @param utf8Bytes the message
     * @param role      {@code "kitchen"} or {@code "eater"}, for the log and the close reason
     * @param parser    the hello's parser, throwing {@link InvalidDumplingException} if it is none
     * @return the hello, or null if the connection is being closed
     */
    protected final <H> H readHello(byte[] utf8Bytes, String role, Function<String, H> parser) {
        HubLimits limits = hub.settings().limits();
        if (utf8Bytes.length > limits.maxHelloBytes()) {
            hub.log().warn("{} at {}:{} sent a hello of {} bytes, closing", role, host, port, utf8Bytes.length);
            close(POLICY_VIOLATION, role + " hello larger than " + limits.maxHelloBytes() + " bytes");
            return null;
        }
        try {
            String json = decode(utf8Bytes);
            H parsed = parser.apply(json);
            Map<String, Object> fields = DumplingJson.objectFromJson(json);
            String tooLong = tooLongName(fields, limits.maxNameChars());
            if (tooLong != null) {
                hub.log().warn("{} at {}:{} sent a hello with a {} longer than {} characters, closing", role, host, port,
                        tooLong, limits.maxNameChars());
                close(POLICY_VIOLATION, role + " hello: " + tooLong + " longer than " + limits.maxNameChars() + " characters");
                return null;
            }
            if (!admit(fields)) {
                return null;
            }
            helloFields = fields;
            helloBytes = utf8Bytes.length;
            hub.saidHello(this);
            return parsed;
        } catch (InvalidDumplingException | CharacterCodingException e) {
            String why = whyInvalid(e);
            hub.log().warn("{} at {}:{} sent an invalid hello, closing: {}", role, host, port, why);
            close(SERVER_ERROR, "invalid " + role + " hello: " + why);
            return null;
        }
    }

    /**
     * @return the first name of the hello longer than {@code max} characters ({@code kitchen_name},
     *         {@code eater_name}, any other {@code *_name}, or an entry of {@code chefs}), or null
     */
    static String tooLongName(Map<String, Object> hello, int max) {
        for (Map.Entry<String, Object> e : hello.entrySet()) {
            if (e.getKey().endsWith("_name") && e.getValue() instanceof String name
                    && name.codePointCount(0, name.length()) > max) {
                return e.getKey();
            }
        }
        if (hello.get("chefs") instanceof java.util.List<?> chefs) {
            for (Object chef : chefs) {
                if (chef instanceof String name && name.codePointCount(0, name.length()) > max) {
                    return "chef name";
                }
            }
        }
        return null;
    }

    /**
     * Closes the connection with 1011 because a binary message came where the hello should.
     *
     * @param role {@code "kitchen"} or {@code "eater"}, for the log and the close reason
     * @return false: read no more
     */
    protected final boolean refuseBinaryHello(String role) {
        hub.log().warn("{} at {}:{} sent a binary hello, closing", role, host, port);
        close(SERVER_ERROR, "invalid " + role + " hello: binary message");
        return false;
    }

    /** @return why a text message was refused, for the log and the close reason */
    static String whyInvalid(Exception e) {
        return e instanceof CharacterCodingException ? "text is not valid UTF-8" : e.getMessage();
    }

    /** @return the hello's fields as sent (without its token), or null before a valid hello */
    final Map<String, Object> helloFields() {
        return helloFields;
    }

    /** @return the size of the hello in bytes, 0 before a valid one */
    final int helloBytes() {
        return helloBytes;
    }

    /** @return whether the connection is closed, or closing has begun being reported */
    final boolean isDisconnected() {
        return disconnected;
    }

    /** @return the session; null before the connection opened */
    final CoreSession session() {
        return session;
    }

    /** @return the client's IP address */
    final String host() {
        return host;
    }

    /** @return the client's port */
    final int port() {
        return port;
    }

    static String shorten(String reason) {
        if (reason == null) {
            return null;
        }
        String line = reason.replace('\n', ' ').replace('\r', ' ');
        if (line.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES) {
            // 40 chars are at most 120 UTF-8 bytes (a char is at most 3 bytes in UTF-8).
            int cut = Character.isHighSurrogate(line.charAt(36)) ? 36 : 37;
            line = line.substring(0, cut) + "...";
        }
        return line;
    }

    /** A close code of the protocol, for readability. */
    static final int GOING_AWAY = CloseStatus.SHUTDOWN;
    static final int SERVER_ERROR = CloseStatus.SERVER_ERROR;
    static final int POLICY_VIOLATION = CloseStatus.POLICY_VIOLATION;
}
