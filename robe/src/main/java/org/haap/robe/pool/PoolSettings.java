package org.haap.robe.pool;

import java.time.Duration;
import java.util.Objects;

/**
 * The sizing and timing of one {@link WarmPool}.
 *
 * @param min     idle connections kept ready at least, {@code 0..max}
 * @param max     connections in the pool, idle or being opened, at most, &gt;= 0
 * @param maxIdle an idle connection is closed and replaced after this, &gt; 0
 */
public record PoolSettings(int min, int max, Duration maxIdle) {

    public PoolSettings {
        Objects.requireNonNull(maxIdle, "maxIdle");
        if (max < 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 0)");
        }
        if (min < 0 || min > max) {
            throw new IllegalArgumentException("min: " + min + " (expected: 0.." + max + ')');
        }
        if (maxIdle.isNegative() || maxIdle.isZero()) {
            throw new IllegalArgumentException("maxIdle: " + maxIdle + " (expected: > 0)");
        }
    }

    /**
     * Splits settings meant for the whole gateway over {@code loops} per-loop pools: loop
     * {@code index} gets {@code total / loops}, plus one while {@code index < total % loops},
     * of both min and max, so the sums equal the configured values.
     */
    public PoolSettings share(int index, int loops) {
        if (loops < 1 || index < 0 || index >= loops) {
            throw new IllegalArgumentException("index: " + index + " of " + loops + " loops");
        }
        return new PoolSettings(part(min, index, loops), part(max, index, loops), maxIdle);
    }

    private static int part(int total, int index, int loops) {
        return total / loops + (index < total % loops ? 1 : 0);
    }
}
