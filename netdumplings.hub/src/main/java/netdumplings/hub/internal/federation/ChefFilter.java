package netdumplings.hub.internal.federation;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which chefs' dumplings an eater wants, or a hub reads from NATS: every chef, some
 * chefs, or none. Chefs are held as subject tokens ({@link Subjects#token}), so a
 * dumpling read from NATS is matched by the last token of its subject without decoding,
 * and one from a kitchen by the token of its {@code metadata.chef}. Immutable.
 */
public final class ChefFilter {

    /** Every chef's dumplings (an eater that names no chefs). */
    public static final ChefFilter ALL = new ChefFilter(true, Set.of());
    /** No dumpling at all (the union over no eaters). */
    public static final ChefFilter NONE = new ChefFilter(false, Set.of());

    private final boolean all;
    private final Set<String> tokens;

    private ChefFilter(boolean all, Set<String> tokens) {
        this.all = all;
        this.tokens = tokens;
    }

    /**
     * @param chefs chef names; empty for every chef
     * @return the filter that lets those chefs' dumplings through
     */
    public static ChefFilter of(List<String> chefs) {
        if (chefs.isEmpty()) {
            return ALL;
        }
        Set<String> tokens = new HashSet<>();
        for (String chef : chefs) {
            tokens.add(Subjects.token(chef));
        }
        return new ChefFilter(false, Set.copyOf(tokens));
    }

    /**
     * The chef filter of an eater's hello: its additive field {@code "chefs"}, an array of
     * chef names (PROTOCOL.md); absent, null or empty for every chef.
     *
     * @throws IllegalArgumentException with a one-line reason when {@code chefs} is not an
     *                                  array of strings
     */
    public static ChefFilter fromHello(Map<String, Object> hello) {
        Object chefs = hello.get("chefs");
        if (chefs == null) {
            return ALL;
        }
        if (!(chefs instanceof List<?> list) || list.stream().anyMatch(c -> !(c instanceof String))) {
            throw new IllegalArgumentException("chefs must be an array of chef names (strings)");
        }
        return of(list.stream().map(String.class::cast).toList());
    }

    /**
     * @param chefToken a dumpling's chef as a subject token, or null for the hub's own
     *                  dumplings (status, history markers), which every eater gets
     * @return whether the dumpling passes
     */
    public boolean accepts(String chefToken) {
        return all || chefToken == null || tokens.contains(chefToken);
    }

    /** @return whether everything {@code other} lets through, this does too */
    public boolean covers(ChefFilter other) {
        return all || !other.all && tokens.containsAll(other.tokens);
    }

    /** @return what either lets through */
    public ChefFilter union(ChefFilter other) {
        if (all || other.all) {
            return ALL;
        }
        if (tokens.containsAll(other.tokens)) {
            return this;
        }
        if (other.tokens.containsAll(tokens)) {
            return other;
        }
        Set<String> both = new HashSet<>(tokens);
        both.addAll(other.tokens);
        return new ChefFilter(false, Set.copyOf(both));
    }

    /** @return whether some dumpling passes both */
    public boolean intersects(ChefFilter other) {
        if (isNone() || other.isNone()) {
            return false;
        }
        if (all || other.all) {
            return true;
        }
        for (String token : tokens) {
            if (other.tokens.contains(token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return what one JetStream subscription can read to cover this: itself for no chef or
     *         one chef, else every chef (nats-server 2.9 takes one filter subject per consumer)
     */
    public ChefFilter readable() {
        return all || tokens.size() <= 1 ? this : ALL;
    }

    /** @return whether every chef passes */
    public boolean isAll() {
        return all;
    }

    /** @return whether nothing passes */
    public boolean isNone() {
        return !all && tokens.isEmpty();
    }

    /** @return the chefs' subject tokens (empty for {@link #ALL} and {@link #NONE}), sorted */
    public Set<String> tokens() {
        return new TreeSet<>(tokens);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChefFilter f && f.all == all && f.tokens.equals(tokens);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(all) * 31 + tokens.hashCode();
    }

    @Override
    public String toString() {
        return all ? "every chef" : isNone() ? "no chef" : "chefs " + tokens();
    }
}
