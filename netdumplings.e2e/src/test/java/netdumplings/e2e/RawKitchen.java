package netdumplings.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A bare kitchen connection speaking PROTOCOL.md, for dumplings no real chef would make. */
final class RawKitchen implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebSocket socket;

    private RawKitchen(WebSocket socket) {
        this.socket = socket;
    }

    static RawKitchen connect(int port, String name) throws Exception {
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://localhost:" + port + "/"), new WebSocket.Listener() { })
                .get(5, TimeUnit.SECONDS);
        RawKitchen kitchen = new RawKitchen(socket);
        kitchen.send(JSON.writeValueAsString(java.util.Map.of("kitchen_name", name, "interface", "none",
                "filter", "", "chefs", java.util.List.of(), "poke_interval", 5.0)));
        return kitchen;
    }

    void send(String text) {
        try {
            socket.sendText(text, true).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to the hub: " + e, e);
        }
    }

    @Override
    public void close() throws Exception {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }
}
