package chefs.standard;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many times each name (a TLS server name, an HTTP host) was seen and when last, for a
 * chef's interval dumplings: {@code {"www.gstatic.com": {"count": 2, "latest": 1420290320.6}}}.
 * At most {@link #max(int)} names are kept: past it, the one seen least recently is
 * forgotten, and counted. Used from a kitchen's thread, but for {@link #max(int)}, which a
 * configuration change may call from another.
 */
final class NameCounts {

    private final String countKey;
    private volatile int max;
    private long forgotten;
    /** By name, least recently seen first (access order). */
    private final Map<String, Seen> names = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            boolean full = size() > max;
            if (full) {
                forgotten++;
            }
            return full;
        }
    };

    /**
     * @param countKey what each name's count is called in {@link #list()} ({@code count},
     *                 {@code requests})
     * @param max      how many names are kept (at least 1)
     */
    NameCounts(String countKey, int max) {
        this.countKey = countKey;
        max(max);
    }

    /** @param max how many names are kept from now on (at least 1); a smaller bound applies at the next {@link #list()} */
    void max(int max) {
        this.max = Math.max(1, max);
    }

    /**
     * @param name a name seen
     * @param when when (the packet's capture time)
     */
    void count(String name, double when) {
        Seen seen = names.computeIfAbsent(name, n -> new Seen());
        seen.count++;
        seen.latest = when;
    }

    /** @return how many names were forgotten to stay within the bound */
    long forgotten() {
        return forgotten;
    }

    /** @return each name with its count and latest sighting, least recently seen first */
    Map<String, Object> list() {
        // A smaller bound (reconfigured) applies here: the map only trims itself on a new name.
        for (var i = names.entrySet().iterator(); names.size() > max && i.hasNext(); ) {
            i.next();
            i.remove();
            forgotten++;
        }
        Map<String, Object> listed = new LinkedHashMap<>();
        names.forEach((name, seen) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put(countKey, seen.count);
            entry.put("latest", seen.latest);
            listed.put(name, entry);
        });
        return listed;
    }

    /** A name's count and latest sighting. */
    private static final class Seen {
        long count;
        double latest;
    }
}
