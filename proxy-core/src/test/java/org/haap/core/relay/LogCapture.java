package org.haap.core.relay;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records every {@code java.util.logging} record (Netty logs there when no other backend is
 * present, and so does {@link System.Logger}) while open: the root logger gets a handler
 * and the level of the given logger names is lowered to {@code FINEST}.
 */
final class LogCapture extends Handler implements AutoCloseable {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final List<Logger> lowered;
    private final List<Level> was;

    LogCapture(String... loggers) {
        setLevel(Level.ALL);
        lowered = Arrays.stream(loggers).map(Logger::getLogger).toList();
        was = lowered.stream().map(Logger::getLevel).toList();
        lowered.forEach(l -> l.setLevel(Level.FINEST));
        root.addHandler(this);
    }

    /** Every record at {@code level} or above. */
    List<LogRecord> atLeast(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).toList();
    }

    /** Every record below {@code level}. */
    List<LogRecord> below(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() < level.intValue()).toList();
    }

    static String describe(List<LogRecord> records) {
        StringBuilder sb = new StringBuilder();
        for (LogRecord r : records) {
            sb.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ").append(r.getMessage());
            if (r.getThrown() != null) {
                sb.append(" [").append(r.getThrown()).append(']');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        for (int i = 0; i < lowered.size(); i++) {
            lowered.get(i).setLevel(was.get(i));
        }
    }
}
