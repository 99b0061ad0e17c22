package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import netdumplings.api.management.HubInfo;

class HubManagementComponentTest {

    @Test
    void noHubMeansNotRunning() {
        HubInfo info = new HubManagementComponent(() -> null).info();
        assertFalse(info.running());
        assertTrue(info.kitchens().isEmpty());
    }

    @Test
    void copiesEveryFigure() {
        HubStatistics s = new HubStatistics(Duration.ofMillis(2500), 10, 42, 5, 7,
                List.of(new HubStatistics.KitchenStatistics("k", "127.0.0.1", 4000, 10, 5)),
                List.of(new HubStatistics.EaterStatistics("e", "127.0.0.1", 4001, 4, 40, 7)));
        HubInfo info = new HubManagementComponent(() -> s).info();
        assertTrue(info.running());
        assertEquals(2.5, info.uptimeSeconds(), 1e-9);
        assertEquals(10, info.dumplingsIn());
        assertEquals(42, info.dumplingsOut());
        assertEquals(5, info.invalidFrames());
        assertEquals(7, info.eaterDrops());
        assertEquals(new HubInfo.Kitchen("k", "127.0.0.1", 4000, 10, 5), info.kitchens().get(0));
        assertEquals(new HubInfo.Eater("e", "127.0.0.1", 4001, 4, 40, 7), info.eaters().get(0));
    }
}
