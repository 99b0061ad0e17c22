package netdumplings.eater.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The printing of the original's Python, byte for byte. Every expected string here was
 * made by CPython 3.11: {@code json.dumps(v, sort_keys=True, indent=4, separators=(',', ': '))}
 * and {@code datetime.datetime.fromtimestamp(t).isoformat()} under {@code TZ=...}.
 */
class PythonFormatTest {

    @Test
    void dumpsLikePythonSortedIndentedAndAsciiOnly() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("z", 1e16);
        e.put("y", 1e-5);
        e.put("x", 0.0001);
        e.put("w", new BigInteger("123456789012345678901234567890"));
        e.put("v", -0.0);
        e.put("u", 1e15);
        e.put("t", 0.1);
        e.put("s", 2.5e-300);
        e.put("r", Double.MAX_VALUE);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", 1);
        value.put("a", Arrays.asList(1, 2.5, null, true, false, "x"));
        value.put("\u00e9", "\u00fc\u20ac\uD83D\uDE00\u007f\n\t\"\\");
        value.put("c", Map.of());
        value.put("d", List.of());
        value.put("e", e);
        assertEquals("{\n    \"a\": [\n        1,\n        2.5,\n        null,\n        true,\n        false,\n"
                + "        \"x\"\n    ],\n    \"b\": 1,\n    \"c\": {},\n    \"d\": [],\n    \"e\": {\n"
                + "        \"r\": 1.7976931348623157e+308,\n        \"s\": 2.5e-300,\n        \"t\": 0.1,\n"
                + "        \"u\": 1000000000000000.0,\n        \"v\": -0.0,\n"
                + "        \"w\": 123456789012345678901234567890,\n        \"x\": 0.0001,\n        \"y\": 1e-05,\n"
                + "        \"z\": 1e+16\n    },\n"
                + "    \"\\u00e9\": \"\\u00fc\\u20ac\\ud83d\\ude00\\u007f\\n\\t\\\"\\\\\"\n}",
                PythonJson.dumps(value, false));
    }

    @Test
    void dumpsScalarsAndEmptyContainers() {
        assertEquals("\"just a string\"", PythonJson.dumps("just a string", false));
        assertEquals("42", PythonJson.dumps(42, false));
        assertEquals("null", PythonJson.dumps(null, false));
        assertEquals("[]", PythonJson.dumps(List.of(), false));
    }

    @Test
    void writesFloatsAsPythonRepr() {
        assertEquals("1795313383.8166428", PythonJson.floatRepr(1795313383.8166428));
        assertEquals("5.0", PythonJson.floatRepr(5));
        assertEquals("1e+22", PythonJson.floatRepr(1e22));
        assertEquals("1.5e-07", PythonJson.floatRepr(1.5e-7));
        assertEquals("-123.456", PythonJson.floatRepr(-123.456));
        assertEquals("Infinity", PythonJson.floatRepr(Double.POSITIVE_INFINITY));
        assertEquals("NaN", PythonJson.floatRepr(Double.NaN));
        // JDK 17's Double.toString gives 2.0E-3 style and sometimes a digit too many: not here.
        assertEquals("2e+23", PythonJson.floatRepr(2e23));
    }

    @Test
    void coloursKeysAndValuesWhenAsked() {
        String coloured = PythonJson.dumps(Map.of("k", "v"), true);
        assertTrue(coloured.contains("\u001b[94m\"k\"\u001b[39;49;00m: \u001b[33m\"v\"\u001b[39;49;00m"), coloured);
    }

    @Test
    void formatsTimesAsPythonIsoformatInTheLocalZone() {
        ZoneId utc = ZoneId.of("UTC");
        ZoneId adelaide = ZoneId.of("Australia/Adelaide");
        assertEquals("2026-11-22T02:09:43.816643", PythonTime.isoFormat(1795313383.8166428, utc));
        assertEquals("2026-11-22T12:39:43.816643", PythonTime.isoFormat(1795313383.8166428, adelaide));
        assertEquals("2026-11-22T02:09:43", PythonTime.isoFormat(1795313383.0, utc));
        assertEquals("2026-11-22T02:09:43", PythonTime.isoFormat(1795313383.0000005, utc));
        assertEquals("2026-11-22T02:09:43.000001", PythonTime.isoFormat(1795313383.0000014, utc));
        assertEquals("2026-11-22T12:39:44", PythonTime.isoFormat(1795313383.9999995, adelaide));
    }

    @Test
    void writesTheHubStatusLine() {
        Map<String, Object> payload = Map.of("server_uptime", 3723.9, "total_dumplings_in", 10,
                "total_dumplings_out", 42, "dumpling_kitchen_count", 1, "dumpling_eater_count", 2);
        assertEquals("uptime: 01:02:03  dumplings in: 10  out: 42  kitchens: 1  eaters: 2",
                NdHubStatus.statusLine(payload, false));
        assertEquals("uptime: \u001b[1m01:02:03\u001b[0m  dumplings in: \u001b[1m10\u001b[0m  out: \u001b[1m42\u001b[0m"
                + "  kitchens: \u001b[1m1\u001b[0m  eaters: \u001b[1m2\u001b[0m", NdHubStatus.statusLine(payload, true));
    }
}
