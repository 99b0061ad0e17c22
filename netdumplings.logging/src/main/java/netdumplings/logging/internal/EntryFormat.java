package netdumplings.logging.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.osgi.service.log.LogEntry;

/**
 * One record as text: {@code 2026-12-02 05:10:11.123 INFO  [thread] logger: message}, a
 * line (local time), then the exception's stack trace, if any.
 */
final class EntryFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private EntryFormat() {
    }

    static String line(LogEntry entry) {
        return line(entry.getTime(), entry.getLogLevel().name(), entry.getThreadInfo(), entry.getLoggerName(),
                entry.getMessage(), entry.getException());
    }

    static String line(long millis, String level, String thread, String logger, String message, Throwable exception) {
        StringBuilder text = new StringBuilder(96 + (message == null ? 0 : message.length()));
        text.append(TIME.format(Instant.ofEpochMilli(millis))).append(' ').append(level);
        text.repeat(' ', Math.max(1, 6 - level.length()));
        text.append('[').append(thread).append("] ").append(logger).append(": ").append(message)
                .append(System.lineSeparator());
        if (exception != null) {
            StringWriter trace = new StringWriter();
            exception.printStackTrace(new PrintWriter(trace));
            text.append(trace);
        }
        return text.toString();
    }
}
