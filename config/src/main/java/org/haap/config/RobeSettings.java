package org.haap.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * How the gateway establishes its MPTCP connections to the aggregation point
 * ({@code haap.gateway.robe}).
 *
 * @param mode the establishment strategy
 * @param timerSynTimeout for {@link RobeMode#TIMER}: how long a SYN may go unanswered
 *     before the next WAN is tried; empty = {@code auto}, derived from the handshake times
 *     measured on each WAN
 * @param pool the warm pool
 * @param fastOpen 0-RTT establishment
 */
public record RobeSettings(RobeMode mode, Optional<Duration> timerSynTimeout, WarmPoolSettings pool,
                           RobeFastOpen fastOpen) {

    public RobeSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timerSynTimeout, "timerSynTimeout");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(fastOpen, "fastOpen");
    }

    /** Settings with the default {@link RobeFastOpen}. */
    public RobeSettings(RobeMode mode, Optional<Duration> timerSynTimeout, WarmPoolSettings pool) {
        this(mode, timerSynTimeout, pool, RobeFastOpen.DEFAULT);
    }

    static RobeSettings read(Section s) {
        Problems p = new Problems();
        RobeMode mode = p.read(() -> s.enumValue("mode", RobeMode.class));
        Optional<Duration> synTimeout = p.read(() -> s.child("timer").positiveDurationOr("syn-timeout", "auto"));
        WarmPoolSettings pool = p.read(() -> WarmPoolSettings.read(s.child("pool")));
        RobeFastOpen fastOpen = p.read(() -> RobeFastOpen.read(s.child("fast-open")));
        p.throwIfAny();
        return new RobeSettings(mode, synTimeout, pool, fastOpen);
    }
}
