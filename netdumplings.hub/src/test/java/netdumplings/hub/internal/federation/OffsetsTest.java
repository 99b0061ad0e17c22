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

    @Test
    void withoutMetadataTheDumplingIsLeftAlone() {
        byte[] json = "{\"payload\": 1}".getBytes(StandardCharsets.UTF_8);
        assertSame(json, Offsets.stamp(json, 1, "e"));
    }
}
