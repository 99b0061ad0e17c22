package netdumplings.eater.internal;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A dumpling's place in the hub's history: the additive {@code metadata.offset} and
 * {@code metadata.epoch} (PROTOCOL.md). Reads the metadata object only.
 *
 * @param offset the offset
 * @param epoch  the epoch
 */
public record HistoryPosition(long offset, String epoch) {

    private static final JsonFactory JSON = new JsonFactory();

    /** @return the position of this dumpling's JSON, or null when it carries none */
    public static HistoryPosition of(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean metadata = "metadata".equals(p.currentName());
                JsonToken value = p.nextToken();
                if (metadata && value == JsonToken.START_OBJECT) {
                    return inMetadata(p);
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static HistoryPosition inMetadata(JsonParser p) throws IOException {
        long offset = -1;
        String epoch = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if ("offset".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                offset = p.getLongValue();
            } else if ("epoch".equals(name) && value == JsonToken.VALUE_STRING) {
                epoch = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return offset >= 0 && epoch != null ? new HistoryPosition(offset, epoch) : null;
    }
}
