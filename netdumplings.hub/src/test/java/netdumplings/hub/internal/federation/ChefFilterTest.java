package netdumplings.hub.internal.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ChefFilterTest {

    @Test
    void anEaterNamingNoChefWantsEveryChefAndTheHubsOwnDumplingsAlwaysPass() {
        assertEquals(ChefFilter.ALL, ChefFilter.fromHello(Map.of("eater_name", "e")));
        assertEquals(ChefFilter.ALL, ChefFilter.fromHello(Map.of("chefs", List.of())));
        ChefFilter dns = ChefFilter.fromHello(Map.of("chefs", List.of("DNSLookupChef")));
        assertTrue(dns.accepts("DNSLookupChef"));
        assertFalse(dns.accepts("PacketCountChef"));
        assertTrue(dns.accepts(null), "status and history markers go to every eater");
        assertTrue(ChefFilter.NONE.accepts(null));
        assertFalse(ChefFilter.NONE.accepts("DNSLookupChef"));
    }

    @Test
    void chefsAreMatchedAsSubjectTokensSoADotInANameIsOneChef() {
        ChefFilter f = ChefFilter.of(List.of("a.b"));
        assertEquals(Set.of("a%2Eb"), f.tokens());
        assertTrue(f.accepts(Subjects.token("a.b")));
        assertFalse(f.accepts("b"));
    }

    @Test
    void unionCoverAndWhatOneSubscriptionCanRead() {
        ChefFilter a = ChefFilter.of(List.of("A"));
        ChefFilter b = ChefFilter.of(List.of("B"));
        ChefFilter ab = a.union(b);
        assertEquals(ChefFilter.of(List.of("A", "B")), ab);
        assertEquals(a, ChefFilter.NONE.union(a));
        assertEquals(ChefFilter.ALL, a.union(ChefFilter.ALL));
        assertTrue(ab.covers(a) && !a.covers(ab) && ChefFilter.ALL.covers(ab) && a.covers(ChefFilter.NONE));
        assertFalse(ab.covers(ChefFilter.ALL));
        assertTrue(a.intersects(ab) && !a.intersects(b) && !ChefFilter.NONE.intersects(ChefFilter.ALL));
        // One JetStream consumer takes one filter subject (nats-server 2.9): two chefs read as all.
        assertEquals(a, a.readable());
        assertEquals(ChefFilter.NONE, ChefFilter.NONE.readable());
        assertEquals(ChefFilter.ALL, ab.readable());
    }

    @Test
    void chefsThatAreNotAnArrayOfNamesAreRefused() {
        assertEquals("chefs must be an array of chef names (strings)",
                assertThrows(IllegalArgumentException.class, () -> ChefFilter.fromHello(Map.of("chefs", "A"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChefFilter.fromHello(Map.of("chefs", List.of(1))));
    }
}
