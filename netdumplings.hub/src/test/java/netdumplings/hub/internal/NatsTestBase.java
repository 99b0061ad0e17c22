package netdumplings.hub.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import netdumplings.testing.NatsServer;

/**
 * What the tests with a real nats-server share: a temporary directory (the server's
 * JetStream store), the server a test starts into {@link #nats}, and what a test opens
 * ({@link #closeAfter}), closed in reverse order before the server stops.
 */
abstract class NatsTestBase {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    NatsServer nats;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAllThenStopNats() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (nats != null) {
            nats.stop();
        }
    }

    /** @return {@code c}, closed after the test */
    <T extends AutoCloseable> T closeAfter(T c) {
        toClose.add(c);
        return c;
    }

    /** @return a WebSocket client of the port, closed after the test */
    WebSocketTestClient client(int port) throws Exception {
        return closeAfter(WebSocketTestClient.connect(port));
    }
}
