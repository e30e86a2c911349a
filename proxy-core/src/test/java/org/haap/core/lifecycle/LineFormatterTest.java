package org.haap.core.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import org.junit.jupiter.api.Test;

/** {@link LineFormatter} writes what JUL's SimpleFormatter writes with {@link ServiceMain#LOG_FORMAT}. */
class LineFormatterTest {

    private static String simple(LogRecord r) {
        String old = System.getProperty("java.util.logging.SimpleFormatter.format");
        // SimpleFormatter reads the property when it is created
        System.setProperty("java.util.logging.SimpleFormatter.format", ServiceMain.LOG_FORMAT);
        try {
            return new SimpleFormatter().format(r);
        } finally {
            if (old == null) {
                System.clearProperty("java.util.logging.SimpleFormatter.format");
            } else {
                System.setProperty("java.util.logging.SimpleFormatter.format", old);
            }
        }
    }

    private static LogRecord record(Level level, String message, Throwable thrown, Object... params) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("org.haap.gateway.session");
        r.setInstant(Instant.parse("2026-12-07T15:04:40.975123Z"));
        r.setThrown(thrown);
        r.setParameters(params.length == 0 ? null : params);
        return r;
    }

    @Test
    void sameTextAsSimpleFormatter() {
        for (LogRecord r : new LogRecord[] {
                record(Level.INFO, "session a26ad client=/198.18.1.2:43842 ended-by=server", null),
                record(Level.WARNING, "cannot bind {0} on {1}", null, "lte", 5124),
                record(Level.SEVERE, "relay failed", new IOException("Connection reset by peer"))}) {
            assertEquals(simple(r), new LineFormatter().format(r));
        }
    }

    @Test
    void oneLinePerRecordWithoutThrown() {
        String line = new LineFormatter().format(record(Level.INFO, "x", null));
        assertTrue(line.endsWith(System.lineSeparator()));
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains(" INFO org.haap.gateway.session: x"), line);
    }
}
