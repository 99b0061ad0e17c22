package netdumplings.kitchen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The hand-written WebSocket client's handshake check, against RFC 6455's own example. */
class HubConnectionTest {

    @Test
    void acceptKeyIsComputedAsTheRfcSays() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", HubConnection.expectedAccept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void closeReasonCountIsRead() {
        assertEquals(42, HubSender.receivedCount("hub shutting down; messages received: 42"));
        assertEquals(-1, HubSender.receivedCount("bye"));
        assertEquals(-1, HubSender.receivedCount(null));
    }
}
