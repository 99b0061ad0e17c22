package netdumplings.kitchen.internal.capture;

import netdumplings.api.NetDumplingsException;

/** A capture could not be opened or read; the message is one line meant for the user. */
public final class CaptureException extends NetDumplingsException {
    private static final long serialVersionUID = 1L;
    private final boolean permissionDenied;

    /**
     * @param message          one line
     * @param permissionDenied whether a live capture failed for lack of permission
     */
    public CaptureException(String message, boolean permissionDenied) {
        super(message);
        this.permissionDenied = permissionDenied;
    }

    /** @return whether a live capture failed for lack of permission */
    public boolean permissionDenied() {
        return permissionDenied;
    }
}
