package org.haap.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The configuration re-reads of a service that reloads on SIGHUP: one counter,
 * {@code <name>_total}, with {@code result="ok"} (loaded and applied) and
 * {@code result="invalid"} (running configuration kept), both registered at construction.
 */
public final class ConfigReloads {

    private final Counter ok;
    private final Counter invalid;

    /**
     * @param registry where the counter is registered
     * @param name     the meter name, e.g. {@code haap.ap.config.reloads}
     */
    public ConfigReloads(MeterRegistry registry, String name) {
        ok = counter(registry, name, "ok");
        invalid = counter(registry, name, "invalid");
    }

    private static Counter counter(MeterRegistry registry, String name, String result) {
        return Counter.builder(name)
                .description("Configuration re-reads on SIGHUP: ok (applied) or invalid (running configuration kept)")
                .tag("result", result).register(registry);
    }

    /** One re-read: {@code valid} when it loaded and was applied. */
    public void reloaded(boolean valid) {
        (valid ? ok : invalid).increment();
    }

    /** Re-reads so far that were applied ({@code true}) or rejected ({@code false}). */
    public double count(boolean valid) {
        return (valid ? ok : invalid).count();
    }
}
