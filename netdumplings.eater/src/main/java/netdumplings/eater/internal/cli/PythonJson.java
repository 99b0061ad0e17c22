package netdumplings.eater.internal.cli;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes decoded JSON values exactly as Python's
 * {@code json.dumps(value, sort_keys=True, indent=4, separators=(',', ': '))} does, which
 * is what the original command-line eaters print: keys sorted by code point, four-space
 * indent, non-ASCII escaped as {@code \\uXXXX} ({@code ensure_ascii}), floats as Python's
 * {@code repr}.
 */
final class PythonJson {

    private static final String INDENT = "    ";

    /** ANSI colours for {@link #dumps(Object, boolean)} with colour on. */
    private static final String KEY = "\u001b[94m";
    private static final String STRING = "\u001b[33m";
    private static final String NUMBER = "\u001b[34m";
    private static final String CONSTANT = "\u001b[34m";
    private static final String RESET = "\u001b[39;49;00m";

    private PythonJson() {
    }

    /**
     * @param value  a value as {@code DumplingJson} decodes payloads: Map, List, String,
     *               Number, Boolean or null
     * @param colour whether to colour keys and values with ANSI codes
     * @return its pretty-printed JSON, without a trailing newline
     */
    static String dumps(Object value, boolean colour) {
        StringBuilder out = new StringBuilder(256);
        write(out, value, 0, colour);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int depth, boolean colour) {
        if (value == null) {
            coloured(out, "null", CONSTANT, colour);
        } else if (value instanceof String s) {
            if (colour) {
                out.append(STRING);
            }
            quote(out, s);
            if (colour) {
                out.append(RESET);
            }
        } else if (value instanceof Boolean b) {
            coloured(out, b ? "true" : "false", CONSTANT, colour);
        } else if (value instanceof Double || value instanceof Float) {
            coloured(out, floatRepr(((Number) value).doubleValue()), NUMBER, colour);
        } else if (value instanceof BigDecimal d) {
            coloured(out, floatRepr(d.doubleValue()), NUMBER, colour);
        } else if (value instanceof Number n) {
            coloured(out, n instanceof BigInteger ? n.toString() : Long.toString(n.longValue()), NUMBER, colour);
        } else if (value instanceof Map<?, ?> map) {
            writeObject(out, map, depth, colour);
        } else if (value instanceof Collection<?> list) {
            writeArray(out, list, depth, colour);
        } else if (value instanceof Object[] array) {
            writeArray(out, List.of(array), depth, colour);
        } else {
            // Not a decoded JSON value: print it as a string rather than fail.
            write(out, value.toString(), depth, colour);
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map, int depth, boolean colour) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<String> keys = new ArrayList<>(map.size());
        for (Object key : map.keySet()) {
            keys.add(String.valueOf(key));
        }
        // Python compares str by code point; String.compareTo by UTF-16 unit.
        keys.sort(PythonJson::compareCodePoints);
        out.append('{');
        boolean first = true;
        for (String key : keys) {
            out.append(first ? "\n" : ",\n");
            first = false;
            indent(out, depth + 1);
            if (colour) {
                out.append(KEY);
            }
            quote(out, key);
            if (colour) {
                out.append(RESET);
            }
            out.append(": ");
            write(out, map.get(key), depth + 1, colour);
        }
        out.append('\n');
        indent(out, depth);
        out.append('}');
    }

    private static void writeArray(StringBuilder out, Collection<?> list, int depth, boolean colour) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : list) {
            out.append(first ? "\n" : ",\n");
            first = false;
            indent(out, depth + 1);
            write(out, item, depth + 1, colour);
        }
        out.append('\n');
        indent(out, depth);
        out.append(']');
    }

    private static void indent(StringBuilder out, int depth) {
        for (int i = 0; i < depth; i++) {
            out.append(INDENT);
        }
    }

    private static void coloured(StringBuilder out, String text, String colourCode, boolean colour) {
        if (colour) {
            out.append(colourCode).append(text).append(RESET);
        } else {
            out.append(text);
        }
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** A JSON string as Python writes it with {@code ensure_ascii=True}. */
    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c >= ' ' && c <= '~') {
                        out.append(c);
                    } else {
                        // Everything else, DEL included; surrogate pairs come out as two escapes.
                        out.append("\\u");
                        String hex = Integer.toHexString(c);
                        for (int k = hex.length(); k < 4; k++) {
                            out.append('0');
                        }
                        out.append(hex);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that read back as the same double,
     * in positional notation when the decimal exponent is in [-4, 16), otherwise as
     * {@code 1.5e+20}; {@code NaN}, {@code Infinity} and {@code -Infinity} as json.dumps.
     */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // The shortest round-tripping digits (Schubfach, also on JDK 17 where
        // Double.toString sometimes gives a digit too many).
        BigDecimal shortest = new BigDecimal(com.fasterxml.jackson.core.io.NumberOutput.toString(d, true))
                .stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        // value = 0.digits * 10^decpt
        int decpt = digits.length() - shortest.scale();
        StringBuilder out = new StringBuilder(24);
        if (d < 0) {
            out.append('-');
        }
        if (decpt > -4 && decpt <= 16) {
            if (decpt <= 0) {
                out.append("0.");
                for (int i = decpt; i < 0; i++) {
                    out.append('0');
                }
                out.append(digits);
            } else if (decpt >= digits.length()) {
                out.append(digits);
                for (int i = digits.length(); i < decpt; i++) {
                    out.append('0');
                }
                out.append(".0");
            } else {
                out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int exponent = decpt - 1;
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        }
        return out.toString();
    }
}
