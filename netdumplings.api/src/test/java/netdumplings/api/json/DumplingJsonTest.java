package netdumplings.api.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.EaterHello;
import netdumplings.api.InvalidDumplingException;
import netdumplings.api.InvalidDumplingPayloadException;
import netdumplings.api.KitchenHello;

/** The wire format of PROTOCOL.md, as {@link DumplingJson} writes and reads it. */
class DumplingJsonTest {

    private static final double TIME = 1795313383.8166428;

    private static Dumpling dumpling(Object payload) {
        return new Dumpling("PacketCountChef", "lo_kitchen", TIME, DumplingDriver.INTERVAL, payload);
    }

    private static Dumpling roundTrip(Dumpling d) {
        return DumplingJson.fromJson(DumplingJson.toJson(d));
    }

    // ---- round trips ----

    @Test
    void roundTripsAMapPayload() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("Ethernet", 198);
        counts.put("TCP", 194);
        Dumpling d = dumpling(Map.of("packet_counts", counts));
        assertEquals(d, roundTrip(d));
    }

    @Test
    void roundTripsAListPayload() {
        Dumpling d = dumpling(List.of("a", 1, true, 2.5));
        assertEquals(d, roundTrip(d));
    }

    @Test
    void roundTripsAStringPayload() {
        Dumpling d = dumpling("Ethernet / IP / TCP 10.0.0.1:80 > 10.0.0.2:5000 \u00e9\u4e2d");
        assertEquals(d, roundTrip(d));
    }

    @Test
    void roundTripsANumberPayload() {
        assertEquals(dumpling(42), roundTrip(dumpling(42)));
        assertEquals(dumpling(0.25), roundTrip(dumpling(0.25)));
    }

    @Test
    void roundTripsANullPayload() {
        Dumpling back = roundTrip(dumpling(null));
        assertNull(back.payload());
        assertEquals(dumpling(null), back);
    }

    @Test
    void roundTripsANullKitchen() {
        Dumpling d = new Dumpling("SystemStatusChef", null, TIME, DumplingDriver.PACKET, Map.of());
        Dumpling back = roundTrip(d);
        assertNull(back.kitchen());
        assertEquals(d, back);
        assertTrue(DumplingJson.toJson(d).contains("\"kitchen\":null"), DumplingJson.toJson(d));
    }

    @Test
    void bytesAndStringAgree() {
        Dumpling d = dumpling(Map.of("x", "\u00e9"));
        byte[] bytes = DumplingJson.toJsonBytes(d);
        assertArrayEquals(DumplingJson.toJson(d).getBytes(StandardCharsets.UTF_8), bytes);
        assertEquals(d, DumplingJson.fromJson(bytes));
    }

    // ---- exact text ----

    @Test
    void writesCreationTimeAsAPlainFloat() {
        assertTrue(DumplingJson.toJson(dumpling(null)).contains("\"creation_time\":1795313383.8166428,"));
    }

    @Test
    void writesAWholeCreationTimeWithAFraction() {
        Dumpling d = new Dumpling("C", "k", 5, DumplingDriver.PACKET, null);
        assertTrue(DumplingJson.toJson(d).contains("\"creation_time\":5.0,"), DumplingJson.toJson(d));
    }

    @Test
    void writesAKnownDumplingExactly() {
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("Ethernet", 198);
        counts.put("IP", 196);
        assertEquals("{\"metadata\":{\"chef\":\"PacketCountChef\",\"kitchen\":\"lo_kitchen\","
                + "\"creation_time\":1795313383.8166428,\"driver\":\"interval\"},"
                + "\"payload\":{\"packet_counts\":{\"Ethernet\":198,\"IP\":196}}}",
                DumplingJson.toJson(dumpling(Map.of("packet_counts", counts))));
    }

    @Test
    void writesAKitchenHelloWithSortedChefsAndAFloatPokeInterval() {
        KitchenHello hello = new KitchenHello("default_kitchen", "all", "tcp or udp or arp",
                List.of("netdumplings.dumplingchefs.DNSLookupChef", "netdumplings.dumplingchefs.ARPChef"), 5);
        String json = DumplingJson.toJson(hello);
        assertEquals("{\"kitchen_name\":\"default_kitchen\",\"interface\":\"all\","
                + "\"filter\":\"tcp or udp or arp\",\"chefs\":[\"netdumplings.dumplingchefs.ARPChef\","
                + "\"netdumplings.dumplingchefs.DNSLookupChef\"],\"poke_interval\":5.0}", json);
        KitchenHello back = DumplingJson.kitchenHelloFromJson(json);
        assertEquals(List.of("netdumplings.dumplingchefs.ARPChef", "netdumplings.dumplingchefs.DNSLookupChef"),
                back.chefs());
        assertEquals(5.0, back.pokeInterval());
    }

    @Test
    void readsAMinimalKitchenHelloWithDefaults() {
        KitchenHello hello = DumplingJson.kitchenHelloFromJson("{\"kitchen_name\": \"k\"}");
        assertEquals(new KitchenHello("k", "all", "", List.of(), 5.0), hello);
    }

    @Test
    void refusesAKitchenHelloWithoutAName() {
        InvalidDumplingException e = assertThrows(InvalidDumplingException.class,
                () -> DumplingJson.kitchenHelloFromJson("{\"interface\": \"all\"}"));
        assertEquals("kitchen_name is missing", e.getMessage());
    }

    @Test
    void writesAndReadsAnEaterHello() {
        String json = DumplingJson.toJson(new EaterHello("printereater"));
        assertEquals("{\"eater_name\":\"printereater\"}", json);
        assertEquals(new EaterHello("printereater"), DumplingJson.eaterHelloFromJson(json));
        assertEquals(new EaterHello("x"), DumplingJson.eaterHelloFromJson("{\"eater_name\": \"x\", \"more\": 1}"));
    }

    @Test
    void refusesAnEaterHelloWithoutAName() {
        InvalidDumplingException e = assertThrows(InvalidDumplingException.class,
                () -> DumplingJson.eaterHelloFromJson("{\"eater_name\": 3}"));
        assertEquals("eater_name must be a string, not a number", e.getMessage());
    }

    @Test
    void readsAnyObjectInOrder() {
        Map<String, Object> map = DumplingJson.objectFromJson("{\"b\": 1, \"a\": [true]}");
        assertEquals(List.of("b", "a"), List.copyOf(map.keySet()));
        assertEquals(List.of(true), map.get("a"));
    }

    @Test
    void readsAPythonDumplingWithSpacesAndExtraFields() {
        Dumpling d = DumplingJson.fromJson("{\"metadata\": {\"chef\": \"DNSLookupChef\", \"kitchen\": \"k\", "
                + "\"creation_time\": 1795313383, \"driver\": \"packet\", \"extra\": 1}, "
                + "\"payload\": {\"lookup\": {\"hostname\": \"example.com\", \"when\": 1.5}}, \"other\": 2}");
        assertEquals("DNSLookupChef", d.chef());
        assertEquals(1795313383.0, d.creationTime());
        assertEquals(DumplingDriver.PACKET, d.driver());
        assertEquals(Map.of("lookup", Map.of("hostname", "example.com", "when", 1.5)), d.payload());
    }

    @Test
    void readsAMissingKitchenAsNull() {
        assertNull(DumplingJson.fromJson("{\"metadata\": {\"chef\": \"C\", \"creation_time\": 1.0, "
                + "\"driver\": \"packet\"}, \"payload\": null}").kitchen());
    }

    // ---- invalid input ----

    private static String invalid(String json) {
        return assertThrows(InvalidDumplingException.class, () -> DumplingJson.fromJson(json)).getMessage();
    }

    private static String withMetadata(String metadata) {
        return "{\"metadata\": " + metadata + ", \"payload\": 1}";
    }

    @Test
    void refusesTextThatIsNotJson() {
        assertTrue(invalid("not json").startsWith("dumpling is not JSON: "), invalid("not json"));
    }

    @Test
    void refusesAnEmptyMessage() {
        assertEquals("dumpling is empty", invalid(""));
    }

    @Test
    void refusesJsonThatIsNotAnObject() {
        assertEquals("dumpling must be a JSON object, not an array", invalid("[1, 2]"));
        assertEquals("dumpling must be a JSON object, not a string", invalid("\"x\""));
    }

    @Test
    void refusesTrailingGarbage() {
        assertEquals("dumpling is not JSON: text after the end of the object",
                invalid(withMetadata("{\"chef\": \"C\", \"creation_time\": 1.0, \"driver\": \"packet\"}") + " {}"));
    }

    @Test
    void refusesADumplingWithoutMetadata() {
        assertEquals("dumpling has no metadata", invalid("{\"payload\": 1}"));
    }

    @Test
    void refusesMetadataThatIsNotAnObject() {
        assertEquals("metadata must be a JSON object", invalid(withMetadata("[1]")));
    }

    @Test
    void refusesAMissingChef() {
        assertEquals("metadata.chef is missing",
                invalid(withMetadata("{\"creation_time\": 1.0, \"driver\": \"packet\"}")));
    }

    @Test
    void refusesAChefThatIsNotAString() {
        assertEquals("metadata.chef must be a string, not a number",
                invalid(withMetadata("{\"chef\": 7, \"creation_time\": 1.0, \"driver\": \"packet\"}")));
    }

    @Test
    void refusesAKitchenThatIsNotAString() {
        assertEquals("metadata.kitchen must be a string, not an object", invalid(withMetadata(
                "{\"chef\": \"C\", \"kitchen\": {}, \"creation_time\": 1.0, \"driver\": \"packet\"}")));
    }

    @Test
    void refusesAMissingCreationTime() {
        assertEquals("metadata.creation_time must be a number of seconds",
                invalid(withMetadata("{\"chef\": \"C\", \"driver\": \"packet\"}")));
    }

    @Test
    void refusesACreationTimeThatIsNotANumber() {
        assertEquals("metadata.creation_time must be a number of seconds",
                invalid(withMetadata("{\"chef\": \"C\", \"creation_time\": \"1.0\", \"driver\": \"packet\"}")));
    }

    @Test
    void refusesAnUnknownDriver() {
        assertEquals("metadata.driver must be \"packet\" or \"interval\", not \"timer\"",
                invalid(withMetadata("{\"chef\": \"C\", \"creation_time\": 1.0, \"driver\": \"timer\"}")));
    }

    @Test
    void refusesAMissingDriver() {
        assertEquals("metadata.driver is missing",
                invalid(withMetadata("{\"chef\": \"C\", \"creation_time\": 1.0}")));
    }

    @Test
    void refusesAMissingPayload() {
        assertEquals("dumpling has no payload", invalid(
                "{\"metadata\": {\"chef\": \"C\", \"creation_time\": 1.0, \"driver\": \"packet\"}}"));
    }

    @Test
    void refusesAMessageOverOneMebibyte() {
        char[] big = new char[DumplingJson.MAX_MESSAGE_BYTES + 1];
        Arrays.fill(big, ' ');
        String json = new String(big);
        assertEquals("message of 1048577 characters is over the limit of 1048576 bytes", invalid(json));
        assertThrows(InvalidDumplingException.class, () -> DumplingJson.chefOf(json));
    }

    @Test
    void refusesUtf8BytesOverOneMebibyteEvenWhenFewerCharacters() {
        // 2-byte characters: fewer chars than the limit, more bytes.
        byte[] json = ("{\"x\": \"" + "\u00e9".repeat(DumplingJson.MAX_MESSAGE_BYTES / 2) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        InvalidDumplingException e = assertThrows(InvalidDumplingException.class, () -> DumplingJson.fromJson(json));
        assertEquals("message of " + json.length + " bytes is over the limit of 1048576 bytes", e.getMessage());
    }

    @Test
    void refusesToWriteADumplingOverOneMebibyte() {
        String payload = "x".repeat(DumplingJson.MAX_MESSAGE_BYTES);
        InvalidDumplingPayloadException e = assertThrows(InvalidDumplingPayloadException.class,
                () -> DumplingJson.toJsonBytes(dumpling(payload)));
        assertTrue(e.getMessage().contains("over the limit of 1048576"), e.getMessage());
    }

    @Test
    void refusesAPayloadThatIsNotJsonAble() {
        InvalidDumplingPayloadException e = assertThrows(InvalidDumplingPayloadException.class,
                () -> DumplingJson.toJsonBytes(dumpling(new Object())));
        assertTrue(e.getMessage().startsWith("payload of chef PacketCountChef is not JSON-able: "), e.getMessage());
        assertThrows(InvalidDumplingPayloadException.class, () -> DumplingJson.valueToJson(new Object()));
    }

    @Test
    void refusesANonFiniteCreationTime() {
        Dumpling d = new Dumpling("C", "k", Double.NaN, DumplingDriver.PACKET, null);
        assertThrows(InvalidDumplingException.class, () -> DumplingJson.toJsonBytes(d));
    }

    // ---- the hub's check ----

    @Test
    void chefOfReturnsTheChefOfAGoodFrame() {
        assertEquals("PacketCountChef", DumplingJson.chefOf(DumplingJson.toJson(dumpling(1))));
        // Only the chef is checked: the hub forwards anything else unchanged.
        assertEquals("X", DumplingJson.chefOf("{\"metadata\": {\"chef\": \"X\"}}"));
    }

    @Test
    void chefOfRefusesBadFrames() {
        assertEquals("metadata.chef is missing", assertThrows(InvalidDumplingException.class,
                () -> DumplingJson.chefOf("{\"metadata\": {}}")).getMessage());
        assertEquals("dumpling has no metadata", assertThrows(InvalidDumplingException.class,
                () -> DumplingJson.chefOf("{}")).getMessage());
        assertTrue(assertThrows(InvalidDumplingException.class,
                () -> DumplingJson.chefOf("{oops")).getMessage().startsWith("dumpling is not JSON: "));
    }

    /** The original hub reads metadata.chef of any type; only a missing one is refused. */
    @Test
    void forwardedChefOfTakesAnyTypeAsTheOriginal() {
        assertEquals("X", DumplingJson.forwardedChefOf("{\"metadata\": {\"chef\": \"X\"}}"));
        assertEquals("42", DumplingJson.forwardedChefOf("{\"metadata\": {\"chef\": 42}}"));
        assertEquals("null", DumplingJson.forwardedChefOf("{\"metadata\": {\"chef\": null}}"));
        assertEquals("[\"a\"]", DumplingJson.forwardedChefOf("{\"metadata\": {\"chef\": [\"a\"]}}"));
        assertEquals("metadata.chef is missing", assertThrows(InvalidDumplingException.class,
                () -> DumplingJson.forwardedChefOf("{\"metadata\": {}}")).getMessage());
        assertThrows(InvalidDumplingException.class, () -> DumplingJson.forwardedChefOf("[1]"));
    }

    /**
     * The one-pass reading gives what the original hub reads: Python's json.loads keeps the
     * last of repeated names ("ignores all but the last name-value pair for a given name",
     * the json module's documentation), and dumpling['metadata']['chef'] fails when
     * metadata is not an object. From a String and from a window of a char array alike.
     */
    @Test
    void forwardedChefInOnePassReadsAsTheOriginal() {
        Map<String, String> chefs = new LinkedHashMap<>();
        chefs.put("{\"metadata\": {\"chef\": \"A\"}, \"metadata\": {\"chef\": \"B\"}}", "B");
        chefs.put("{\"metadata\": {\"chef\": \"A\", \"chef\": 7}}", "7");
        chefs.put("{\"metadata\": {\"chef\": 7, \"chef\": \"A\"}}", "A");
        chefs.put("{\"payload\": {\"metadata\": {\"chef\": \"Nested\"}}, \"metadata\": {\"chef\": \"Top\"}}", "Top");
        chefs.put("  {\"metadata\": {\"kitchen\": \"k\", \"chef\": \"\\u00e9t\u00e9\"}, \"payload\": [1, 2.5e3, null]}  ",
                "\u00e9t\u00e9");
        for (Map.Entry<String, String> c : chefs.entrySet()) {
            assertEquals(c.getValue(), DumplingJson.forwardedChefOf(c.getKey()), c.getKey());
            assertEquals(c.getValue(), forwardedChefOfWindow(c.getKey()), c.getKey());
        }
        for (String bad : List.of("{\"metadata\": {\"chef\": \"A\"}, \"metadata\": 1}",
                "{\"metadata\": {\"chef\": \"A\"}} {}", "{\"metadata\": {\"chef\": \"A\"}, \"payload\": [1,]}",
                "{\"metadata\": {\"chef\": \"A\"}", "\"metadata\"", "")) {
            String message = assertThrows(InvalidDumplingException.class, () -> DumplingJson.forwardedChefOf(bad), bad)
                    .getMessage();
            assertEquals(message, assertThrows(InvalidDumplingException.class, () -> forwardedChefOfWindow(bad), bad)
                    .getMessage(), "the same error either way: " + bad);
        }
    }

    /** forwardedChefOf(char[], offset, length) on {@code json} with other characters around it. */
    private static String forwardedChefOfWindow(String json) {
        char[] around = ("xx" + json + "}}").toCharArray();
        return DumplingJson.forwardedChefOf(around, 2, json.length());
    }
}
