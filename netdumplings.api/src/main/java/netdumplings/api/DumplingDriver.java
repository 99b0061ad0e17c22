package netdumplings.api;

import static java.util.Objects.requireNonNull;

/** What made a dumpling: a chef's packet handler or its interval handler. */
public enum DumplingDriver {
    /** Made by {@link DumplingChef#packetHandler(SniffedPacket)} or pushed by a chef. */
    PACKET("packet"),
    /** Made by {@link DumplingChef#intervalHandler(ChefContext)}. */
    INTERVAL("interval");

    private final String wireName;

    DumplingDriver(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name used in the JSON {@code metadata.driver} field */
    public String wireName() {
        return wireName;
    }

    /**
     * @param wireName {@code "packet"} or {@code "interval"}
     * @return the driver with that wire name
     * @throws InvalidDumplingException if the name is neither
     */
    public static DumplingDriver fromWireName(String wireName) {
        requireNonNull(wireName, "wireName");
        for (DumplingDriver driver : values()) {
            if (driver.wireName.equals(wireName)) {
                return driver;
            }
        }
        throw new InvalidDumplingException(
                "metadata.driver must be \"packet\" or \"interval\", not \"" + wireName + "\"");
    }
}
