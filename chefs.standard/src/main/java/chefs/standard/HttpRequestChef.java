package chefs.standard;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import netdumplings.api.ChefContext;
import netdumplings.api.DumplingChef;
import netdumplings.api.Ip;
import netdumplings.api.SniffedPacket;
import netdumplings.api.Tcp;

/**
 * HTTP/1.x requests and responses (RFC 9112), as far as one TCP segment holds them: which
 * hosts are asked for what, and how they answer. Any TCP port.
 * <p>
 * A request is a segment whose payload starts with a request line: a method (a token of
 * capital letters, {@code -} and {@code _}), a space, a request target, and
 * {@code HTTP/1.x}. A response is a segment starting with a status line:
 * {@code HTTP/1.x}, a space and a three-digit status code. Only the first message of a
 * segment is read, and only the headers it needs ({@code Host}, {@code User-Agent});
 * segments are not put together, so a message whose start is not at a segment's start
 * (pipelined after another, or after a body) is not seen. What a segment does not hold is
 * not guessed: when the header block does not end in the segment, what was read is
 * reported with {@code "truncated": true} (a header line cut by the segment's end is not
 * read; a request line cut short is reported as far as it goes if its method is one of
 * RFC 9110's or PATCH). A request, status, {@code Host} or {@code User-Agent} line longer
 * than {@link Config#max__line__bytes()} is cut there (also marked truncated). A segment
 * starting a message at the same sequence number of the same connection (and direction)
 * as one of the last {@value #RECENT} messages seen is a retransmission: counted in
 * {@code retransmissions}, not again as a message.
 * <p>
 * A packet dumpling for each request and each response ({@code host} and
 * {@code user_agent} are left out when the segment does not give them, {@code truncated}
 * when false; {@code reason} is empty when the status line has none or is cut by the
 * segment's end):
 * <pre>{@code
 * {"http_request": {"method": "GET", "host": "www.wix.com", "path": "/brumazz/bowls",
 *                   "user_agent": "Mozilla/5.0 (Macintosh; ...)", "client": "172.16.133.132:54613",
 *                   "server": "216.185.152.111:80", "when": 1361916156.066599}}
 * {"http_response": {"status": 301, "reason": "Moved Permanently", "client": "172.16.133.132:54613",
 *                    "server": "216.185.152.111:80", "when": 1361916156.144635}}
 * }</pre>
 * Text is read as UTF-8 (invalid bytes become U+FFFD). Every interval, the hosts asked
 * since the chef started (a request without a {@code Host} header counts for its server's
 * address), with how many requests each had and when the latest was seen, and the totals:
 * <pre>{@code
 * {"http_hosts": {"www.wix.com": {"requests": 27, "latest": 1361916176.061128}},
 *  "requests": 57, "responses": 58, "status_codes": {"200": 4, "301": 53, "404": 1},
 *  "truncated": 0, "retransmissions": 0, "hosts_forgotten": 0}
 * }</pre>
 * At most {@link Config#max__hosts()} hosts are kept: the one asked least recently is
 * forgotten first, and counted in {@code hosts_forgotten}. A packet whose payload does not
 * start as an HTTP/1 message costs a few byte comparisons and allocates nothing.
 */
// PROTOTYPE: each kitchen gets an instance (and state) of its own; a kitchen calls it from
// one thread at a time.
@Component(service = DumplingChef.class, configurationPid = HttpRequestChef.PID, scope = ServiceScope.PROTOTYPE)
@Designate(ocd = HttpRequestChef.Config.class)
public class HttpRequestChef implements DumplingChef {

    /** The configuration PID: {@code deploy/chefs.standard.http.cfg}. */
    public static final String PID = "chefs.standard.http";

    /** The chef's configuration, with its defaults. */
    @ObjectClassDefinition(name = "HTTP request chef",
            description = "HTTP/1.x requests and responses, as far as one TCP segment holds them; counts per host.")
    public @interface Config {
        /** @return how many hosts the interval dumplings list at most; default 10000 */
        @AttributeDefinition(name = "Hosts kept", min = "1",
                description = "Hosts remembered; past this, the one asked least recently is forgotten.")
        int max__hosts() default 10000;

        /** @return the longest request, status or header line read, in bytes; default 4096 */
        @AttributeDefinition(name = "Longest line (bytes)", min = "16",
                description = "Request, status and header lines are cut at this length (the dumpling says truncated).")
        int max__line__bytes() default 4096;
    }

    /** How many recent message starts are remembered to recognise a retransmission. */
    static final int RECENT = 256;
    /** Methods whose request line may be reported cut short (RFC 9110 section 9, RFC 5789). */
    private static final byte[][] KNOWN_METHODS = ascii("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");
    private static final byte[] HTTP_1 = ascii("HTTP/1.")[0];
    private static final byte[] HOST = ascii("host")[0];
    private static final byte[] USER_AGENT = ascii("user-agent")[0];
    private static final int MAX_METHOD = 20;

