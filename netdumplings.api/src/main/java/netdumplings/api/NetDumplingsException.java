package netdumplings.api;

/** The root of every exception netdumplings throws on purpose. */
public class NetDumplingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetDumplingsException(String message) {
        super(message);
    }

    public NetDumplingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
