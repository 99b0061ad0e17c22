package netdumplings.api;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a kitchen tells a chef when it starts feeding it, and the chef's way to send a
 * dumpling whenever it is ready (push style, as the original's {@code send()}).
 * Provided by the kitchen.
 */
@ProviderType
public interface ChefContext {

    /** @return the name of the kitchen feeding the chef */
    String kitchenName();

    /** @return how often the chef's interval handler is called */
    Duration pokeInterval();

    /**
     * Sends a dumpling now, from any thread. The payload is written as JSON before this
     * method returns; a payload that cannot be is refused.
     *
     * @param driver  what made the dumpling; never null
     * @param payload a JSON-able value; a null payload sends nothing
     * @throws InvalidDumplingPayloadException if the payload is not JSON-able
     */
    void send(DumplingDriver driver, Object payload);
}
