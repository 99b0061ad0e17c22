package netdumplings.hub.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

import netdumplings.api.EaterHello;
import netdumplings.api.InvalidDumplingException;
import netdumplings.api.json.DumplingJson;

/**
 * An eater's connection: the first message must be an eater hello (else close 1011);
 * later messages are ignored. Dumplings go out through {@link #send(ByteBuffer)}, which
 * never blocks: at most {@code queueLimit} dumplings wait per eater, more are dropped
 * for this eater and counted.
 */
final class EaterEndpoint extends HubEndpoint {

    private final int queueLimit;
    private volatile EaterHello hello;
    private volatile Map<String, Object> helloFields;
    /** Dumplings handed to Jetty and not yet written: +1 on send, -1 in the write callback. */
    private final AtomicInteger pending = new AtomicInteger();
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failedWrites = new LongAdder();
    /** One callback for every write: it only counts, so it can be shared and never blocks. */
    private final Callback writeDone = new Callback() {
        @Override
        public void succeeded() {
            pending.decrementAndGet();
        }

        @Override
        public void failed(Throwable x) {
            pending.decrementAndGet();
            failedWrites.increment();
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    };

    EaterEndpoint(HubServer hub, int maxMessageBytes, int queueLimit) {
        super(hub, maxMessageBytes);
        this.queueLimit = queueLimit;
    }

    /**
     * Queues one dumpling for this eater, or drops it if the eater's queue is full.
     *
     * @param json the dumpling's UTF-8 JSON, shared by every eater: it is sliced, never
     *             changed or copied
     * @return whether it was queued
     */
    boolean send(ByteBuffer json) {
        if (pending.incrementAndGet() > queueLimit) {
            pending.decrementAndGet();
            dropped.increment();
            return false;
        }
        CoreSession session = session();
        session.sendFrame(new Frame(OpCode.TEXT, json.slice()), writeDone, false);
        sent.increment();
        return true;
    }

    @Override
    protected boolean wantsText() {
        // After the hello an eater's messages are ignored: not even kept in memory.
        return hello == null;
    }

    @Override
    protected boolean onText(byte[] utf8Bytes) {
        if (hello != null) {
            return true;
        }
        try {
            String json = decode(utf8Bytes);
            EaterHello parsed = DumplingJson.eaterHelloFromJson(json);
            helloFields = DumplingJson.objectFromJson(json);
            hello = parsed;
        } catch (InvalidDumplingException | CharacterCodingException e) {
            String why = e instanceof CharacterCodingException ? "text is not valid UTF-8" : e.getMessage();
            hub.log().warn("eater at {}:{} sent an invalid hello, closing: {}", host(), port(), why);
            close(SERVER_ERROR, "invalid eater hello: " + why);
            return false;
        }
        hub.eaterJoined(this);
        return true;
    }

    @Override
    protected boolean onBinary() {
        if (hello == null) {
            hub.log().warn("eater at {}:{} sent a binary hello, closing", host(), port());
            close(SERVER_ERROR, "invalid eater hello: binary message");
            return false;
        }
        return true;
    }

    @Override
    protected void onDisconnect(CloseStatus status) {
        if (hello != null) {
            hub.log().info("eater {} at {}:{} left ({}); {} dumplings sent, {} dropped, {} failed writes",
                    hello.eaterName(), host(), port(), status, sent.sum(), dropped.sum(), failedWrites.sum());
        }
    }

    @Override
    protected boolean hasSaidHello() {
        return hello != null;
    }

    /** @return the hello, or null before a valid one */
    EaterHello hello() {
        return hello;
    }

    /** @return the hello's fields as sent, or null before a valid one */
    Map<String, Object> helloFields() {
        return helloFields;
    }

    long dropped() {
        return dropped.sum();
    }

    HubStatistics.EaterStatistics statistics() {
        EaterHello h = hello;
        return new HubStatistics.EaterStatistics(h == null ? null : h.eaterName(), host(), port(),
                pending.get(), sent.sum(), dropped.sum());
    }
}
