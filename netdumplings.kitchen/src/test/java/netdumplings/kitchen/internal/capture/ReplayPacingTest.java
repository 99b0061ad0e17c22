package netdumplings.kitchen.internal.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** When a replayed packet is due, from the file's timestamps (no clock is read here). */
class ReplayPacingTest {

    private static final long S = 1_000_000_000L;

    @Test
    void gapsAreDividedByTheSpeedFromTheStartOfThePass() {
        ReplayPacing pacing = new ReplayPacing(2.0, Long.MAX_VALUE);
        long start = 5_000;
        assertEquals(start, pacing.due(100 * S, start), "the first packet is due at once");
        // 1 s and then 3 s recorded: due 0.5 s and 2 s after the start, however late the
        // first packet was actually handed on (now does not move later due times).
        assertEquals(start + S / 2, pacing.due(101 * S, start + 7 * S));
        assertEquals(start + 2 * S, pacing.due(104 * S, start + 9 * S));
    }

    @Test
    void longGapsAreCappedAndBackwardStepsCountAsNone() {
        ReplayPacing pacing = new ReplayPacing(1.0, S / 10);
        assertEquals(0, pacing.due(0, 0));
        assertEquals(S / 10, pacing.due(3_600 * S, 1), "an hour's gap is cut to 100 ms");
        assertEquals(S / 10, pacing.due(3_599 * S, 2), "a step back adds nothing");
        assertEquals(S / 10 + S / 20, pacing.due(3_599 * S + S / 20, 3));
    }

    @Test
    void aRestartBeginsANewPass() {
        ReplayPacing pacing = new ReplayPacing(1.0, Long.MAX_VALUE);
        pacing.due(0, 0);
        pacing.due(10 * S, 0);
        pacing.restart();
        assertEquals(42, pacing.due(0, 42), "the file's first packet again, due at once");
        assertEquals(42 + S, pacing.due(S, 43));
    }

    @Test
    void speedMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayPacing(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReplayPacing(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReplayPacing(1, -1));
    }
}
