package org.haap.robe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Which WANs are worth an attempt. A WAN is <em>down</em> while its link is reported down
 * ({@link #linkChanged}) or during a back-off after an attempt on it failed for a path reason
 * ({@link Outcome#pathFailed()}); the back-off doubles with each consecutive failure, from
 * {@code initialBackoff} up to {@code maxBackoff}, and a success ends it. When the back-off
 * has passed the WAN is tried again (a probe, in its normal place in the order).
 *
 * <p>{@link #candidates()} lists the WANs to attempt, in order of preference: the live
 * ones; if none is live, the ones whose link is up (in back-off, a last resort); if no link
 * is up, all of them (so the caller gets real errors rather than none). Thread-safe.
 */
public final class WanState {

    private final List<WanPath> paths;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final LongSupplier nanoClock;
    private final Map<WanPath, Entry> entries = new HashMap<>();

    private static final class Entry {
        boolean linkUp = true;
        int consecutiveFailures;
        long downUntilNanos;
        boolean inBackoff;
    }

    /**
     * @param paths          every WAN, in order of preference, at least one
     * @param initialBackoff the first back-off after a failure, &gt; 0
     * @param maxBackoff     the longest back-off, &gt;= initialBackoff
     * @param nanoClock      a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public WanState(List<WanPath> paths, Duration initialBackoff, Duration maxBackoff, LongSupplier nanoClock) {
        this.paths = List.copyOf(paths);
        if (this.paths.isEmpty()) {
            throw new IllegalArgumentException("paths: [] (expected: at least one WAN)");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff: " + initialBackoff + " (expected: > 0)");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= " + initialBackoff + ')');
        }
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        for (WanPath p : this.paths) {
            entries.put(p, new Entry());
        }
    }

    /** A tracker with a 1 s initial and 30 s maximum back-off on {@link System#nanoTime()}. */
    public static WanState withDefaults(List<WanPath> paths) {
        return new WanState(paths, Duration.ofSeconds(1), Duration.ofSeconds(30), System::nanoTime);
    }

    /** Every WAN, in order of preference. */
    public List<WanPath> paths() {
        return paths;
    }

    /** Whether {@code path} is live: its link is up and it is not in a back-off. */
    public synchronized boolean isUp(WanPath path) {
        Entry e = entry(path);
        return e.linkUp && !backingOff(e);
    }

    /** The WANs to attempt now, in order of preference (see the class documentation). */
    public synchronized List<WanPath> candidates() {
        List<WanPath> live = new ArrayList<>();
        List<WanPath> linkUp = new ArrayList<>();
        for (WanPath p : paths) {
            Entry e = entries.get(p);
            if (e.linkUp) {
                linkUp.add(p);
                if (!backingOff(e)) {
                    live.add(p);
                }
            }
        }
        if (!live.isEmpty()) {
            return List.copyOf(live);
        }
        return linkUp.isEmpty() ? paths : List.copyOf(linkUp);
    }

    /** Records the outcome of an attempt on {@code path}; a path this tracker does not know is ignored. */
    public synchronized void record(WanPath path, Outcome outcome) {
        Entry e = entries.get(path);
        if (e == null) {
            return;
        }
        if (outcome == Outcome.ESTABLISHED || outcome == Outcome.REFUSED) {
            e.consecutiveFailures = 0;
            e.inBackoff = false;
        } else if (outcome.pathFailed()) {
            e.consecutiveFailures++;
            long backoff = initialBackoff.toNanos() << Math.min(20, e.consecutiveFailures - 1);
            if (backoff <= 0 || backoff > maxBackoff.toNanos()) {
                backoff = maxBackoff.toNanos();
            }
            e.inBackoff = true;
            e.downUntilNanos = nanoClock.getAsLong() + backoff;
        }
    }

    /** The link monitor's view: whether {@code path}'s interface is up (carrier, address). */
    public synchronized void linkChanged(WanPath path, boolean up) {
        Entry e = entry(path);
        e.linkUp = up;
        if (up) {
            e.consecutiveFailures = 0;
            e.inBackoff = false;
        }
    }

    private boolean backingOff(Entry e) {
        if (e.inBackoff && nanoClock.getAsLong() - e.downUntilNanos >= 0) {
            e.inBackoff = false;
        }
        return e.inBackoff;
    }

    private Entry entry(WanPath path) {
        Entry e = entries.get(path);
        if (e == null) {
            throw new IllegalArgumentException("path: " + path + " (expected: one of " + paths + ')');
        }
        return e;
    }

    @Override
    public synchronized String toString() {
        StringBuilder sb = new StringBuilder("WanState[");
        for (WanPath p : paths) {
            Entry e = entries.get(p);
            sb.append(p.name()).append('=').append(!e.linkUp ? "link-down" : backingOff(e) ? "backoff" : "up")
                    .append(p == paths.get(paths.size() - 1) ? "" : ", ");
        }
        return sb.append(']').toString();
    }
}
