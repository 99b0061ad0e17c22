package netdumplings.api;

/**
 * A dumpling, or a hello, that does not follow the wire format. The message says what
 * is wrong with it.
 */
public class InvalidDumplingException extends NetDumplingsException {
    private static final long serialVersionUID = 1L;

    public InvalidDumplingException(String message) {
        super(message);
    }

    public InvalidDumplingException(String message, Throwable cause) {
        super(message, cause);
    }
}
