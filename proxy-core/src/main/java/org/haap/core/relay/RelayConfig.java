package org.haap.core.relay;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of one relay session, validated eagerly.
 *
 * @param lowWatermark     write-buffer low watermark applied to both channels, bytes (&gt; 0)
 * @param highWatermark    write-buffer high watermark applied to both channels, bytes
 *                         (&gt;= lowWatermark); a channel above it stops its peer from reading
 * @param idleTimeout      no bytes in either direction for this long ends the session with
 *                         {@code TIMEOUT}; {@link Duration#ZERO} disables it
 * @param halfCloseTimeout once one direction has finished, the other must finish within this
 *                         long or the session ends with {@code TIMEOUT} in phase
 *                         {@code HALF_CLOSE}; {@link Duration#ZERO} disables it
 * @param splice           use zero-copy splice when both channels allow it
 * @param spliceChunk      bytes per queued splice request (&gt; 0); counters advance per chunk
 * @param splicePipes      splice pipes (two file descriptors each) the whole process may hold
 *                         at once, in use by directions moving data or pooled (&gt; 0); past it
 *                         a direction copies
 */
public record RelayConfig(int lowWatermark, int highWatermark, Duration idleTimeout,
                          Duration halfCloseTimeout, boolean splice, int spliceChunk, int splicePipes) {

    /** The default of {@link #splicePipes()}. */
    public static final int DEFAULT_SPLICE_PIPES = 1024;

    public RelayConfig {
        if (lowWatermark <= 0) {
            throw new IllegalArgumentException("lowWatermark: " + lowWatermark + " (expected: > 0)");
        }
        if (highWatermark < lowWatermark) {
            throw new IllegalArgumentException(
                    "highWatermark: " + highWatermark + " (expected: >= lowWatermark " + lowWatermark + ')');
        }
        requireNotNegative("idleTimeout", idleTimeout);
        requireNotNegative("halfCloseTimeout", halfCloseTimeout);
        if (spliceChunk <= 0) {
            throw new IllegalArgumentException("spliceChunk: " + spliceChunk + " (expected: > 0)");
        }
        if (splicePipes <= 0) {
            throw new IllegalArgumentException("splicePipes: " + splicePipes + " (expected: > 0)");
        }
    }

    /** With {@link #DEFAULT_SPLICE_PIPES} splice pipes. */
    public RelayConfig(int lowWatermark, int highWatermark, Duration idleTimeout, Duration halfCloseTimeout,
                       boolean splice, int spliceChunk) {
        this(lowWatermark, highWatermark, idleTimeout, halfCloseTimeout, splice, spliceChunk, DEFAULT_SPLICE_PIPES);
    }

    /** 32 KiB / 64 KiB watermarks, idle 5 min, half-close 60 s, splice on, 64 KiB chunks, 1024 pipes. */
    public static RelayConfig defaults() {
        return new RelayConfig(32 * 1024, 64 * 1024, Duration.ofMinutes(5), Duration.ofSeconds(60),
                true, 64 * 1024);
    }

    /** A copy with {@code splice} replaced. */
    public RelayConfig withSplice(boolean newSplice) {
        return new RelayConfig(lowWatermark, highWatermark, idleTimeout, halfCloseTimeout, newSplice,
                spliceChunk, splicePipes);
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
    }
}
