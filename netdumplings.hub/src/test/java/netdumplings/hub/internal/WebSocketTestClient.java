package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A raw WebSocket client on the JDK's HttpClient, recording what it receives. */
final class WebSocketTestClient implements WebSocket.Listener, AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    volatile String closeReason;
    private final StringBuilder partial = new StringBuilder();
    private final boolean reading;
    private WebSocket socket;

    private WebSocketTestClient(boolean reading) {
        this.reading = reading;
    }

    static WebSocketTestClient connect(String uri) throws Exception {
        return connect(uri, true);
    }

    /** @param reading false for a client that never reads a message: a stuck eater */
    static WebSocketTestClient connect(String uri, boolean reading) throws Exception {
        WebSocketTestClient client = new WebSocketTestClient(reading);
        client.socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(uri), client).get(5, TimeUnit.SECONDS);
        return client;
    }

    /** With another client (e.g. trusting a test certificate) and extra request headers. */
    static WebSocketTestClient connect(HttpClient http, String uri, java.util.Map<String, String> headers)
            throws Exception {
        WebSocketTestClient client = new WebSocketTestClient(true);
        WebSocket.Builder builder = http.newWebSocketBuilder();
        headers.forEach(builder::header);
        try {
            client.socket = builder.buildAsync(URI.create(uri), client).get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        return client;
    }

    static WebSocketTestClient connect(int port) throws Exception {
        return connect("ws://localhost:" + port + "/");
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        // A stuck eater asks for nothing: the JDK client then stops reading the socket.
        if (reading) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            texts.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }

    /** Makes a client connected with {@code reading} false read from now on. */
    void startReading() {
        socket.request(1);
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    void sendPart(String text, boolean last) throws Exception {
        socket.sendText(text, last).get(5, TimeUnit.SECONDS);
    }

    void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), true).get(5, TimeUnit.SECONDS);
    }

    /** @return the next message, failing the test if none comes within 5 s */
    String next() throws InterruptedException {
        String text = texts.poll(5, TimeUnit.SECONDS);
        assertNotNull(text, "no message within 5 s");
        return text;
    }

    /** @return the next message that is not a hub status dumpling */
    String nextDumpling() throws InterruptedException {
        while (true) {
            String text = next();
            if (!text.contains("\"SystemStatusChef\"")) {
                return text;
            }
        }
    }

    /** @return the close code the hub sent, failing the test if none within 5 s */
    int awaitCloseCode() throws Exception {
        return closeCode.get(5, TimeUnit.SECONDS);
    }

    boolean isOpen() {
        return !socket.isInputClosed() && !socket.isOutputClosed() && !closeCode.isDone();
    }

    @Override
    public void close() {
        socket.abort();
    }
}
