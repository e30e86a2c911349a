package org.haap.robe;

import java.time.Duration;
import java.util.Objects;

/**
 * One connect attempt on one WAN.
 *
 * @param path    the WAN the attempt used
 * @param outcome how it ended
 * @param elapsed from the attempt's start to its end
 * @param detail  a short human-readable reason (the exception message), empty on success
 */
public record Attempt(WanPath path, Outcome outcome, Duration elapsed, String detail) {

    public Attempt {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return path.name() + ": " + outcome.name().toLowerCase() + " after " + elapsed.toMillis() + " ms"
                + (detail.isEmpty() ? "" : " (" + detail + ')');
    }
}
