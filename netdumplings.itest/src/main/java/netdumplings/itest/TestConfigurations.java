package netdumplings.itest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.service.cm.Configuration;

/** The Config Admin configurations a test sets, remembered so that they are deleted after it. */
final class TestConfigurations {

    private final List<Configuration> set = new ArrayList<>();

    /** Gives the configuration these properties (replacing its own) and remembers it. */
    void update(Configuration configuration, Map<String, Object> properties) throws IOException {
        configuration.update(new Hashtable<>(properties));
        if (!set.contains(configuration)) {
            set.add(configuration);
        }
    }

    /** Deletes every configuration set so far. */
    void deleteAll() throws IOException {
        for (Configuration configuration : set) {
            configuration.delete();
        }
        set.clear();
    }
}
