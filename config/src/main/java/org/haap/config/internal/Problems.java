package org.haap.config.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.haap.config.ConfigError;

/**
 * Collects config errors so that one read reports every bad key, not only the first:
 * each value is read through {@link #read}, which returns {@code null} on error, and
 * {@link #throwIfAny()} runs before the record is built.
 */
public final class Problems {
    private final List<ConfigError> errors = new ArrayList<>();

    /** The value, or {@code null} after recording the {@link ConfigError} it threw. */
    public <T> T read(Supplier<T> reader) {
        try {
            return reader.get();
        } catch (ConfigError e) {
            errors.add(e);
            return null;
        }
    }

    /** Runs a check that only throws; records the {@link ConfigError} it throws. */
    public void check(Runnable check) {
        try {
            check.run();
        } catch (ConfigError e) {
            errors.add(e);
        }
    }

    public void add(List<ConfigError> more) {
        errors.addAll(more);
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    /** Throws one {@link ConfigError} carrying everything collected, if anything was. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw ConfigError.of(errors);
        }
    }
}