    private volatile int maxLine;

    private long requests;
    private long responses;
    private long truncated;
    private long retransmissions;
    /** By status code (100-999). */
    private final long[] statusCodes = new long[1000];
    /** Requests per host. */
    private final NameCounts hosts = new NameCounts("requests", 1);
    /** The connection (hashed) and sequence number of the latest message starts, a ring. */
    private final long[] recent = new long[RECENT];
    private int recentCount;
    private int recentNext;

    /** @param config the configuration (Declarative Services passes it) */
    @Activate
    public HttpRequestChef(Config config) {
        configure(config);
    }

    @Modified
    void configure(Config config) {
        hosts.max(config.max__hosts());
        maxLine = Math.max(16, config.max__line__bytes());
    }

    @Override
    public Object packetHandler(SniffedPacket packet) {
        Tcp tcp = packet.tcp();
        Ip ip = packet.ip();
        if (tcp == null || ip == null || tcp.payloadLength() < HTTP_1.length + 5) {
            return null;
        }
        byte[] b = packet.rawData();
        int at = tcp.payloadOffset();
        int end = at + tcp.payloadLength();
        if (startsWith(b, at, end, HTTP_1)) {
            return response(packet, ip, tcp, b, at, end);
        }
        int method = methodLength(b, at, end);
        return method > 0 ? request(packet, ip, tcp, b, at, end, method) : null;
    }

