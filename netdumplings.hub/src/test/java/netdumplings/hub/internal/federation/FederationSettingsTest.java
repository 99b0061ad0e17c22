package netdumplings.hub.internal.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class FederationSettingsTest {

    private static FederationSettings with(String prefix, String stream, Duration maxAge, long maxBytes, int history) {
        return new FederationSettings(List.of("nats://localhost:4222"), "s3cret", null, null, prefix, stream, maxAge,
                maxBytes, "hub", history);
    }

    @Test
    void offIsTheDefaultAndKeepsNoHistory() {
        assertFalse(FederationSettings.OFF.enabled());
        assertEquals(0, FederationSettings.OFF.historySize());
        assertTrue(FederationSettings.OFF.withServers(List.of("nats://h:4222")).enabled());
    }

    @Test
    void invalidValuesAreRefusedNamingTheirField() {
        Duration hour = Duration.ofHours(1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("a..b", "S", hour, 1, 0)).getMessage()
                .startsWith("nats_subject_prefix "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("p", "S.T", hour, 1, 0)).getMessage()
                .startsWith("nats_stream "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("p", "S", Duration.ZERO, 1, 0)).getMessage()
                .startsWith("nats_max_age "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("p", "S", hour, 0, 0)).getMessage()
                .startsWith("nats_max_bytes "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("p", "S", hour, 1, -1)).getMessage()
                .startsWith("history_size "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FederationSettings.OFF.withServers(List.of("nats://a b"))).getMessage().startsWith("nats_servers: "));
        assertEquals("nats_storage must be file or memory, not 'disk'", assertThrows(IllegalArgumentException.class,
                () -> FederationSettings.OFF.withStorage("disk")).getMessage());
    }

    @Test
    void storageIsFileUnlessMemoryIsAsked() {
        assertEquals("file", FederationSettings.OFF.storage());
        assertFalse(FederationSettings.OFF.withStorage("").memoryStorage(), "empty: the default");
        assertTrue(FederationSettings.OFF.withStorage(" Memory ").memoryStorage(), "as Config Admin may give it");
        assertFalse(FederationSettings.OFF.withStorage("memory").withHubName("h").withStorage("file").memoryStorage());
        assertTrue(FederationSettings.OFF.withStorage("memory").withServers(List.of("nats://h:4222")).memoryStorage(),
                "kept by the other withers");
    }

    @Test
    void theTokenNeverShowsInItsText() {
        String text = with("p", "S", Duration.ofHours(1), 1, 0).toString();
        assertFalse(text.contains("s3cret"), text);
        assertTrue(text.contains("token=***"), text);
    }
}
