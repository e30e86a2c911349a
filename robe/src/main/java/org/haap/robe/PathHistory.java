package org.haap.robe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What the strategies have measured per WAN: a smoothed handshake (setup) time, an
 * exponentially weighted moving average like TCP's SRTT ({@code srtt = 7/8 srtt + 1/8 sample}),
 * and a recent-failure score that decays with a half-life (each failure adds 1, a success
 * halves it). It feeds RobE_IPS ({@link #rank}: the WAN to try first) and RobE_TIMER's
 * automatic SYN timeout ({@link #synTimeout}).
 *
 * <p>Ranking score, lowest first: smoothed setup time in ms (0 while unmeasured, so every
 * WAN gets measured once) + {@value #FAILURE_PENALTY_MS} ms per unit of recent-failure
 * score; ties keep the configured order. Keyed by WAN name; thread-safe. All connections
 * go to the one aggregation point, so there is no per-destination history.
 */
public final class PathHistory {

    /** Lower bound of the automatic SYN timeout. */
    public static final Duration MIN_SYN_TIMEOUT = Duration.ofMillis(50);
    /** Upper bound of the automatic SYN timeout, and its value while no WAN is measured. */
    public static final Duration MAX_SYN_TIMEOUT = Duration.ofSeconds(1);
    /** The automatic SYN timeout is this many smoothed setup times (before the bounds). */
    public static final double SYN_TIMEOUT_FACTOR = 3;
    /** How much one unit of recent-failure score weighs in {@link #rank}, in milliseconds. */
    public static final long FAILURE_PENALTY_MS = 1000;

    private static final double ALPHA = 0.125;

    private final long halfLifeNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        double srttNanos = Double.NaN;
        double failures;
        long failuresAt;
    }

    /**
     * @param failureHalfLife how fast the recent-failure score decays, &gt; 0
     * @param nanoClock       a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public PathHistory(Duration failureHalfLife, LongSupplier nanoClock) {
        if (failureHalfLife.isNegative() || failureHalfLife.isZero()) {
            throw new IllegalArgumentException("failureHalfLife: " + failureHalfLife + " (expected: > 0)");
        }
        this.halfLifeNanos = failureHalfLife.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A history with a 30 s failure half-life on {@link System#nanoTime()}. */
    public static PathHistory withDefaults() {
        return new PathHistory(Duration.ofSeconds(30), System::nanoTime);
    }

    /** Records a completed handshake on {@code path} that took {@code setup}. */
    public synchronized void success(WanPath path, Duration setup) {
        Entry e = entry(path);
        double sample = setup.toNanos();
        e.srttNanos = Double.isNaN(e.srttNanos) ? sample : (1 - ALPHA) * e.srttNanos + ALPHA * sample;
        e.failures = decayed(e) / 2;
        e.failuresAt = nanoClock.getAsLong();
    }

    /**
     * Records that an attempt on {@code path} failed for a path reason, or that it was
     * overtaken (no SYN/ACK within its SYN timeout, another WAN started).
     */
    public synchronized void failure(WanPath path) {
        Entry e = entry(path);
        e.failures = decayed(e) + 1;
        e.failuresAt = nanoClock.getAsLong();
    }

    /** The smoothed setup time of {@code path}, empty until one was measured. */
    public synchronized Optional<Duration> smoothedSetup(WanPath path) {
        Entry e = entries.get(path.name());
        return e == null || Double.isNaN(e.srttNanos) ? Optional.empty()
                : Optional.of(Duration.ofNanos((long) e.srttNanos));
    }

    /** The decayed recent-failure score of {@code path} (0 = none). */
    public synchronized double recentFailures(WanPath path) {
        Entry e = entries.get(path.name());
        return e == null ? 0 : decayed(e);
    }

    /** {@code paths} best first (see the class documentation); a stable sort. */
    public synchronized List<WanPath> rank(List<WanPath> paths) {
        Map<WanPath, Double> score = new HashMap<>();
        for (WanPath p : paths) {
            Entry e = entries.get(p.name());
            double ms = 0;
            if (e != null) {
                ms = (Double.isNaN(e.srttNanos) ? 0 : e.srttNanos / 1e6) + FAILURE_PENALTY_MS * decayed(e);
            }
            score.put(p, ms);
        }
        List<WanPath> out = new ArrayList<>(paths);
        out.sort(Comparator.comparingDouble(score::get));
        return List.copyOf(out);
    }

    /**
     * The automatic SYN timeout of {@code path}: {@value #SYN_TIMEOUT_FACTOR} × its smoothed
     * setup time, clamped to [{@link #MIN_SYN_TIMEOUT}, {@link #MAX_SYN_TIMEOUT}]. While
     * {@code path} is unmeasured: {@value #SYN_TIMEOUT_FACTOR} × the largest smoothed setup
     * time measured on any WAN (same bounds), or {@link #MAX_SYN_TIMEOUT} when no WAN has
     * been measured yet. Without that, a primary WAN that never answers would never be
     * measured (every attempt on it is overtaken and abandoned) and would cost the full
     * upper bound on every connection.
     */
    public synchronized Duration synTimeout(WanPath path) {
        Entry own = entries.get(path.name());
        double srtt = own == null ? Double.NaN : own.srttNanos;
        if (Double.isNaN(srtt)) {
            for (Entry e : entries.values()) {
                if (!Double.isNaN(e.srttNanos) && (Double.isNaN(srtt) || e.srttNanos > srtt)) {
                    srtt = e.srttNanos;
                }
            }
        }
        if (Double.isNaN(srtt)) {
            return MAX_SYN_TIMEOUT;
        }
        long nanos = (long) (SYN_TIMEOUT_FACTOR * srtt);
        return Duration.ofNanos(Math.max(MIN_SYN_TIMEOUT.toNanos(), Math.min(MAX_SYN_TIMEOUT.toNanos(), nanos)));
    }

    private Entry entry(WanPath path) {
        return entries.computeIfAbsent(path.name(), n -> new Entry());
    }

    private double decayed(Entry e) {
        if (e.failures == 0) {
            return 0;
        }
        long age = nanoClock.getAsLong() - e.failuresAt;
        return age <= 0 ? e.failures : e.failures * Math.pow(0.5, (double) age / halfLifeNanos);
    }
}
