package netdumplings.hub.internal;

import netdumplings.api.NetDumplingsException;

/** The hub cannot start; the message is one line that says why, fit for a terminal. */
public class HubStartException extends NetDumplingsException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message one line
     * @param cause   the cause, or null
     */
    public HubStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
