package netdumplings.launcher.internal.agent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How a launcher's values meet a configuration that may have been changed meanwhile (in
 * the Web Console): a value the launcher applied last time and that someone changed since
 * stays changed, unless the new command line gives that setting explicitly. The values a
 * launcher applied are kept in the configuration itself, under the private property
 * {@value #APPLIED} (a leading dot: not for display).
 */
final class ConfigMerge {

    /** The private property holding the values the launcher applied last, as JSON. */
    static final String APPLIED = ".netdumplings.launcher.applied";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigMerge() {
    }

    /** @return what the launcher applied last, from the configuration; empty if none */
    static Map<String, Object> previous(Dictionary<String, Object> current) {
        Object applied = current == null ? null : current.get(APPLIED);
        if (!(applied instanceof String json)) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    /** @return the keys whose current value someone changed and the launcher leaves alone */
    static List<String> keptChanges(Dictionary<String, Object> current, Map<String, Object> previous,
            Map<String, Object> values, Collection<String> explicit) {
        List<String> kept = new ArrayList<>();
        if (current == null) {
            return kept;
        }
        for (String key : values.keySet()) {
            if (changedSince(current, previous, key) && !explicit.contains(key)
                    && !same(current.get(key), values.get(key))) {
                kept.add(key);
            }
        }
        kept.sort(null);
        return kept;
    }

    /**
     * @return the configuration to store: the current one, with every launcher value that
     *         nobody changed since the last launch (or that the command line gave) set, and
     *         the record of what was applied
     */
    static Hashtable<String, Object> merge(Dictionary<String, Object> current, Map<String, Object> previous,
            Map<String, Object> values, Collection<String> explicit) {
        Hashtable<String, Object> next = new Hashtable<>();
        if (current != null) {
            for (Enumeration<String> keys = current.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                next.put(key, current.get(key));
            }
        }
        Map<String, Object> applied = new HashMap<>(previous);
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            String key = entry.getKey();
            if (current == null || explicit.contains(key) || !changedSince(current, previous, key)) {
                next.put(key, toConfigAdmin(entry.getValue()));
                applied.put(key, entry.getValue());
            }
        }
        // What the launcher set before and no longer gives (a token file left out) goes,
        // unless someone changed it since.
        for (Map.Entry<String, Object> entry : previous.entrySet()) {
            String key = entry.getKey();
            if (!values.containsKey(key) && current != null && same(current.get(key), entry.getValue())) {
                next.remove(key);
                applied.remove(key);
            }
        }
        try {
            next.put(APPLIED, JSON.writeValueAsString(applied));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return next;
    }

    private static boolean changedSince(Dictionary<String, Object> current, Map<String, Object> previous, String key) {
        return previous.containsKey(key) && current.get(key) != null && !same(current.get(key), previous.get(key));
    }

    /** Config Admin holds String[] where JSON has a list. */
    private static Object toConfigAdmin(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toArray(String[]::new);
        }
        return value;
    }

    /** Compares across representations: arrays and lists by elements, the rest by text. */
    static boolean same(Object a, Object b) {
        return canonical(a).equals(canonical(b));
    }

    private static Object canonical(Object value) {
        if (value instanceof Object[] array) {
            return java.util.Arrays.stream(array).map(String::valueOf).toList();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return String.valueOf(value);
    }
}
