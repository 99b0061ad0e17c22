package netdumplings.eater;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import netdumplings.api.Dumpling;
import netdumplings.hub.internal.HubSecurity;
import netdumplings.hub.internal.HubSettings;

/** Issue 6: the eater's {@code token(String)} against a hub that requires an eater token. */
class EaterTokenTest {

    private static HubSettings withEaterToken(String token) {
        return HubSettings.ephemeral().withStatusInterval(Duration.ofHours(1))
                .withSecurity(HubSecurity.NONE.withTokens(null, token));
    }

    @Test
    void eaterWithTheTokenEats() throws Exception {
        try (TestHub hub = TestHub.start(withEaterToken("eat-secret")).kitchen("k1")) {
            List<Dumpling> eaten = new CopyOnWriteArrayList<>();
            DumplingEater eater = DumplingEater.builder().name("trusted").hub(hub.eaterAddress()).token("eat-secret")
                    .onDumpling(eaten::add).build();
            eater.start();
            hub.awaitEaters(1);
            hub.publish("A", "k1", 1);
            TestHub.awaitTrue(() -> eaten.size() == 1, "one dumpling");
            eater.close();
            assertEquals(1, eaten.get(0).payload());
        }
    }

    @Test
    void eaterWithoutTheTokenIsRefused() throws Exception {
        try (TestHub hub = TestHub.start(withEaterToken("eat-secret")).kitchen("k1")) {
            DumplingEater eater = DumplingEater.builder().name("stranger").hub(hub.eaterAddress()).token("wrong")
                    .reconnect(false).build();
            eater.start();
            Thread.sleep(500);
            assertEquals(0, hub.server().statistics().eaterCount());
            eater.close();
        }
    }
}
