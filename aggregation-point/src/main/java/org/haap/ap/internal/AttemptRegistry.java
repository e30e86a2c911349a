package org.haap.ap.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The connection ids (HAAP attempt TLV) of the Connects the aggregation point has acted on
 * lately, so that it acts once per LAN connection although a gateway races the same Connect
 * and the client's first bytes over every WAN ({@code docs/fast-open.md}). An id is remembered
 * for at least the window and at most twice it: two generations of ids, the older dropped as a
 * whole when the newer is one window old. Thread-safe (every event loop claims here); a claim
 * costs one hash look-up and insert under a lock.
 */
public final class AttemptRegistry {

    /** What {@link #claim} found. */
    public enum Claim {
        /** The first Connect with this id: act on it. */
        FIRST,
        /** An id seen within the window: another connection acts on it. */
        DUPLICATE,
        /** Too many ids within one window ({@link #maxIds}): refuse (Error 64), forget nothing. */
        FULL
    }

    private record Id(long high, long low) {
    }

    private final long windowNanos;
    private final int maxIds;
    private final LongSupplier nanoClock;
    private Set<Id> current = new HashSet<>();
    private Set<Id> previous = new HashSet<>();
    private long currentSince;

    /**
     * @param window    how long an id is remembered at least, &gt; 0
     * @param maxIds    the most ids one generation holds, &gt; 0
     * @param nanoClock a monotonic clock ({@code System::nanoTime})
     */
    public AttemptRegistry(Duration window, int maxIds, LongSupplier nanoClock) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window: " + window + " (expected: > 0)");
        }
        if (maxIds <= 0) {
            throw new IllegalArgumentException("maxIds: " + maxIds + " (expected: > 0)");
        }
        this.windowNanos = window.toNanos();
        this.maxIds = maxIds;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.currentSince = nanoClock.getAsLong();
    }

    /** Records {@code id} (16 bytes) unless it was seen within the window. */
    public synchronized Claim claim(byte[] id) {
        if (id.length != 16) {
            throw new IllegalArgumentException("id: " + id.length + " bytes (expected: 16)");
        }
        long now = nanoClock.getAsLong();
        if (now - currentSince >= windowNanos) {
            // the previous generation is at least a window older than any id in the current one
            previous = now - currentSince >= 2 * windowNanos ? new HashSet<>() : current;
            current = new HashSet<>();
            currentSince = now;
        }
        ByteBuffer b = ByteBuffer.wrap(id);
        Id key = new Id(b.getLong(), b.getLong());
        if (previous.contains(key) || current.contains(key)) {
            return Claim.DUPLICATE;
        }
        if (current.size() >= maxIds) {
            return Claim.FULL;
        }
        current.add(key);
        return Claim.FIRST;
    }

    /** Ids remembered now (both generations). */
    public synchronized int size() {
        return current.size() + previous.size();
    }
}
