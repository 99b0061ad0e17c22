package netdumplings.kitchen.internal.dispatch;

/**
 * Where a {@link ChefWorker} hands each dumpling it made and encoded: the one hand-off
 * between cooking (this package) and sending (the uplink's {@code HubSender}, or a test's
 * or the benchmark's counter). Called on chef threads, once per dumpling; the JSON is
 * encoded once and never copied after.
 */
@FunctionalInterface
public interface DumplingSink {

    /** @param json the encoded dumpling (UTF-8 JSON); the sink may keep the array */
    void accept(byte[] json);
}
