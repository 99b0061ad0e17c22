package netdumplings.hub.internal;

import java.nio.ByteBuffer;
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
 * message, or dropped and counted. The kitchen is sent only what its hello asked for.
 */
final class KitchenEndpoint extends HubEndpoint {

    private volatile KitchenHello hello;
    private final LongAdder dumplingsIn = new LongAdder();
    private final LongAdder invalidFrames = new LongAdder();

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
            chef = DumplingJson.forwardedChefOf(decode(utf8Bytes));
        } catch (InvalidDumplingException | CharacterCodingException e) {
            invalidFrames.increment();
            hub.invalidFrame(this, whyInvalid(e));
            return true;
        }
        dumplingsIn.increment();
        hub.publishFromKitchen(ByteBuffer.wrap(utf8Bytes), hello.kitchenName(), chef);
        return true;
    }

    private boolean onHello(byte[] utf8Bytes) {
        KitchenHello parsed = readHello(utf8Bytes, "kitchen", DumplingJson::kitchenHelloFromJson);
        if (parsed == null) {
            return false;
        }
        hello = parsed;
        hub.kitchenJoined(this);
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
