package netdumplings.hub.internal.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class OffsetsTest {

    private static String stamp(String json) {
        return new String(Offsets.stamp(json.getBytes(StandardCharsets.UTF_8), 42, "e1"), StandardCharsets.UTF_8);
    }

    @Test
    void theFieldsCloseTheMetadataObjectAndTheRestStaysByteForByte() {
        assertEquals("{\"metadata\": {\"chef\": \"C\" ,\"offset\":42,\"epoch\":\"e1\"}, \"payload\": {\"x\": \"é\"}}",
                stamp("{\"metadata\": {\"chef\": \"C\" }, \"payload\": {\"x\": \"é\"}}"));
    }

    @Test
    void metadataAfterThePayloadIsFoundToo() {
        assertEquals("{\"payload\": {\"metadata\": {}}, \"metadata\":{\"chef\":\"C\",\"offset\":42,\"epoch\":\"e1\"}}",
                stamp("{\"payload\": {\"metadata\": {}}, \"metadata\":{\"chef\":\"C\"}}"));
    }

    @Test
    void anEmptyMetadataObjectGetsNoLeadingComma() {
        assertEquals("{\"metadata\":{\"offset\":42,\"epoch\":\"e1\"}}", stamp("{\"metadata\":{}}"));
    }

    /**
     * The byte scan finds the same closing brace as a JSON parser (Jackson, kept in
     * {@code Offsets.parsedMetadataEnd} for escaped keys, is the independent source here) in
     * JSON that could mislead a scan: braces, quotes and the word metadata inside strings,
     * nested arrays, a metadata that is not an object before the real one, escaped keys.
     */
    @Test
    void theScanFindsWhatAJsonParserFinds() {
        String[] cases = {
            "{\"metadata\": {\"chef\": \"C\"}, \"payload\": {}}",
            "  {\n\"payload\" : {\"s\": \"}{\\\"metadata\\\": {\", \"a\": [1, [2, {\"metadata\": {}}]]},\n\"metadata\" :\t{\"k\": \"v}\"} }",
            "{\"metadata\": \"not an object\", \"n\": -1.5e3, \"t\": true, \"z\": null, \"metadata\": {\"x\": [\"]\"]}}",
            "{\"metadata\": [{}], \"metadata\": {}}",
            "{\"meta\\u0064ata\": {\"chef\": \"C\"}}",
            "{\"k\\\"\": 1, \"metadata\": {\"\\\\\": \"\\\\\"}}",
            "{\"payload\": {\"é\": \"ü{\"}, \"metadata\": {\"chef\": \"ê\"}}",
            "{\"payload\": 1}",
            "{}",
            "[{\"metadata\": {}}]",
            "{\"metadata\": {\"unterminated\": \"",
            "",
        };
        for (String json : cases) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            assertEquals(Offsets.parsedMetadataEnd(bytes), Offsets.metadataEnd(bytes), json);
        }
        assertEquals(-1, Offsets.metadataEnd("{\"payload\": 1}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void offsetsOfManyDigitsAreWrittenInFull() {
        assertEquals("{\"metadata\":{\"offset\":9223372036854775807,\"epoch\":\"zz\"}}", new String(
                Offsets.stamp("{\"metadata\":{}}".getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE, "zz"),
                StandardCharsets.UTF_8));
        assertEquals("{\"metadata\":{\"offset\":0,\"epoch\":\"e\"}}", new String(
                Offsets.stamp("{\"metadata\":{}}".getBytes(StandardCharsets.UTF_8), 0, "e"), StandardCharsets.UTF_8));
    }

    @Test
    void withoutMetadataTheDumplingIsLeftAlone() {
        byte[] json = "{\"payload\": 1}".getBytes(StandardCharsets.UTF_8);
        assertSame(json, Offsets.stamp(json, 1, "e"));
    }
}
