package netdumplings.eater;

/** Where a {@link DumplingEater} is in its life, as reported to its state listener. */
public enum EaterState {
    /** Opening a WebSocket to the hub. */
    CONNECTING,
    /** Connected, hello sent: dumplings are arriving. */
    CONNECTED,
    /** The connection could not be made, or ended without the eater asking for it. */
    LOST,
    /** Waiting before the next connection attempt. */
    RECONNECTING,
    /** Finished: closed, full, or lost with reconnection off. Nothing follows. */
    CLOSED
}
