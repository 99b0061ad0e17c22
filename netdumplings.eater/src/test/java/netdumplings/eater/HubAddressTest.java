package netdumplings.eater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;

import org.junit.jupiter.api.Test;

import netdumplings.eater.internal.HubAddress;

/** What a user may type as {@code --hub}. */
class HubAddressTest {

    @Test
    void acceptsHostAndPort() {
        assertEquals(URI.create("ws://localhost:11348"), HubAddress.toUri("localhost:11348", 1));
        assertEquals(URI.create("ws://10.0.0.1:9"), HubAddress.toUri("10.0.0.1:9", 1));
        assertEquals(URI.create("ws://[::1]:9"), HubAddress.toUri("[::1]:9", 1));
    }

    @Test
    void addsTheDefaultPortToAHostAlone() {
        assertEquals(URI.create("ws://hubhost:11348"), HubAddress.toUri("hubhost", 11348));
    }

    @Test
    void keepsWebSocketUris() {
        assertEquals(URI.create("ws://h:1/path"), HubAddress.toUri("ws://h:1/path", 11348));
        assertEquals(URI.create("wss://h:443"), HubAddress.toUri("wss://h", 11348));
    }

    @Test
    void refusesWhatIsNotAnAddress() {
        assertEquals("invalid hub address \"http://h:1\": the scheme must be ws or wss",
                assertThrows(IllegalArgumentException.class, () -> HubAddress.toUri("http://h:1", 1)).getMessage());
        assertEquals("invalid hub address \"h:notaport\": expected HOST:PORT",
                assertThrows(IllegalArgumentException.class, () -> HubAddress.toUri("h:notaport", 1)).getMessage());
        assertEquals("invalid hub address \"h:70000\": port out of range",
                assertThrows(IllegalArgumentException.class, () -> HubAddress.toUri("h:70000", 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> HubAddress.toUri(" ", 1));
    }
}
