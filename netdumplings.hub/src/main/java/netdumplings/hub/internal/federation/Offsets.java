package netdumplings.hub.internal.federation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Adds a dumpling's place in the history to its JSON, once per dumpling (every eater then
 * gets the same bytes): {@code "offset": N, "epoch": "E"} appended to its {@code metadata}
 * object, after the kitchen's own fields (so that, were a kitchen to send fields of those
 * names, ours come last, which is the one JSON readers keep). Everything else stays byte
 * for byte; eaters that know only the original protocol ignore the two fields.
 */
public final class Offsets {

    private static final JsonFactory JSON = new JsonFactory();

    private Offsets() {
    }

    /**
     * @param json   a dumpling (a JSON object with a {@code metadata} object), UTF-8
     * @param offset its offset
     * @param epoch  the history's epoch
     * @return the dumpling with both fields, or {@code json} itself when it has no
     *         {@code metadata} object to carry them (never the case for a dumpling the hub
     *         checked)
     */
    public static byte[] stamp(byte[] json, long offset, String epoch) {
        int end = metadataEnd(json);
        if (end < 0) {
            return json;
        }
        byte[] fields = (",\"offset\":" + offset + ",\"epoch\":\"" + epoch + "\"").getBytes(StandardCharsets.UTF_8);
        // An empty metadata object gets no leading comma.
        int skip = isEmptyObjectEnd(json, end) ? 1 : 0;
        byte[] out = new byte[json.length + fields.length - skip];
        System.arraycopy(json, 0, out, 0, end);
        System.arraycopy(fields, skip, out, end, fields.length - skip);
        System.arraycopy(json, end, out, end + fields.length - skip, json.length - end);
        return out;
    }

    /** @return the index of the {@code '}'} closing the top-level metadata object, or -1 */
    static int metadataEnd(byte[] json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                boolean metadata = "metadata".equals(p.currentName());
                JsonToken value = p.nextToken();
                if (metadata && value == JsonToken.START_OBJECT) {
                    p.skipChildren();
                    return (int) p.currentTokenLocation().getByteOffset();
                }
                p.skipChildren();
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean isEmptyObjectEnd(byte[] json, int end) {
        int i = end - 1;
        while (i >= 0 && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) {
            i--;
        }
        return i >= 0 && json[i] == '{';
    }

    /** @return the bytes of {@code json} (its own array when it is exactly that, else a copy) */
    public static byte[] bytesOf(java.nio.ByteBuffer json) {
        if (json.hasArray() && json.arrayOffset() == 0 && json.position() == 0 && json.remaining() == json.array().length) {
            return json.array();
        }
        byte[] copy = new byte[json.remaining()];
        json.duplicate().get(copy);
        return copy;
    }
}
