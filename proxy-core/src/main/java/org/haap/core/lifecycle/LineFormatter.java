package org.haap.core.lifecycle;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The log format of both applications, one record per line:
 * {@code 2026-12-07 15:04:40.975 INFO org.haap.gateway.session: message}, then the stack
 * trace of an exception on the lines after it. The same text as JUL's
 * {@link java.util.logging.SimpleFormatter} with the format
 * {@value ServiceMain#LOG_FORMAT}, at a fraction of the cost: SimpleFormatter asks every
 * record for its source class, which makes the JDK walk the caller's stack (the log is
 * written by System.Logger, which records no source), and formats the time with
 * {@link java.util.Formatter}. With a log line per session, that was most of the Java time
 * the gateway spent on a short connection.
 */
public final class LineFormatter extends Formatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    @Override
    public String format(LogRecord record) {
        StringBuilder sb = new StringBuilder(160);
        TIME.formatTo(record.getInstant(), sb);
        sb.append(' ').append(record.getLevel().getLocalizedName()).append(' ').append(record.getLoggerName())
                .append(": ").append(formatMessage(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            try (PrintWriter pw = new PrintWriter(trace)) {
                pw.println();
                thrown.printStackTrace(pw);
            }
            sb.append(trace);
        }
        return sb.append(System.lineSeparator()).toString();
    }
}
