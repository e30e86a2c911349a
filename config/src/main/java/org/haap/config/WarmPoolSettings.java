package org.haap.config;

import java.time.Duration;
import java.util.Objects;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The warm pool of pre-established MPTCP connections to the aggregation point
 * ({@code haap.gateway.robe.pool}): a LAN connection that finds one costs no WAN handshake.
 *
 * @param enabled whether the pool is kept at all
 * @param min idle connections kept ready, {@code 0..max}
 * @param max connections in the pool, idle or being opened, {@code 1..}{@value #MAX_CONNECTIONS}
 * @param maxIdle an idle pooled connection is closed and replaced after this
 */
public record WarmPoolSettings(boolean enabled, int min, int max, Duration maxIdle) {

    /** The largest pool accepted. */
    public static final int MAX_CONNECTIONS = 1024;

    public WarmPoolSettings {
        Objects.requireNonNull(maxIdle, "maxIdle");
    }

    static WarmPoolSettings read(Section s) {
        Problems p = new Problems();
        Boolean enabled = p.read(() -> s.bool("enabled"));
        Integer min = p.read(() -> s.intInRange("min", 0, MAX_CONNECTIONS));
        Integer max = p.read(() -> s.intInRange("max", 1, MAX_CONNECTIONS));
        Duration maxIdle = p.read(() -> s.positiveDuration("max-idle"));
        p.throwIfAny();
        if (min > max) {
            throw s.invalid("min", "<= max (" + max + ')');
        }
        return new WarmPoolSettings(enabled, min, max, maxIdle);
    }
}
