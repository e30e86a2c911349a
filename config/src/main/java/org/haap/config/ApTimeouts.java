package org.haap.config;

import java.time.Duration;
import java.util.Objects;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The aggregation point's timeouts, one per session phase
 * ({@code haap.aggregation-point.timeouts}); all positive.
 *
 * @param header from accept until the Convert header has arrived
 * @param connect for the upstream TCP connect to the destination
 * @param idle a relaying session with no bytes in either direction is closed after this
 * @param halfClose after one direction has ended, the other must end within this
 * @param drain on SIGTERM, how long in-flight sessions may run before they are closed
 * @param poolIdle how long a gateway's authenticated warm-pool connection may wait, idle,
 *     for its Convert Connect message (keep it above the gateways' {@code robe.pool.max-idle})
 */
public record ApTimeouts(Duration header, Duration connect, Duration idle, Duration halfClose, Duration drain,
        Duration poolIdle) {

    public ApTimeouts {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(halfClose, "halfClose");
        Objects.requireNonNull(drain, "drain");
        Objects.requireNonNull(poolIdle, "poolIdle");
        if (poolIdle.toMillis() > 0xffff_ffffL) {
            throw new IllegalArgumentException("poolIdle: " + poolIdle + " (expected: < 2^32 ms)");
        }
    }

    static ApTimeouts read(Section s) {
        Problems p = new Problems();
        Duration header = p.read(() -> s.positiveDuration("header"));
        Duration connect = p.read(() -> s.positiveDuration("connect"));
        Duration idle = p.read(() -> s.positiveDuration("idle"));
        Duration halfClose = p.read(() -> s.positiveDuration("half-close"));
        Duration drain = p.read(() -> s.positiveDuration("drain"));
        Duration poolIdle = p.read(() -> s.positiveDuration("pool-idle"));
        p.throwIfAny();
        if (poolIdle.toMillis() > 0xffff_ffffL) {
            throw s.invalid("pool-idle", "< 49 days");
        }
        return new ApTimeouts(header, connect, idle, halfClose, drain, poolIdle);
    }
}
