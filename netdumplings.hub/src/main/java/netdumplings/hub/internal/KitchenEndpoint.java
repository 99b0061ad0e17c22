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
 * every later text message is checked as the original hub does (JSON with
 * {@code metadata.chef}) and forwarded byte for byte to every eater, or dropped and
 * counted. Binary messages are dropped and counted. The kitchen is never sent anything.
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
        String chef;
        try {
            chef = DumplingJson.chefOf(decode(utf8Bytes));
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
    protected boolean onBinary() {
        if (hello == null) {
            return refuseBinaryHello("kitchen");
        }
        invalidFrames.increment();
        hub.binaryFrame(this);
        return true;
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
