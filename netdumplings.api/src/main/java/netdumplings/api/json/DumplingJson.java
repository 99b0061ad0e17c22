package netdumplings.api.json;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.EaterHello;
import netdumplings.api.InvalidDumplingException;
import netdumplings.api.InvalidDumplingPayloadException;
import netdumplings.api.KitchenHello;

/**
 * Writes and reads dumplings and hellos in the wire format of PROTOCOL.md.
 * <p>
 * Every method is thread-safe. Reading never trusts its input: anything that is not the
 * wire format is refused with an {@link InvalidDumplingException} whose message says what
 * is wrong, and no input larger than {@link #MAX_MESSAGE_BYTES} is read.
 */
public final class DumplingJson {

    /** The largest message the protocol accepts: 1 MiB, as the original hub. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    /** JSON nesting allowed in a payload: deep enough for any chef, shallow enough to be safe. */
    private static final int MAX_NESTING_DEPTH = 200;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_MESSAGE_BYTES)
                    .build())
            .build())
            // A payload Jackson would write as "{}" is a bean it does not understand: refuse it.
            .enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private DumplingJson() {
    }

    /**
     * Writes a dumpling as UTF-8 JSON: {@code {"metadata": {"chef", "kitchen",
     * "creation_time", "driver"}, "payload": ...}}, with {@code creation_time} a plain
     * decimal number of seconds.
     *
     * @param dumpling the dumpling; never null
     * @return its JSON, in UTF-8
     * @throws InvalidDumplingPayloadException if the payload is not JSON-able, or the
     *         dumpling would be larger than {@link #MAX_MESSAGE_BYTES}
     */
    public static byte[] toJsonBytes(Dumpling dumpling) {
        requireNonNull(dumpling, "dumpling");
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("metadata");
            g.writeStringField("chef", dumpling.chef());
            g.writeStringField("kitchen", dumpling.kitchen());
            g.writeFieldName("creation_time");
            writeSeconds(g, dumpling.creationTime());
            g.writeStringField("driver", dumpling.driver().wireName());
            g.writeEndObject();
            g.writeFieldName("payload");
            MAPPER.writeValue(g, dumpling.payload());
            g.writeEndObject();
        } catch (JsonProcessingException e) {
            throw new InvalidDumplingPayloadException("payload of chef " + dumpling.chef()
                    + " is not JSON-able: " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new InvalidDumplingPayloadException("payload of chef " + dumpling.chef()
                    + " is not JSON-able: " + e, e);
        }
        byte[] json = out.toByteArray();
        if (json.length > MAX_MESSAGE_BYTES) {
            throw new InvalidDumplingPayloadException("dumpling of chef " + dumpling.chef() + " is "
                    + json.length + " bytes, over the limit of " + MAX_MESSAGE_BYTES);
        }
        return json;
    }

    /**
     * @param dumpling the dumpling; never null
     * @return its JSON as a string
     * @see #toJsonBytes(Dumpling)
     */
    public static String toJson(Dumpling dumpling) {
        return new String(toJsonBytes(dumpling), StandardCharsets.UTF_8);
    }

    /**
     * Reads a dumpling. {@code metadata.chef} must be a string, {@code metadata.kitchen} a
     * string or null (or absent), {@code metadata.creation_time} a number,
     * {@code metadata.driver} {@code "packet"} or {@code "interval"}, and {@code payload}
     * present. Other fields are allowed and ignored (extensions are additive). The
     * payload is returned as plain Java values: {@code Map}, {@code List}, {@code String},
     * {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean} or
     * null.
     *
     * @param json the JSON text; never null
     * @return the dumpling
     * @throws InvalidDumplingException if it is not a valid dumpling
     */
    public static Dumpling fromJson(String json) {
        requireNonNull(json, "json");
        checkSize(json.length());
        return toDumpling(readObject(json, "dumpling"));
    }

    /**
     * @param json UTF-8 JSON; never null
     * @return the dumpling
     * @throws InvalidDumplingException if it is not a valid dumpling
     * @see #fromJson(String)
     */
    public static Dumpling fromJson(byte[] json) {
        requireNonNull(json, "json");
        // Checked before decoding: multi-byte characters make the string shorter than the bytes.
        if (json.length > MAX_MESSAGE_BYTES) {
            throw new InvalidDumplingException("message of " + json.length + " bytes is over the limit of "
                    + MAX_MESSAGE_BYTES + " bytes");
        }
        return fromJson(new String(json, StandardCharsets.UTF_8));
    }

    /**
     * The hub's check of a kitchen's frame, and nothing more: it must be a JSON object
     * with a string {@code metadata.chef}.
     *
     * @param json the frame; never null
     * @return the chef's name
     * @throws InvalidDumplingException if the frame is not JSON or has no
     *         {@code metadata.chef}
     */
    public static String chefOf(String json) {
        requireNonNull(json, "json");
        checkSize(json.length());
        ObjectNode root = readObject(json, "dumpling");
        return text(metadataOf(root), "chef", "metadata.chef", false);
    }

    /**
     * The original hub's check of a kitchen's frame: a JSON object with a
     * {@code metadata.chef} of any type (it reads {@code dumpling['metadata']['chef']} and
     * forwards whatever it finds), so a hub forwards what the original forwards.
     *
     * @param json the frame; never null
     * @return the chef's name: a string as it is, any other value as its JSON text
     *         ({@code 42}, {@code null}, {@code ["a"]}), for subjects, filters and logs
     * @throws InvalidDumplingException if the frame is not a JSON object or has no
     *         {@code metadata.chef}
     * @since 1.1
     */
    public static String forwardedChefOf(String json) {
        requireNonNull(json, "json");
        checkSize(json.length()); // before the copy
        return forwardedChefOf(json.toCharArray(), 0, json.length());
    }

    /**
     * {@link #forwardedChefOf(String)} on characters in an array (a buffer the caller
     * reuses): a valid dumpling with a string chef is read in one pass, without a copy
     * and without building its tree.
     *
     * @param json   the frame's characters; never null
     * @param offset where the frame starts in {@code json}
     * @param length how many characters it has
     * @return the chef's name, as {@link #forwardedChefOf(String)} gives it
     * @throws InvalidDumplingException as {@link #forwardedChefOf(String)}
     * @since 1.2
     */
    public static String forwardedChefOf(char[] json, int offset, int length) {
        requireNonNull(json, "json");
        java.util.Objects.checkFromIndexSize(offset, length, json.length);
        checkSize(length);
        try (JsonParser parser = MAPPER.createParser(json, offset, length)) {
            String chef = chefInOnePass(parser);
            if (chef != null) {
                return chef;
            }
        } catch (IOException e) {
            // Not a plain valid dumpling: the full reading below says exactly what is wrong.
        }
        return forwardedChefByTree(new String(json, offset, length));
    }

    /**
     * The common case of {@link #forwardedChefOf(String)} in one pass over the tokens (every
     * token is read, so the whole frame is checked as JSON, with the same limits): a JSON
     * object whose last {@code metadata} is an object whose last {@code chef} is a string,
     * as the tree would hold them.
     *
     * @return that chef, or null for anything else (the tree then decides)
     * @throws IOException if the frame is not JSON
     */
    private static String chefInOnePass(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String chef = null;
        for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
            JsonToken value = parser.nextToken();
            if (!field.equals("metadata")) {
                parser.skipChildren();
                continue;
            }
            chef = null; // a later metadata replaces an earlier one
            if (value != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            for (String inner = parser.nextFieldName(); inner != null; inner = parser.nextFieldName()) {
                JsonToken innerValue = parser.nextToken();
                if (inner.equals("chef")) {
                    chef = innerValue == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
            return null;
        }
        return chef;
    }

    private static String forwardedChefByTree(String json) {
        JsonNode chef = metadataOf(readObject(json, "dumpling")).get("chef");
        if (chef == null) {
            throw new InvalidDumplingException("metadata.chef is missing");
        }
        return chef.isTextual() ? chef.asText() : chef.toString();
    }

    /**
     * Writes a kitchen's hello, with {@code chefs} sorted.
     *
     * @param hello the hello; never null
     * @return its JSON
     */
    public static String toJson(KitchenHello hello) {
        requireNonNull(hello, "hello");
        List<String> chefs = new ArrayList<>(hello.chefs());
        chefs.sort(null);
        try (var w = new java.io.StringWriter(); JsonGenerator g = MAPPER.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("kitchen_name", hello.kitchenName());
            g.writeStringField("interface", hello.interfaceName());
            g.writeStringField("filter", hello.filter());
            g.writeArrayFieldStart("chefs");
            for (String chef : chefs) {
                g.writeString(chef);
            }
            g.writeEndArray();
            g.writeFieldName("poke_interval");
            writeSeconds(g, hello.pokeInterval());
            g.writeEndObject();
            g.flush();
            return w.toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a kitchen hello", e);
        }
    }

    /**
     * Reads a kitchen's hello: a JSON object with a string {@code kitchen_name}. The
     * other fields are optional, as a Python kitchen may send fewer; they default to
     * {@code "all"}, {@code ""}, no chefs and 5 seconds.
     *
     * @param json the first frame of a kitchen; never null
     * @return the hello
     * @throws InvalidDumplingException if it is not a kitchen hello
     */
    public static KitchenHello kitchenHelloFromJson(String json) {
        requireNonNull(json, "json");
        checkSize(json.length());
        ObjectNode root = readObject(json, "kitchen hello");
        String name = text(root, "kitchen_name", "kitchen_name", false);
        String iface = optionalText(root, "interface", "all");
        String filter = optionalText(root, "filter", "");
        List<String> chefs = new ArrayList<>();
        JsonNode chefNodes = root.get("chefs");
        if (chefNodes != null && !chefNodes.isNull()) {
            if (!chefNodes.isArray()) {
                throw new InvalidDumplingException("kitchen hello: chefs must be an array of strings");
            }
            for (JsonNode chef : chefNodes) {
                if (!chef.isTextual()) {
                    throw new InvalidDumplingException("kitchen hello: chefs must be an array of strings");
                }
                chefs.add(chef.asText());
            }
        }
        double poke = 5.0;
        JsonNode pokeNode = root.get("poke_interval");
        if (pokeNode != null && !pokeNode.isNull()) {
            if (!pokeNode.isNumber()) {
                throw new InvalidDumplingException("kitchen hello: poke_interval must be a number");
            }
            poke = pokeNode.asDouble();
        }
        return new KitchenHello(name, iface, filter, chefs, poke);
    }

    /**
     * @param hello an eater's hello; never null
     * @return its JSON: {@code {"eater_name": "..."}}
     */
    public static String toJson(EaterHello hello) {
        requireNonNull(hello, "hello");
        ObjectNode root = MAPPER.createObjectNode();
        root.put("eater_name", hello.eaterName());
        return root.toString();
    }

    /**
     * Reads an eater's hello: a JSON object with a string {@code eater_name}.
     *
     * @param json the first frame of an eater; never null
     * @return the hello
     * @throws InvalidDumplingException if it is not an eater hello
     */
    public static EaterHello eaterHelloFromJson(String json) {
        requireNonNull(json, "json");
        checkSize(json.length());
        return new EaterHello(text(readObject(json, "eater hello"), "eater_name", "eater_name", false));
    }

    /**
     * Reads any JSON object, such as a hello, into plain Java values, for code that keeps
     * what a peer sent as it was (the hub's status shows each hello unchanged).
     *
     * @param json a JSON object; never null
     * @return its fields, in order
     * @throws InvalidDumplingException if it is not a JSON object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> objectFromJson(String json) {
        requireNonNull(json, "json");
        checkSize(json.length());
        return MAPPER.convertValue(readObject(json, "message"), Map.class);
    }

    /**
     * Writes any JSON-able value, as the payloads of dumplings are written.
     *
     * @param value the value
     * @return its JSON
     * @throws InvalidDumplingPayloadException if it is not JSON-able
     */
    public static String valueToJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new InvalidDumplingPayloadException("value is not JSON-able: " + e.getMessage(), e);
        }
    }

    private static Dumpling toDumpling(ObjectNode root) {
        ObjectNode metadata = metadataOf(root);
        String chef = text(metadata, "chef", "metadata.chef", false);
        String kitchen = text(metadata, "kitchen", "metadata.kitchen", true);
        JsonNode time = metadata.get("creation_time");
        if (time == null || !time.isNumber()) {
            throw new InvalidDumplingException("metadata.creation_time must be a number of seconds");
        }
        String driver = text(metadata, "driver", "metadata.driver", false);
        if (!root.has("payload")) {
            throw new InvalidDumplingException("dumpling has no payload");
        }
        Object payload = MAPPER.convertValue(root.get("payload"), Object.class);
        return new Dumpling(chef, kitchen, time.asDouble(), DumplingDriver.fromWireName(driver), payload);
    }

    private static ObjectNode metadataOf(ObjectNode root) {
        JsonNode metadata = root.get("metadata");
        if (metadata == null) {
            throw new InvalidDumplingException("dumpling has no metadata");
        }
        if (!metadata.isObject()) {
            throw new InvalidDumplingException("metadata must be a JSON object");
        }
        return (ObjectNode) metadata;
    }

    private static ObjectNode readObject(String json, String what) {
        JsonNode node;
        try (JsonParser parser = MAPPER.createParser(json)) {
            node = MAPPER.readTree(parser);
            if (node != null && parser.nextToken() != null) {
                throw new InvalidDumplingException(what + " is not JSON: text after the end of the object");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidDumplingException(what + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidDumplingException(what + " cannot be read: " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidDumplingException(what + " is empty");
        }
        if (!node.isObject()) {
            throw new InvalidDumplingException(what + " must be a JSON object, not " + describe(node));
        }
        return (ObjectNode) node;
    }

    private static String text(ObjectNode node, String field, String path, boolean nullable) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (nullable) {
                return null;
            }
            throw new InvalidDumplingException(path + " is missing");
        }
        if (!value.isTextual()) {
            throw new InvalidDumplingException(path + " must be a string, not " + describe(value));
        }
        return value.asText();
    }

    private static String optionalText(ObjectNode node, String field, String otherwise) {
        String value = text(node, field, field, true);
        return value == null ? otherwise : value;
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case OBJECT -> "an object";
            case STRING -> "a string";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static void checkSize(int chars) {
        // A char is at least one UTF-8 byte: a string longer than the limit is over it.
        if (chars > MAX_MESSAGE_BYTES) {
            throw new InvalidDumplingException("message of " + chars + " characters is over the limit of "
                    + MAX_MESSAGE_BYTES + " bytes");
        }
    }

    /** Seconds as Python writes a float: a plain decimal, always with a fraction. */
    private static void writeSeconds(JsonGenerator g, double seconds) throws IOException {
        if (!Double.isFinite(seconds)) {
            throw new InvalidDumplingException("a time must be a finite number of seconds, not " + seconds);
        }
        String plain = BigDecimal.valueOf(seconds).toPlainString();
        g.writeNumber(plain.indexOf('.') < 0 ? plain + ".0" : plain);
    }
}
