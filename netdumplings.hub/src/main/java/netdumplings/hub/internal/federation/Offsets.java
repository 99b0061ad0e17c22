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
 *
 * <p>This runs for every dumpling read from NATS, so the metadata object is found by a
 * bounded scan of the bytes (strings and nesting skipped, nothing allocated) rather than a
 * JSON parser per dumpling: a parser per dumpling was about a sixth of a federated hub's
 * allocation. The input is a dumpling the publishing hub checked, i.e. valid JSON; a key
 * written with escapes (never seen in practice) is left to Jackson, which decodes it.
 */
public final class Offsets {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] METADATA = "metadata".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OFFSET = ",\"offset\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EPOCH = ",\"epoch\":\"".getBytes(StandardCharsets.US_ASCII);

    private Offsets() {
    }

    /**
     * @param json   a dumpling (a JSON object with a {@code metadata} object), UTF-8
     * @param offset its offset (not negative)
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
        byte[] epochBytes = epoch.getBytes(StandardCharsets.UTF_8);
        int digits = digits(offset);
        // An empty metadata object gets no leading comma.
        int skip = isEmptyObjectEnd(json, end) ? 1 : 0;
        int added = OFFSET.length + digits + EPOCH.length + epochBytes.length + 1 - skip;
        byte[] out = new byte[json.length + added];
        System.arraycopy(json, 0, out, 0, end);
        int o = end;
        System.arraycopy(OFFSET, skip, out, o, OFFSET.length - skip);
        o += OFFSET.length - skip;
        long v = offset;
        for (int d = o + digits - 1; d >= o; d--) {
            out[d] = (byte) ('0' + v % 10);
            v /= 10;
        }
        o += digits;
        System.arraycopy(EPOCH, 0, out, o, EPOCH.length);
        o += EPOCH.length;
        System.arraycopy(epochBytes, 0, out, o, epochBytes.length);
        o += epochBytes.length;
        out[o++] = '"';
        System.arraycopy(json, end, out, o, json.length - end);
        return out;
    }

    private static int digits(long v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** @return the index of the {@code '}'} closing the top-level metadata object, or -1 */
    static int metadataEnd(byte[] json) {
        int n = json.length;
        int i = skipSpace(json, 0);
        if (i >= n || json[i] != '{') {
            return -1;
        }
        i++;
        while (true) {
            i = skipSpace(json, i);
            if (i >= n || json[i] != '"') {
                return -1; // the object's end (or not JSON): no metadata object
            }
            int keyEnd = stringEnd(json, i);
            if (keyEnd < 0) {
                return -1;
            }
            boolean metadata = isMetadata(json, i + 1, keyEnd);
            for (int k = i + 1; k < keyEnd; k++) {
                if (json[k] == '\\') {
                    return parsedMetadataEnd(json); // an escaped key: let a parser decode it
                }
            }
            i = skipSpace(json, keyEnd + 1);
            if (i >= n || json[i] != ':') {
                return -1;
            }
            i = skipSpace(json, i + 1);
            if (i >= n) {
                return -1;
            }
            int valueEnd = valueEnd(json, i);
            if (valueEnd < 0) {
                return -1;
            }
            if (metadata && json[i] == '{') {
                return valueEnd - 1;
            }
            i = skipSpace(json, valueEnd);
            if (i >= n || json[i] != ',') {
                return -1;
            }
            i++;
        }
    }

    private static boolean isMetadata(byte[] json, int from, int to) {
        if (to - from != METADATA.length) {
            return false;
        }
        for (int k = 0; k < METADATA.length; k++) {
            if (json[from + k] != METADATA[k]) {
                return false;
            }
        }
        return true;
    }

    /** @return the index just after the value starting at {@code i}, or -1 if it does not end */
    private static int valueEnd(byte[] json, int i) {
        byte c = json[i];
        if (c == '"') {
            int end = stringEnd(json, i);
            return end < 0 ? -1 : end + 1;
        }
        if (c != '{' && c != '[') {
            int k = i;
            while (k < json.length && json[k] != ',' && json[k] != '}' && json[k] != ']' && !isSpace(json[k])) {
                k++;
            }
            return k;
        }
        int depth = 0;
        for (int k = i; k < json.length; k++) {
            byte b = json[k];
            if (b == '"') {
                k = stringEnd(json, k);
                if (k < 0) {
                    return -1;
                }
            } else if (b == '{' || b == '[') {
                depth++;
            } else if ((b == '}' || b == ']') && --depth == 0) {
                return k + 1;
            }
        }
        return -1;
    }

    /** @return the index of the quote closing the string opened at {@code i}, or -1 */
    private static int stringEnd(byte[] json, int i) {
        for (int k = i + 1; k < json.length; k++) {
            if (json[k] == '\\') {
                k++;
            } else if (json[k] == '"') {
                return k;
            }
        }
        return -1;
    }

    private static int skipSpace(byte[] json, int i) {
        while (i < json.length && isSpace(json[i])) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** The same search with a JSON parser, which decodes escaped keys. */
    static int parsedMetadataEnd(byte[] json) {
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
        while (i >= 0 && isSpace(json[i])) {
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
