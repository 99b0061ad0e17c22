package netdumplings.hub.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.websocket.core.CloseStatus;

import netdumplings.api.InvalidDumplingException;
import netdumplings.api.KitchenHello;
import netdumplings.api.json.DumplingJson;

/**
 * A kitchen's connection: the first message must be a kitchen hello (else close 1011);
 * every later message, text or binary, is checked as the original hub does (JSON with a
 * {@code metadata.chef} of any type) and forwarded byte for byte to every eater as a text
 * message, or dropped and counted. The kitchen is sent only what its hello asked for:
 * acknowledgements ({@code "ack": true}, PROTOCOL.md), {@code {"ack": N}} at once, every
 * {@value #ACK_EVERY} messages and every {@link HubServer#ACK_INTERVAL} while the count
 * grows, when the kitchen closes and before the hub's close.
 */
final class KitchenEndpoint extends HubEndpoint {

    /** Acknowledgements go out inline at least once per this many messages (and on the hub's timer). */
    static final long ACK_EVERY = 1024;

    private volatile KitchenHello hello;
    private final LongAdder dumplingsIn = new LongAdder();
    private final LongAdder invalidFrames = new LongAdder();
    /** Whether the kitchen's hello asked for acknowledgements ({@code "ack": true}). */
    private volatile boolean acks;
    /** The count in the last acknowledgement sent, -1 before the first. */
    private volatile long lastAck = -1;

    KitchenEndpoint(HubServer hub, int maxMessageBytes) {
        super(hub, maxMessageBytes);
    }

    @Override
    protected boolean wantsText() {
        return true;
    }

    @Override
    protected boolean onText(byte[] utf8Bytes) {
        if (hello == null) {
            return onHello(utf8Bytes);
        }
        return onDumpling(utf8Bytes);
    }

    /** A dumpling in a text or (as the original hub reads them too) a binary message. */
    private boolean onDumpling(byte[] utf8Bytes) {
        String chef;
        try {
            CharBuffer chars = decodeReusing(utf8Bytes);
            chef = DumplingJson.forwardedChefOf(chars.array(), 0, chars.limit());
        } catch (InvalidDumplingException | CharacterCodingException e) {
            invalidFrames.increment();
            hub.invalidFrame(this, whyInvalid(e));
            ackIfDue();
            return true;
        }
        dumplingsIn.increment();
        hub.publishFromKitchen(ByteBuffer.wrap(utf8Bytes), hello.kitchenName(), chef);
        ackIfDue();
        return true;
    }

    private boolean onHello(byte[] utf8Bytes) {
        KitchenHello parsed = readHello(utf8Bytes, "kitchen", DumplingJson::kitchenHelloFromJson);
        if (parsed == null) {
            return false;
        }
        hello = parsed;
        acks = Boolean.TRUE.equals(helloFields().get("ack"));
        hub.kitchenJoined(this);
        if (acks) {
            // At once: the kitchen learns that this hub acknowledges before it keeps much.
            sendAck();
        }
        return true;
    }

    @Override
    protected boolean wantsBinary() {
        return hello != null;
    }

    @Override
    protected boolean onBinary(byte[] bytes) {
        if (hello == null) {
            return refuseBinaryHello("kitchen");
        }
        return onDumpling(bytes);
    }

    @Override
    protected void onCloseFrame() {
        // A kitchen closing (to say a new hello) learns that everything it sent arrived.
        sendAck();
    }

    @Override
    protected void onDisconnect(CloseStatus status) {
        if (hello != null) {
            hub.log().info("kitchen {} at {}:{} left ({})", hello.kitchenName(), host(), port(), describe(status));
        }
    }

    @Override
    protected boolean hasSaidHello() {
        return hello != null;
    }

    /** @return the hello, or null before a valid one */
    KitchenHello hello() {
        return hello;
    }

    private void ackIfDue() {
        if (acks && messagesReceived() - lastAck >= ACK_EVERY) {
            sendAck();
        }
    }

    /**
     * Tells the kitchen, if its hello asked for it, how many messages this connection has
     * received and handled (forwarded, or counted as invalid) since the hello:
     * {@code {"ack": N}}. Only when N changed. Any thread: counts only grow, and a kitchen
     * takes the largest it has seen, so two racing acknowledgements do no harm.
     */
    void sendAck() {
        if (!acks || isDisconnected()) {
            return;
        }
        long n = messagesReceived();
        if (n == lastAck) {
            return;
        }
        lastAck = n;
        org.eclipse.jetty.websocket.core.CoreSession s = session();
        if (s != null) {
            byte[] ack = ("{\"ack\": " + n + "}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            s.sendFrame(new org.eclipse.jetty.websocket.core.Frame(org.eclipse.jetty.websocket.core.OpCode.TEXT,
                    ByteBuffer.wrap(ack)), org.eclipse.jetty.util.Callback.NOOP, false);
        }
    }

    /** @return whether the kitchen asked for acknowledgements */
    boolean acks() {
        return acks;
    }

    /** @return messages received after the hello: dumplings, invalid and binary ones */
    long messagesReceived() {
        return dumplingsIn.sum() + invalidFrames.sum();
    }

    HubStatistics.KitchenStatistics statistics() {
        KitchenHello h = hello;
        return new HubStatistics.KitchenStatistics(h == null ? null : h.kitchenName(), host(), port(),
                dumplingsIn.sum(), invalidFrames.sum());
    }
}
