package netdumplings.launcher.internal.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What a launcher's values do to a configuration that may have been changed in the Web Console. */
class ConfigMergeTest {

    @Test
    void aFirstLaunchSetsEveryValueAndRecordsThem() {
        Hashtable<String, Object> first = ConfigMerge.merge(null, Map.of(),
                Map.of("in_port", 41001, "allowed_origins", List.of("https://a")), List.of());
        assertEquals(41001, first.get("in_port"));
        assertArrayEquals(new String[] {"https://a"}, (String[]) first.get("allowed_origins"));
        assertEquals(Map.of("in_port", 41001, "allowed_origins", List.of("https://a")), ConfigMerge.previous(first));
    }

    @Test
    void aValueChangedSinceTheLastLaunchStaysUnlessGivenAgain() {
        Hashtable<String, Object> current = ConfigMerge.merge(null, Map.of(), Map.of("in_port", 11347, "out_port", 11348),
                List.of());
        current.put("in_port", 42000); // the Web Console
        Map<String, Object> previous = ConfigMerge.previous(current);
        Map<String, Object> defaults = Map.of("in_port", 11347, "out_port", 11349);
        Hashtable<String, Object> kept = ConfigMerge.merge(current, previous, defaults, List.of());
        assertEquals(42000, kept.get("in_port"));
        assertEquals(11349, kept.get("out_port"), "an unchanged value follows the launcher");
        assertEquals(List.of("in_port"), ConfigMerge.keptChanges(current, previous, defaults, List.of()));
        Hashtable<String, Object> overridden = ConfigMerge.merge(current, previous, defaults, List.of("in_port"));
        assertEquals(11347, overridden.get("in_port"), "given on the command line: the flag wins");
    }

    @Test
    void aSettingTheLauncherNoLongerGivesGoesUnlessChanged() {
        Hashtable<String, Object> current = ConfigMerge.merge(null, Map.of(), Map.of("eater_token", "s3cret"), List.of());
        Hashtable<String, Object> next = ConfigMerge.merge(current, ConfigMerge.previous(current), Map.of(), List.of());
        assertFalse(next.containsKey("eater_token"));
    }
}
