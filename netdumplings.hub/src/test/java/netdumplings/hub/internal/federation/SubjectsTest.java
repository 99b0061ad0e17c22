package netdumplings.hub.internal.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class SubjectsTest {

    @Test
    void plainNamesStayAsTheyAre() {
        assertEquals("netdumplings.d.hub-1.default_kitchen.PacketCountChef",
                new Subjects("netdumplings").dumplings("hub-1", "default_kitchen", "PacketCountChef"));
    }

    @Test
    void dotsWildcardsSpacesAndPercentAreEscapedSoEachNameIsOneToken() {
        assertEquals("a%2Eb%20%2A%3E%25", Subjects.token("a.b *>%"));
        // UTF-8 bytes, each escaped.
        assertEquals("%C3%A9", Subjects.token("é"));
        assertEquals("%", Subjects.token(""));
        assertEquals("%", Subjects.token(null));
        // Escaping is one to one: the escaped form of a name never equals another name's.
        assertNotEquals(Subjects.token("a.b"), Subjects.token("a%2Eb"));
    }
}
