package netdumplings.eater;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import netdumplings.api.NetDumplingsException;

/**
 * Why an eater's connection to the hub ended when the eater did not ask for it: the hub
 * closed it (with {@link #closeCode()}), or the connection failed.
 */
public class HubConnectionException extends NetDumplingsException {
    private static final long serialVersionUID = 1L;

    /** The close code when there was no WebSocket close (a failure). */
    public static final int NO_CLOSE_CODE = -1;

    private final int closeCode;

    /**
     * @param message   what happened
     * @param closeCode the WebSocket close code sent by the hub, or {@link #NO_CLOSE_CODE}
     */
    public HubConnectionException(String message, int closeCode) {
        super(message);
        this.closeCode = closeCode;
    }

    /**
     * @param message what happened
     * @param cause   the failure
     */
    public HubConnectionException(String message, Throwable cause) {
        super(message, cause);
        this.closeCode = NO_CLOSE_CODE;
    }

    /** @return the WebSocket close code the hub sent, or {@link #NO_CLOSE_CODE} */
    public int closeCode() {
        return closeCode;
    }

    /**
     * A one-line, stack-trace-free description of a connection failure, digging through
     * the wrappers the JDK's HTTP client adds.
     *
     * @param failure any failure
     * @return its description
     */
    public static String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof HubConnectionException) {
            return t.getMessage();
        }
        boolean refused = false;
        for (Throwable c = t; c != null; c = c.getCause()) {
            refused |= c instanceof ConnectException;
            String message = c.getMessage();
            if (message != null && !message.isBlank()) {
                return c instanceof IOException ? message : c.getClass().getSimpleName() + ": " + message;
            }
        }
        // The JDK's HTTP client reports a refused connection as a ConnectException without a message.
        return refused ? "Connection refused" : t.getClass().getSimpleName();
    }
}
