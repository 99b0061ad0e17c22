package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HubComponentTest {

    /** A configuration with the annotation's defaults, except for {@code values}. */
    private static HubConfiguration config(Map<String, Object> values) {
        return (HubConfiguration) Proxy.newProxyInstance(HubConfiguration.class.getClassLoader(),
                new Class<?>[] {HubConfiguration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return HubConfiguration.class;
                    }
                    return values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue();
                });
    }

    @Test
    void defaultsAreTheOriginalHubs() {
        assertEquals(HubSettings.defaults(), HubComponent.toSettings(config(Map.of())));
    }

    @Test
    void valuesAreMapped() {
        HubSettings settings = HubComponent.toSettings(config(Map.of("address", "127.0.0.1", "in_port", 0,
                "out_port", 2000, "status_freq", 0.25, "max_message_bytes", 4096, "eater_queue_limit", 7)));
        assertEquals(new HubSettings("127.0.0.1", 0, 2000, Duration.ofMillis(250), 4096, 7), settings);
    }

    @Test
    void portOutOfRangeIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("in_port", 70000))));
        assertTrue(e.getMessage().startsWith("in_port "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("out_port", -1))));
        assertTrue(e.getMessage().startsWith("out_port "), e.getMessage());
    }

    @Test
    void nonPositiveStatusFrequencyIsRefusedByName() {
        for (double freq : new double[] {0, -1, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> HubComponent.toSettings(config(Map.of("status_freq", freq))));
            assertTrue(e.getMessage().startsWith("status_freq "), e.getMessage());
        }
    }

    @Test
    void otherInvalidValuesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("max_message_bytes", 0)))).getMessage()
                .startsWith("max_message_bytes "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("eater_queue_limit", -5)))).getMessage()
                .startsWith("eater_queue_limit "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("address", " ")))).getMessage()
                .startsWith("address "));
    }
}
