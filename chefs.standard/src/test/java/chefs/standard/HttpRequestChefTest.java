package chefs.standard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import netdumplings.api.SniffedPacket;
import netdumplings.chefkit.ChefReplay;
import netdumplings.chefkit.Configurations;
import netdumplings.chefkit.TestPackets;
import netdumplings.testing.SampleCaptures;

/**
 * Expected values read once (TShark 4.0.17) with
 * <pre>
 * tshark -r F -Y http.request -T fields -e frame.number -e http.request.method -e http.host \
 *   -e http.request.uri -e http.user_agent -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport -e frame.time_epoch
 * tshark -r F -Y http.response -T fields -e frame.number -e http.response.code -e http.response.phrase ...
 * </pre>
 * and, since the chef reads each segment on its own, the same with TCP reassembly off,
 * {@code tshark -o tcp.desegment_tcp_streams:FALSE -r F ...} ("no reassembly" below), which
 * dissects each segment as the chef does. Per-host counts: {@code -Y 'http.request && tcp'
 * -T fields -e http.host | sort | uniq -c}; status codes: {@code -e http.response.code | sort |
 * uniq -c}. Where tshark and the chef differ by design, the test says which frames and why.
 */
class HttpRequestChefTest {

    private static final String SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_3) AppleWebKit/534.55.3 "
            + "(KHTML, like Gecko) Version/5.1.3 Safari/534.53.10";

    private static HttpRequestChef chef(Object... namesAndValues) {
        return new HttpRequestChef(Configurations.of(HttpRequestChef.Config.class, namesAndValues));
    }

    private static ChefReplay.Result replay(String file) throws InterruptedException {
        return ChefReplay.replay(SampleCaptures.path(file), chef());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> messages(ChefReplay.Result result, String kind) {
        return result.packetPayloads("HttpRequestChef").stream().map(p -> (Map<String, Object>) ((Map<?, ?>) p).get(kind))
                .filter(m -> m != null).toList();
    }

    private static Map<?, ?> interval(ChefReplay.Result result) {
        return (Map<?, ?>) result.lastInterval("HttpRequestChef");
    }

    /** @return the interval's request count per host */
    private static Map<String, Integer> hostCounts(ChefReplay.Result result) {
        Map<String, Integer> counts = new TreeMap<>();
        ((Map<?, ?>) interval(result).get("http_hosts"))
                .forEach((host, asked) -> counts.put((String) host, (Integer) ((Map<?, ?>) asked).get("requests")));
        return counts;
    }

    private static Map<String, Object> request(String method, String host, String path, String userAgent,
            String client, String server, double when) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", method);
        request.put("host", host);
        request.put("path", path);
        request.put("user_agent", userAgent);
        request.put("client", client);
        request.put("server", server);
        request.put("when", when);
        return request;
    }

    private static Map<String, Object> response(int status, String reason, String client, String server, double when) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", status);
        response.put("reason", reason);
        response.put("client", client);
        response.put("server", server);
        response.put("when", when);
        return response;
    }

    @Test
    void oneStreamIsOneRequestAndItsResponse() throws Exception {
        // tshark: frame 4 GET backup.avg.cz /softw/90/update/avg9infoavi.ctf, user agent
        // "AVGINET9-WVSXX86 90 AVI=270.14.62/2499 BUILD=707 LOC=1033 LIC=9I-ASXNN-X4WGW-M0XFR-T84VX-3VX02
        // DIAG=51E OPF=0 PCA=", 192.168.1.2:49486 -> 77.67.44.206:80 at 1258133614.621200; the
        // response 200 OK starts in frame 6 at 1258133615.065048 (no reassembly; with reassembly
        // tshark reports it in frame 9, where the body ends).
        ChefReplay.Result result = replay("http-one-stream.pcap");
        assertEquals(List.of(request("GET", "backup.avg.cz", "/softw/90/update/avg9infoavi.ctf",
                "AVGINET9-WVSXX86 90 AVI=270.14.62/2499 BUILD=707 LOC=1033 LIC=9I-ASXNN-X4WGW-M0XFR-T84VX-3VX02 "
                        + "DIAG=51E OPF=0 PCA=", "192.168.1.2:49486", "77.67.44.206:80", 1258133614.621200)),
                messages(result, "http_request"));
        assertEquals(List.of(response(200, "OK", "192.168.1.2:49486", "77.67.44.206:80", 1258133615.065048)),
                messages(result, "http_response"));
        assertEquals(Map.of("200", 1), interval(result).get("status_codes"));
    }

    @Test
    void threeStreamsAreThreeExactRequests() throws Exception {
        // tshark: frames 6, 9, 12 (method, host, uri, user agent, endpoints, time as below);
        // responses (no reassembly) 200 OK in frames 13, 17, 23
        ChefReplay.Result result = replay("http-three-streams.pcap");
        assertEquals(List.of(
                request("GET", "geo.yahoo.com", "/serv?s=19190039&t=1361916157&f=us-p9h3", SAFARI,
                        "172.16.133.132:54615", "98.139.161.29:80", 1361916156.722320),
                request("GET", "www.bowlsbybruno.com", "/", SAFARI, "172.16.133.132:44305", "98.138.19.88:80",
                        1361916156.757795),
                request("GET", "us.bc.yahoo.com", "/b?P=RD58jzc2LjH239XVUS0w1RrNNTAuN1EtMP3__70k&T=180rioivq%2fX%3d"
                        + "1361916157%2fE%3d76001284%2fR%3dnetwork%2fK%3d5%2fV%3d8.1%2fW%3d0%2fY%3dyahoo%2fF%3d1294295835"
                        + "%2fH%3dYWRjdmVyPSI2LjQuNCIgc2VydmVJZD0iUkQ1OGp6YzJMakgyMzlYVlVTMHcxUnJOTlRBdU4xRXRNUDNfXzcw"
                        + "ayIgdFN0bXA9IjEzNjE5MTYxNTc0MDc4MzMiIA--%2fQ%3d-1%2fS%3d1%2fJ%3d6A060D4C&U=12bj7uulh%2fN%3d"
                        + "WDRBCkwNPV0-%2fC%3d-2%2fD%3dMON%2fB%3d-2%2fV%3d0", SAFARI, "172.16.133.132:52328",
                        "98.139.240.23:80", 1361916156.764919)),
                messages(result, "http_request"));
        assertEquals(List.of(
                response(200, "OK", "172.16.133.132:54615", "98.139.161.29:80", 1361916156.766111),
                response(200, "OK", "172.16.133.132:52328", "98.139.240.23:80", 1361916156.799199),
                response(200, "OK", "172.16.133.132:44305", "98.138.19.88:80", 1361916156.823893)),
                messages(result, "http_response"));
    }

    @Test
    void packets2CountsPerHostAndStatusCode() throws Exception {
        // tshark (the same with and without reassembly): 57 requests, www.wix.com 27,
        // brumazz.wix.com 26, www.bowlsbybruno.com, webhosting.yahoo.com, geo.yahoo.com,
        // adserver.yahoo.com 1 each; 58 responses: 200 4 times, 301 53, 404 1. The first request,
        // frame 6, is GET www.wix.com /brumazz/bowls (Safari).
        ChefReplay.Result result = replay("http-packets2.pcap");
        assertEquals(new TreeMap<>(Map.of("www.wix.com", 27, "brumazz.wix.com", 26, "www.bowlsbybruno.com", 1,
                "webhosting.yahoo.com", 1, "geo.yahoo.com", 1, "adserver.yahoo.com", 1)), hostCounts(result));
        Map<?, ?> interval = interval(result);
        assertEquals(57, interval.get("requests"));
        assertEquals(58, interval.get("responses"));
        assertEquals(Map.of("200", 4, "301", 53, "404", 1), interval.get("status_codes"));
        assertEquals(0, interval.get("truncated"));
        assertEquals(0, interval.get("retransmissions"));
        Map<String, Object> first = messages(result, "http_request").get(0);
        assertEquals(List.of("GET", "www.wix.com", "/brumazz/bowls", SAFARI),
                List.of(first.get("method"), first.get("host"), first.get("path"), first.get("user_agent")));
    }

    @Test
    void fourKRequestsAreCountedPerSegment() throws Exception {
        // All 385 packets carry a segment starting with a request line (ports 80 and 8080).
        // tshark with reassembly finds 139 requests: most POSTs' bodies, and the headers of
        // many requests, go on in segments not captured, so tshark never completes them.
        // Without reassembly, tshark finds 367 requests (hosts below). The chef finds 381:
        // - 14 more: frames 128, 129, 130, 131, 133, 195, 259, 269, 272, 275, 276, 277, 294, 295
        //   start with a request line (tshark's Info column shows it) but tshark, without
        //   reassembly, ends their dissection with "BoundErrorUnreassembled" (headers cut by the
        //   segment's end): the chef reports them, marked truncated (they are identified below
        //   by their frame.time_epoch: tshark -o tcp.desegment_tcp_streams:FALSE
        //   -Y '!http.request && !tcp.analysis.retransmission' -e frame.time_epoch);
        // - 4 fewer than the 385: frames 15, 113, 297, 351 are retransmissions (tshark -Y
        //   tcp.analysis.retransmission) of a request already seen (same sequence number).
        ChefReplay.Result result = replay("http-4k-requests.pcap");
        Set<Long> cutByTshark = Set.of(1413746147561697L, 1413746148032292L, 1413746148575153L, 1413746149130816L,
                1413746149451297L, 1413746244533362L, 1413746393282255L, 1413746421880878L, 1413746421897175L,
                1413746422014514L, 1413746422019894L, 1413746422044249L, 1413746422361339L, 1413746422376196L);
        List<Map<String, Object>> requests = messages(result, "http_request");
        assertEquals(381, requests.size());
        Map<String, Integer> byHost = new TreeMap<>();
        int extra = 0;
        for (Map<String, Object> request : requests) {
            if (cutByTshark.contains(Math.round((Double) request.get("when") * 1e6))) {
                extra++;
                assertEquals(true, request.get("truncated"), request.toString());
            } else {
                byHost.merge((String) request.get("host"), 1, Integer::sum);
            }
        }
        assertEquals(14, extra);
        // tshark, no reassembly: -Y 'http.request && tcp' -e http.host | sort | uniq -c
        Map<String, Integer> tshark = new HashMap<>(Map.ofEntries(Map.entry("cnn-f.akamaihd.net", 69),
                Map.entry("newmail.walla.co.il", 51), Map.entry("iscwne.walla.co.il", 43),
                Map.entry("www.clalit.co.il", 23), Map.entry("www.winwin.co.il", 20), Map.entry("www.yad2.co.il", 15),
                Map.entry("sagewebrole.cloudapp.net:8080", 14), Map.entry("sa.bbc.com", 14),
                Map.entry("go.ynet.co.il", 14), Map.entry("googleads.g.doubleclick.net", 13),
                Map.entry("www.google.com", 12), Map.entry("www.bbc.com", 11), Map.entry("ynet.hiro.co.il", 10),
                Map.entry("www.google-analytics.com", 10), Map.entry("yad1.yad2.co.il", 4),
                Map.entry("px.dynamicyield.com", 4), Map.entry("pubads.g.doubleclick.net", 4),
                Map.entry("clients1.google.com", 3), Map.entry("weather.ynet.co.il", 2),
                Map.entry("pagead2.googlesyndication.com", 2), Map.entry("ocsp.digicert.com", 2),
                Map.entry("aspen.turner.com", 2), Map.entry("api.bizographics.com", 2),
                Map.entry("192.118.82.227", 2)));
        for (String host : List.of("www.walla.co.il", "www.gstatic.com", "www.bing.com", "vassg141.ocsp.omniroot.com",
                "stats.g.doubleclick.net", "server.exposebox.com", "r8---sn-nhpax-ua8s.c.pack.google.com",
                "ocsp.verisign.com", "news.bbcimg.co.uk", "log.outbrain.com", "images1.ynet.co.il", "ico.walla.co.il",
                "i.walla.co.il", "fonts.googleapis.com", "ds.serving-sys.com", "cp45414.edgefcs.net",
                "cache.pack.google.com", "bigfiles.walla.co.il", "beacon.krxd.net", "api.isolyr.com",
                "212.199.202.87")) {
            tshark.put(host, 1);
        }
        assertEquals(new TreeMap<>(tshark), byHost);
        Map<?, ?> interval = interval(result);
        assertEquals(381, interval.get("requests"));
        assertEquals(4, interval.get("retransmissions"));
        assertEquals(0, interval.get("responses"));
    }

    @Test
    void manyProtocolsCountsTcpHttpOnly() throws Exception {
        // tshark finds 167 requests, 14 of them SSDP's M-SEARCH over UDP (HTTPU), which the chef,
        // reading TCP only, leaves out: -Y 'http.request && tcp' gives 153, with and without
        // reassembly. Hosts below are the no-reassembly ones: frame 1296's request (GET /imp?...
        // to 54.92.201.39:80) has a request line longer than its 1360-byte segment, so neither
        // tshark nor the chef sees its Host header: the chef counts it under the server's address
        // (with reassembly tshark counts it for px.dynamicyield.com: 3 there, 2 here).
        // Responses: 153 with reassembly, 162 without; the chef's 155 are the 162 less 7
        // retransmissions of a response start already seen (tshark -o
        // tcp.desegment_tcp_streams:FALSE -Y 'http.response && tcp.analysis.retransmission':
        // frames 656, 831, 1877, 2173, 2859 (200), 911 (304), 1463 (301)).
        ChefReplay.Result result = replay("many-protocols.pcap");
        Map<String, Integer> tshark = new HashMap<>(Map.ofEntries(Map.entry("static.bbci.co.uk", 30),
                Map.entry("ichef.bbci.co.uk", 29), Map.entry("server.exposebox.com", 14), Map.entry("www.ynet.co.il", 9),
                Map.entry("sf.exposebox.com", 9), Map.entry("s2.googleusercontent.com", 8), Map.entry("sa.bbc.co.uk", 3),
                Map.entry("node1.bbcimg.co.uk", 3)));
        for (String host : List.of("xnet.ynet.co.il", "www.google.com", "www.google.co.il", "www.calcalist.co.il",
                "www.bbc.co.uk", "stats.g.doubleclick.net", "static.chartbeat.com", "sa.bbc.com", "px.dynamicyield.com",
                "ping.chartbeat.net", "news.bbcimg.co.uk", "emp.bbci.co.uk", "clients1.google.com")) {
            tshark.put(host, 2);
        }
        for (String host : List.of("www.googleadservices.com", "www.google-analytics.com", "www.bbc.com",
                "t1.visualrevenue.com", "survey.112.2o7.net", "static.bbc.co.uk", "st.dynamicyield.com",
                "s3-eu-west-1.amazonaws.com", "r.bbci.co.uk", "p.visualrevenue.com", "open.live.bbc.co.uk",
                "ocsp.startssl.com", "googleads.g.doubleclick.net", "go.ynet.co.il", "exposebox.blob.core.windows.net",
                "edigitalsurvey.com", "dy.ynet.co.il", "cdn.clicktale.net", "bbc.com", "b.scorecardresearch.com",
                "a.visualrevenue.com", "54.92.201.39")) {
            tshark.put(host, 1);
        }
        assertEquals(new TreeMap<>(tshark), hostCounts(result));
        Map<?, ?> interval = interval(result);
        assertEquals(153, interval.get("requests"));
        assertEquals(155, interval.get("responses"));
        assertEquals(7, interval.get("retransmissions"));
        // tshark, no reassembly: 200 134, 204 2, 301 3, 302 7, 304 13, 400 2, 404 1; less the 7
        assertEquals(Map.of("200", 129, "204", 2, "301", 2, "302", 7, "304", 12, "400", 2, "404", 1),
                interval.get("status_codes"));
        Map<String, Object> cut = messages(result, "http_request").stream()
                .filter(r -> r.get("server").equals("54.92.201.39:80") && r.get("host") == null).findFirst().orElseThrow();
        assertEquals(true, cut.get("truncated"));
        assertEquals(1420290303.002585, (Double) cut.get("when"), 1e-6); // frame 1296's frame.time_epoch
        assertTrue(((String) cut.get("path")).startsWith("/imp?id=227188832&sec=8765235&imps%5B%5D=dyprem"));
    }

    @Test
    void headersCutByTheSegmentAreReportedAsFarAsRead() {
        HttpRequestChef chef = chef();
        Map<?, ?> request = (Map<?, ?>) ((Map<?, ?>) chef.packetHandler(http(50001,
                "POST /form HTTP/1.1\r\nHost: example.com\r\nUser-Ag"))).get("http_request");
        assertEquals("example.com", request.get("host"));
        assertNull(request.get("user_agent"), "a header line cut by the segment's end is not read");
        assertEquals(true, request.get("truncated"));
        Map<?, ?> whole = (Map<?, ?>) ((Map<?, ?>) chef.packetHandler(http(50002,
                "GET /a HTTP/1.0\r\nuser-agent:  curl/8 \r\n\r\n"))).get("http_request");
        assertEquals("curl/8", whole.get("user_agent"));
        assertNull(whole.get("host"));
        assertFalse(whole.containsKey("truncated"));
        // counted under the server's address, 10.0.0.2
        assertEquals(Set.of("example.com", "10.0.0.2"), ((Map<?, ?>) ((Map<?, ?>) chef.intervalHandler(null))
                .get("http_hosts")).keySet());
    }

    @Test
    void linesAreCutAtTheLongestLine() {
        HttpRequestChef chef = chef("max_line_bytes", 16);
        Map<?, ?> request = (Map<?, ?>) ((Map<?, ?>) chef.packetHandler(http(50001,
                "GET /a-very-long-path HTTP/1.1\r\nHost: a-very-long-host.example\r\n\r\n"))).get("http_request");
        assertEquals("/a-very-long", request.get("path")); // the line's first 16 bytes: "GET /a-very-long"
        assertEquals("a-very-lon", request.get("host")); // "Host: a-very-lon"
        assertEquals(true, request.get("truncated"));
    }

    @Test
    void whatIsNotHttp1IsLeftAlone() {
        HttpRequestChef chef = chef();
        for (String payload : List.of("GET /index.html\r\n\r\n", "HELLO world, how are you\r\n", "get / HTTP/1.1\r\n\r\n",
                "HTTP/2.0 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "FOO /x HTTP/1.1-ish", "GET  HTTP/1.1\r\n\r\n")) {
            assertNull(chef.packetHandler(http(50000, payload)), payload);
        }
        assertNull(chef.packetHandler(TestPackets.ethernet().ipv4("10.0.0.1", "239.255.255.250").udp(5000, 1900)
                .payload("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n").build()), "HTTP over UDP");
        Map<?, ?> response = (Map<?, ?>) ((Map<?, ?>) chef.packetHandler(TestPackets.ethernet()
                .ipv4("10.0.0.2", "10.0.0.1").tcp(8080, 50000, 0x18).payload("HTTP/1.0 204\r\n\r\n").build()))
                .get("http_response");
        assertEquals(Map.of("status", 204, "reason", "", "client", "10.0.0.1:50000", "server", "10.0.0.2:8080"),
                without(response, "when"));
    }

    @Test
    void ipv6EndpointsAreBracketed() {
        Map<?, ?> request = (Map<?, ?>) ((Map<?, ?>) chef().packetHandler(TestPackets.ethernet()
                .ipv6("2001:db8::1", "2001:db8::2").tcp(50000, 8080, 0x18)
                .payload("GET / HTTP/1.1\r\nHost: [2001:db8::2]:8080\r\n\r\n").build())).get("http_request");
        assertEquals("[2001:db8::1]:50000", request.get("client"));
        assertEquals("[2001:db8::2]:8080", request.get("server"));
        assertEquals("[2001:db8::2]:8080", request.get("host"));
    }

    @Test
    void theHostAskedLeastRecentlyIsForgottenFirst() {
        HttpRequestChef chef = chef("max_hosts", 2);
        int port = 50000;
        for (String host : List.of("a.example", "b.example", "c.example", "b.example", "d.example")) {
            // a port each: TestPackets gives every segment sequence number 1, and the same
            // connection and number again would be a retransmission
            chef.packetHandler(http(port++, "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n"));
        }
        chef.packetHandler(http(50000, "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n")); // a retransmission
        Map<?, ?> payload = (Map<?, ?>) chef.intervalHandler(null);
        assertEquals(List.of("b.example", "d.example"), List.copyOf(((Map<?, ?>) payload.get("http_hosts")).keySet()));
        assertEquals(2L, payload.get("hosts_forgotten"));
        assertEquals(5L, payload.get("requests"));
        assertEquals(1L, payload.get("retransmissions"));
    }

    @Test
    void aSmallerBoundAppliesAtTheNextInterval() {
        HttpRequestChef chef = chef();
        int port = 50000;
        for (String host : List.of("a.example", "b.example", "c.example")) {
            chef.packetHandler(http(port++, "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n"));
        }
        chef.configure(Configurations.of(HttpRequestChef.Config.class, "max_hosts", 1)); // as a .cfg file's change
        Map<?, ?> payload = (Map<?, ?>) chef.intervalHandler(null);
        assertEquals(List.of("c.example"), List.copyOf(((Map<?, ?>) payload.get("http_hosts")).keySet()));
        assertEquals(2L, payload.get("hosts_forgotten"));
    }

    @Test
    void everyCutAndEveryByteChangeOfARealRequestIsSafe() throws Exception {
        // A request shaped as http-one-stream.pcap's frame 4 (shortened) and a response, cut at
        // every length and with each byte in turn set to 0x00, '\n', ':' and ' ', lines cut at
        // 16 bytes: nothing may throw (no read past the bytes given). A connection each.
        byte[] request = ("GET /softw/90/update/avg9infoavi.ctf HTTP/1.1\r\nAccept: */*\r\nUser-Agent: AVGINET9-WVSXX86 90\r\n"
                + "Host: backup.avg.cz\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] response = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        HttpRequestChef chef = chef("max_line_bytes", 16);
        int port = 1024;
        for (byte[] message : List.of(request, response)) {
            for (int cut = 0; cut <= message.length; cut++) {
                chef.packetHandler(http(port++, java.util.Arrays.copyOf(message, cut)));
            }
            for (int i = 0; i < message.length; i++) {
                for (byte value : new byte[] {0, '\n', ':', ' '}) {
                    byte[] changed = message.clone();
                    changed[i] = value;
                    chef.packetHandler(http(port++, changed));
                }
            }
        }
        Map<?, ?> interval = (Map<?, ?>) chef.intervalHandler(null);
        assertTrue((Long) interval.get("requests") > 0 && (Long) interval.get("responses") > 0, interval.toString());
    }

    private static SniffedPacket http(int clientPort, byte[] payload) {
        return TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(clientPort, 80, 0x18).payload(payload).build();
    }

    private static SniffedPacket http(int clientPort, String payload) {
        return TestPackets.ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(clientPort, 80, 0x18).payload(payload).build();
    }

    private static Map<Object, Object> without(Map<?, ?> map, String key) {
        Map<Object, Object> copy = new LinkedHashMap<>(map);
        copy.remove(key);
        return copy;
    }
}
