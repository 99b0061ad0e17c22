package netdumplings.hub.internal.federation;

import java.nio.ByteBuffer;

/**
 * The dumplings a hub keeps for eaters that ask for what came before them: the
 * federation's JetStream stream, or an in-memory ring of the last N.
 * Offsets are consecutive within an epoch; {@link #epoch()} names the current one.
 */
public interface History {

    /** What a replay hands each dumpling to. */
    @FunctionalInterface
    interface Replayed {
        /**
         * @param offset    its offset
         * @param json      the dumpling, stamped ({@link Offsets})
         * @param chefToken its chef as a subject token ({@link Subjects#token})
         * @return false to stop the replay (the eater has gone)
         */
        boolean accept(long offset, ByteBuffer json, String chefToken);
    }

    /** @return the current epoch, or null when the history cannot be reached now */
    String epoch();

    /** @return the highest offset kept, 0 when there was none yet */
    long lastOffset();

    /** @return the lowest offset still kept ({@link #lastOffset()} + 1 when none is) */
    long firstOffset();

    /**
     * Hands on, in order, every dumpling kept with {@code from <= offset <= to}, or, when
     * {@code sinceSeconds} is not NaN, every dumpling received at or after that time with
     * an offset up to {@code to}. Blocks the calling thread.
     *
     * @throws Exception when the history cannot be read (NATS away); what was handed on stays
     */
    void replay(long from, double sinceSeconds, long to, Replayed each) throws Exception;
}
