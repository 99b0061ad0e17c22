package netdumplings.eater.internal.cli;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** Times written as the original's Python writes them. */
final class PythonTime {

    private PythonTime() {
    }

    /**
     * {@code datetime.datetime.fromtimestamp(seconds).isoformat()}: local time, no offset,
     * microseconds rounded half to even and left out when zero.
     *
     * @param seconds seconds since the epoch
     * @param zone    the local time zone
     * @return such as {@code 2026-11-22T02:48:41.123456}
     */
    static String isoFormat(double seconds, ZoneId zone) {
        double whole = seconds < 0 ? Math.ceil(seconds) : Math.floor(seconds);
        long secs = (long) whole;
        long micros = (long) Math.rint((seconds - whole) * 1e6);
        if (micros >= 1_000_000) {
            secs++;
            micros -= 1_000_000;
        } else if (micros < 0) {
            secs--;
            micros += 1_000_000;
        }
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(secs, micros * 1000), zone);
        String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
        return micros == 0 ? text : text + String.format(".%06d", micros);
    }
}
