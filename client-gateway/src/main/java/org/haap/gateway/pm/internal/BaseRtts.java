package org.haap.gateway.pm.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.haap.gateway.pm.PmWan;

/**
 * Each WAN's base RTT: the lowest round-trip time its link-monitor probes measured over the
 * last {@link #WINDOW}, a windowed minimum, so that queueing delay under load does not count
 * and a path that became slower for good is learnt within the window. The minimum is kept
 * in {@link #BUCKETS} buckets of {@code WINDOW / BUCKETS} each; a value is therefore
 * forgotten between 2/3 and all of the window after it was measured.
 *
 * <p>Meter: {@code haap_gateway_pm_wan_base_rtt_seconds{wan}}, as of the WAN's latest answered
 * probe (NaN before the first).
 *
 * <p>Confined to the engine's thread, except the gauge, which reads what {@link #add} last
 * published.
 */
public final class BaseRtts {

    /** How long a probe's RTT counts. */
    public static final Duration WINDOW = Duration.ofSeconds(30);
    /** Relative change of a base RTT that is worth re-evaluating connections for. */
    public static final double NOTABLE_CHANGE = 0.05;

    private static final int BUCKETS = 3;
    private static final long BUCKET_NANOS = WINDOW.toNanos() / BUCKETS;
    private static final long UNKNOWN = -1;

    /** Per WAN and bucket slot: the bucket's number (time / BUCKET_NANOS) and its lowest RTT. */
    private final long[][] bucket;
    private final long[][] lowest;
    /** Per WAN: the base RTT at the latest notable change. */
    private final long[] settled;
    /** Per WAN: the base RTT as of the latest answered probe, for the gauge. */
    private final AtomicLongArray published;

    public BaseRtts(List<PmWan> wans, MeterRegistry registry) {
        int n = wans.size();
        bucket = new long[n][BUCKETS];
        lowest = new long[n][BUCKETS];
        for (long[] b : bucket) {
            Arrays.fill(b, Long.MIN_VALUE);
        }
        settled = new long[n];
        Arrays.fill(settled, UNKNOWN);
        published = new AtomicLongArray(n);
        for (PmWan w : wans) {
            published.set(w.index(), UNKNOWN);
            Gauge.builder("haap.gateway.pm.wan.base.rtt", published, p -> seconds(p.get(w.index())))
                    .description("The WAN's base RTT as of its latest answered probe: the lowest link-monitor "
                            + "probe RTT of the last 30 s (NaN before one); latency-first puts short connections "
                            + "on the lowest")
                    .baseUnit("seconds").tag("wan", w.name()).register(registry);
        }
    }

    /**
     * Records a probe on WAN {@code wan} (its index) answered after {@code rttNanos} at
     * {@code nowNanos}; returns whether the WAN's base RTT became known or moved by at least
     * {@link #NOTABLE_CHANGE} since the last time this returned {@code true} for it.
     */
    public boolean add(int wan, long rttNanos, long nowNanos) {
        if (rttNanos < 0) {
            throw new IllegalArgumentException("rttNanos: " + rttNanos + " (expected: >= 0)");
        }
        long number = Math.floorDiv(nowNanos, BUCKET_NANOS);
        int slot = (int) Math.floorMod(number, (long) BUCKETS);
        if (bucket[wan][slot] != number) {
            bucket[wan][slot] = number;
            lowest[wan][slot] = rttNanos;
        } else {
            lowest[wan][slot] = Math.min(lowest[wan][slot], rttNanos);
        }
        long now = get(wan, nowNanos).orElse(UNKNOWN);
        published.set(wan, now);
        long before = settled[wan];
        if (before == UNKNOWN || Math.abs(now - before) >= NOTABLE_CHANGE * before) {
            settled[wan] = now;
            return true;
        }
        return false;
    }

    /** WAN {@code wan}'s base RTT at {@code nowNanos}, or empty if no probe answered within the window. */
    public OptionalLong get(int wan, long nowNanos) {
        long number = Math.floorDiv(nowNanos, BUCKET_NANOS);
        long best = Long.MAX_VALUE;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucket[wan][i] > number - BUCKETS && bucket[wan][i] <= number) {
                best = Math.min(best, lowest[wan][i]);
            }
        }
        return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
    }

    private static double seconds(long nanos) {
        return nanos == UNKNOWN ? Double.NaN : nanos / 1e9;
    }
}
