package netdumplings.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An eater as any WebSocket client is one (the JDK's client, no netdumplings code): it
 * says its hello and keeps every dumpling it receives, parsed, in order.
 */
final class TestEater implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> dumplings = new CopyOnWriteArrayList<>();
    private final WebSocket socket;

    private TestEater(String url, String hello) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        dumplings.add(JSON.readTree(text.toString()));
                    } catch (IOException e) {
                        throw new AssertionError("not JSON from the hub: " + text, e);
                    }
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        socket.sendText(hello, true).get(60, TimeUnit.SECONDS);
    }

    /**
     * @param url   the hub's eater address, {@code ws://host:port/}
     * @param hello the eater's hello, as JSON
     * @return the connected eater
     */
    static TestEater connect(String url, String hello) throws Exception {
        return new TestEater(url, hello);
    }

    /** @return every dumpling received so far, in order */
    List<JsonNode> dumplings() {
        return dumplings;
    }

    /** @return the packet dumplings of this chef received so far, in order */
    List<JsonNode> packetDumplings(String chef) {
        return dumplings.stream().filter(d -> chef.equals(d.path("metadata").path("chef").asText())
                && "packet".equals(d.path("metadata").path("driver").asText())).toList();
    }

    /** Drops the connection without a close frame (as a crash would). */
    void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        socket.abort();
    }
}
