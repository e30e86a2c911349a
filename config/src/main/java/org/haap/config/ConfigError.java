package org.haap.config;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An invalid configuration: a bad or unknown key, or a file that cannot be read or parsed.
 * A key error's message has one shape, {@code "key: value (expected: ...)"}, e.g.
 * {@code "haap.aggregation-point.timeouts.header: -1s (expected: > 0)"}; a file error's
 * message starts with the file name and line, e.g. {@code "ap.conf:12: ..."}.
 *
 * <p>When several problems are found at once, one {@code ConfigError} carries them all
 * ({@link #all()}); its message is theirs, one per line. Applications exit with
 * {@link #EXIT_CODE} on a config error. There is no stack trace: the cause is the input.
 */
public final class ConfigError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code EX_CONFIG} from sysexits.h: the exit code for a configuration error. */
    public static final int EXIT_CODE = 78;

    private final String key;
    private final transient List<ConfigError> all;

    /**
     * @param key the full key in error, or {@code null} for an error about a whole file
     * @param message the complete message (see the class comment for its shape)
     */
    public ConfigError(String key, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.key = key;
        this.all = List.of(this);
    }

    private ConfigError(List<ConfigError> errors) {
        super(errors.stream().map(Throwable::getMessage).collect(Collectors.joining("\n")), null, false, false);
        this.key = errors.get(0).key;
        this.all = List.copyOf(errors);
    }

    /** {@code "key: value (expected: expected)"}. */
    public static ConfigError invalid(String key, String value, String expected) {
        return new ConfigError(key, key + ": " + value + " (expected: " + expected + ')');
    }

    /** One error carrying every error in {@code errors} (each itself, never nested). */
    public static ConfigError of(List<ConfigError> errors) {
        List<ConfigError> flat = errors.stream().flatMap(e -> e.all().stream()).collect(Collectors.toList());
        if (flat.isEmpty()) {
            throw new IllegalArgumentException("errors: [] (expected: at least one)");
        }
        return flat.size() == 1 ? flat.get(0) : new ConfigError(flat);
    }

    /** The full key in error (of the first error if several), or {@code null} for a file error. */
    public String key() {
        return key;
    }

    /** Every single error this one stands for; just {@code this} when there is one. */
    public List<ConfigError> all() {
        return all != null ? all : List.of(this); // null only after deserialisation
    }
}
