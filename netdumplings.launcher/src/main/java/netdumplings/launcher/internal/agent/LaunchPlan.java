package netdumplings.launcher.internal.agent;

import java.util.List;
import java.util.Map;

/**
 * What a launcher hands to its runtime (as JSON in a system property): the configurations
 * to apply, by PID ({@code factoryPid~name} for a named factory configuration), and the
 * kitchen whose replay ends the runtime, if any.
 *
 * @param program      the launcher's name, for messages
 * @param configurations by PID: the values, and which of them the command line gave
 * @param watchKitchen the kitchen whose end ends the runtime (a replay of N loops), or null
 * @param terminal     whether stderr is a terminal (a progress line is shown then)
 */
public record LaunchPlan(String program, Map<String, Target> configurations, String watchKitchen, boolean terminal) {

    /**
     * @param values   the configuration's values: String, Integer, Double, Boolean, or a list of strings
     * @param explicit the keys the command line gave (they win over changes made in the Web Console)
     */
    public record Target(Map<String, Object> values, List<String> explicit) {
    }
}
