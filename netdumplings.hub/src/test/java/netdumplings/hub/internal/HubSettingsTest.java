package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class HubSettingsTest {

    @Test
    void defaultsAreTheOriginalHubs() {
        HubSettings d = HubSettings.defaults();
        assertEquals(new HubSettings("localhost", 11347, 11348, Duration.ofSeconds(5), 1 << 20, 10_000), d);
    }

    @Test
    void withersChangeOneField() {
        HubSettings s = HubSettings.defaults().withKitchenPort(0).withEaterQueueLimit(3);
        assertEquals(0, s.kitchenPort());
        assertEquals(3, s.eaterQueueLimit());
        assertEquals(11348, s.eaterPort());
    }

    @Test
    void invalidValuesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HubSettings.defaults().withEaterPort(65536))
                .getMessage().startsWith("eaterPort "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HubSettings.defaults().withStatusInterval(Duration.ZERO)).getMessage().startsWith("statusInterval "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HubSettings.defaults().withMaxMessageBytes(0))
                .getMessage().startsWith("maxMessageBytes "));
        assertThrows(NullPointerException.class, () -> HubSettings.defaults().withAddress(null));
    }
}
