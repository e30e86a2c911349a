package org.haap.core.relay;

/**
 * Observes a relay's data path, typically to feed metrics. Every callback is optional
 * (default no-op) and runs on the event loop of the channel whose bytes are concerned,
 * on the hot path: implementations must be cheap and must not block or throw.
 */
public interface RelayListener {

    /** A listener that ignores every event. */
    RelayListener NOOP = new RelayListener() { };

    /**
     * {@code n} bytes were taken in for {@code dir}: one read in copy mode, one spliced
     * chunk (or its remainder at end of stream) in splice mode.
     */
    default void onBytes(Direction dir, long n) {
    }

    /** Reading for {@code dir} stopped because the channel it writes to became unwritable. */
    default void onPausedReading(Direction dir) {
    }

    /** Reading for {@code dir} resumed after the channel it writes to drained. */
    default void onResumedReading(Direction dir) {
    }
}
