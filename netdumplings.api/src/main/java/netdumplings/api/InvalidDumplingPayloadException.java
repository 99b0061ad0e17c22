package netdumplings.api;

/** A payload that cannot be written as JSON (a chef returned something not JSON-able). */
public class InvalidDumplingPayloadException extends InvalidDumplingException {
    private static final long serialVersionUID = 1L;

    public InvalidDumplingPayloadException(String message) {
        super(message);
    }

    public InvalidDumplingPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
