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
        HubSettings settings = HubComponent.toSettings(config(Map.of("address", "127.0.0.1", "in__port", 0,
                "out__port", 2000, "status__freq", 0.25, "max__message__bytes", 4096, "eater__queue__limit", 7)));
        assertEquals(new HubSettings("127.0.0.1", 0, 2000, Duration.ofMillis(250), 4096, 7), settings);
    }

    @Test
    void portOutOfRangeIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("in__port", 70000))));
        assertTrue(e.getMessage().startsWith("in_port "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("out__port", -1))));
        assertTrue(e.getMessage().startsWith("out_port "), e.getMessage());
    }

    @Test
    void nonPositiveStatusFrequencyIsRefusedByName() {
        for (double freq : new double[] {0, -1, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> HubComponent.toSettings(config(Map.of("status__freq", freq))));
            assertTrue(e.getMessage().startsWith("status_freq "), e.getMessage());
        }
    }

    @Test
    void otherInvalidValuesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("max__message__bytes", 0)))).getMessage()
                .startsWith("max_message_bytes "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("eater__queue__limit", -5)))).getMessage()
                .startsWith("eater_queue_limit "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("address", " ")))).getMessage()
                .startsWith("address "));
    }
}
