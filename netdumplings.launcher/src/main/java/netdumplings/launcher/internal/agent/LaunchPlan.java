package netdumplings.launcher.internal.agent;

import java.util.List;
import java.util.Map;

/**
 * What a launcher hands to its runtime (as JSON in a system property): the configurations
 * to apply, by PID ({@code factoryPid~name} for a named factory configuration), and what
 * ends the runtime besides a signal ({@link RuntimeWatcher}).
 *
 * @param program        the launcher's name, for messages
 * @param configurations by PID: the values, and which of them the command line gave
 * @param kitchen        the launcher's own kitchen (by {@code kitchen_name}), or null
 * @param kitchenFailureEnds whether that kitchen's failure (or no chef for it) ends the runtime
 *                       with status 1: nd-sniff, whose only kitchen it is
 * @param replayEnds     whether that kitchen's end (a replay of N loops) ends the runtime
 *                       with a summary and status 0
 * @param hubFailureEnds whether a hub that could not start at all ends the runtime with status 1
 * @param terminal       whether stderr is a terminal (a progress line is shown then)
 */
public record LaunchPlan(String program, Map<String, Target> configurations, String kitchen,
        boolean kitchenFailureEnds, boolean replayEnds, boolean hubFailureEnds, boolean terminal) {

    /**
     * @param values   the configuration's values: String, Integer, Double, Boolean, or a list of strings
     * @param explicit the keys the command line gave (they win over changes made in the Web Console)
     */
    public record Target(Map<String, Object> values, List<String> explicit) {
    }
}