    private Object request(SniffedPacket packet, Ip ip, Tcp tcp, byte[] b, int at, int end, int method) {
        Lines lines = new Lines(b, at, end, maxLine);
        lines.next();
        int target = at + method + 1;
        int pathEnd;
        if (lines.complete) {
            // The line must end with " HTTP/1.x": else it is not an HTTP/1 request.
            int v = lines.contentEnd - HTTP_1.length - 1;
            if (v - 1 <= target || b[v - 1] != ' ' || !startsWith(b, v, lines.contentEnd, HTTP_1)
                    || !isDigit(b[lines.contentEnd - 1])) {
                return null;
            }
            pathEnd = Math.min(v - 1, lines.end);
        } else if (isKnownMethod(b, at, method)) {
            pathEnd = lines.end;
        } else {
            return null;
        }
        if (isRetransmission(b, ip, tcp)) {
            return null;
        }
        boolean cut = pathEnd < (lines.complete ? lines.contentEnd - HTTP_1.length - 2 : end);
        String host = null;
        String userAgent = null;
        while (lines.next()) {
            if (host == null && lines.isHeader(HOST)) {
                host = lines.value(HOST.length);
                cut |= lines.cut;
            } else if (userAgent == null && lines.isHeader(USER_AGENT)) {
                userAgent = lines.value(USER_AGENT.length);
                cut |= lines.cut;
            }
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", new String(b, at, method, StandardCharsets.US_ASCII));
        if (host != null) {
            request.put("host", host);
        }
        request.put("path", text(b, target, Math.max(target, pathEnd)));
        if (userAgent != null) {
            request.put("user_agent", userAgent);
        }
        request.put("client", Bytes.endpoint(ip.srcText(), tcp.srcPort()));
        request.put("server", Bytes.endpoint(ip.dstText(), tcp.dstPort()));
        double when = packet.time();
        finish(request, cut || !lines.ended, when);
        requests++;
        hosts.count(host != null ? host : ip.dstText(), when);
        return Map.of("http_request", request);
    }

    private Object response(SniffedPacket packet, Ip ip, Tcp tcp, byte[] b, int at, int end) {
        // HTTP/1.x SP 3DIGIT (SP reason)?
        int s = at + HTTP_1.length;
        if (!isDigit(b[s]) || b[s + 1] != ' ' || !isDigit(b[s + 2]) || !isDigit(b[s + 3]) || !isDigit(b[s + 4])
                || (s + 5 < end && b[s + 5] != ' ' && b[s + 5] != '\r' && b[s + 5] != '\n')) {
            return null;
        }
        if (isRetransmission(b, ip, tcp)) {
            return null;
        }
        int status = (b[s + 2] - '0') * 100 + (b[s + 3] - '0') * 10 + (b[s + 4] - '0');
        Lines lines = new Lines(b, at, end, maxLine);
        lines.next();
        boolean cut = lines.cut;
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", status);
        response.put("reason", lines.complete && lines.end > s + 6 ? text(b, s + 6, lines.end).strip() : "");
        response.put("client", Bytes.endpoint(ip.dstText(), tcp.dstPort()));
        response.put("server", Bytes.endpoint(ip.srcText(), tcp.srcPort()));
        while (lines.next()) {
            // Only the end of the header block matters here.
        }
        finish(response, cut || !lines.ended, packet.time());
        responses++;
        statusCodes[status]++;
        return Map.of("http_response", response);
    }

    private void finish(Map<String, Object> message, boolean cut, double when) {
        if (cut) {
            message.put("truncated", true);
            truncated++;
        }
        message.put("when", when);
    }

    /**
     * @return whether this segment starts a message where one of the recent ones started
     *         (the same connection and direction, the same sequence number); if not, it is
     *         remembered
     */
    private boolean isRetransmission(byte[] b, Ip ip, Tcp tcp) {
        int h = 1;
        for (int i = 0, n = ip.addressLength(); i < n; i++) {
            h = 31 * h + b[ip.srcAddressOffset() + i];
            h = 31 * h + b[ip.dstAddressOffset() + i];
        }
        h = 31 * (31 * h + tcp.srcPort()) + tcp.dstPort();
        long key = (long) h << 32 | tcp.seq();
        for (int i = 0; i < recentCount; i++) {
            if (recent[i] == key) {
                retransmissions++;
                return true;
            }
        }
        recent[recentNext] = key;
        recentNext = (recentNext + 1) % RECENT;
        recentCount = Math.min(recentCount + 1, RECENT);
        return false;
    }

    /** @return the length of a request line's method (then a space), or 0 */
    private static int methodLength(byte[] b, int at, int end) {
        for (int i = at; i < end && i - at <= MAX_METHOD; i++) {
            byte c = b[i];
            if (c == ' ') {
                return i > at && i + 1 < end && b[i + 1] != ' ' ? i - at : 0;
            }
            if (!(c >= 'A' && c <= 'Z') && c != '-' && c != '_') {
                return 0;
            }
        }
        return 0;
    }

    private static boolean isKnownMethod(byte[] b, int at, int length) {
        for (byte[] m : KNOWN_METHODS) {
            if (m.length == length && startsWith(b, at, at + length, m)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] b, int at, int end, byte[] prefix) {
        if (end - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static String text(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    private static byte[][] ascii(String... words) {
        byte[][] bytes = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            bytes[i] = words[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }

    @Override
    public Object intervalHandler(ChefContext context) {
        Map<String, Object> codes = new LinkedHashMap<>();
        for (int code = 0; code < statusCodes.length; code++) {
            if (statusCodes[code] > 0) {
                codes.put(Integer.toString(code), statusCodes[code]);
            }
        }
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("http_hosts", hosts.list());
        payload.put("requests", requests);
        payload.put("responses", responses);
        payload.put("status_codes", codes);
        payload.put("truncated", truncated);
        payload.put("retransmissions", retransmissions);
        payload.put("hosts_forgotten", hosts.forgotten());
        return payload;
    }

    /**
     * The lines of a header block in one segment, one at a time: the current line's content
     * is {@code [start, end)} (without its CR LF), cut at the longest line read.
     */
    private static final class Lines {
        private final byte[] b;
        private final int limit;
        private final int maxLine;
        private int next;
        int start;
        int end;
        /** Where the line's content really ends, when {@link #complete}. */
        int contentEnd;
        /** Whether the current line ended in the segment (else the segment ended in it). */
        boolean complete;
        /** Whether the current line is longer than what it gives. */
        boolean cut;
        /** Whether the empty line ending the header block was seen. */
        boolean ended;

        Lines(byte[] b, int at, int limit, int maxLine) {
            this.b = b;
            this.next = at;
            this.limit = limit;
            this.maxLine = maxLine;
        }

        /** @return whether there is a line to read (false at the block's or the segment's end) */
        boolean next() {
            if (ended || next >= limit) {
                return false;
            }
            start = next;
            int newline = start;
            while (newline < limit && b[newline] != '\n') {
                newline++;
            }
            complete = newline < limit;
            next = complete ? newline + 1 : limit;
            contentEnd = complete && newline > start && b[newline - 1] == '\r' ? newline - 1 : newline;
            if (complete && contentEnd == start) {
                ended = true;
                return false;
            }
            end = Math.min(contentEnd, start + maxLine);
            cut = !complete || end < contentEnd;
            return true;
        }

        /** @return whether the line is a complete header named {@code lowerCaseName} */
        boolean isHeader(byte[] lowerCaseName) {
            if (!complete || contentEnd - start <= lowerCaseName.length || b[start + lowerCaseName.length] != ':') {
                return false;
            }
            for (int i = 0; i < lowerCaseName.length; i++) {
                int c = b[start + i];
                if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != lowerCaseName[i]) {
                    return false;
                }
            }
            return true;
        }

        /**
         * @param nameLength the length of the header's name
         * @return the header's value, without surrounding white space
         */
        String value(int nameLength) {
            int from = Math.min(start + nameLength + 1, end);
            return text(b, from, end).strip();
        }
    }
}
