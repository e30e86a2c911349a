package org.haap.ap.probe;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address: {@code perSecond} tokens a second, at most
 * {@code perSecond} saved up. At most {@code maxSources} addresses are tracked; when full,
 * buckets unused for 2 s (so full again) are forgotten, and if there are none, a new
 * source is refused (a flood of spoofed sources cannot grow memory). Not thread-safe.
 */
public final class SourceRateLimiter {

    private final int perSecond;
    private final int maxSources;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, long[]> buckets = new HashMap<>();

    /**
     * @param perSecond  tokens per second and bucket size, &gt;= 1
     * @param maxSources addresses tracked at most, &gt;= 1
     * @param nanoClock  a monotonic clock in ns
     */
    public SourceRateLimiter(int perSecond, int maxSources, LongSupplier nanoClock) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: >= 1)");
        }
        if (maxSources < 1) {
            throw new IllegalArgumentException("maxSources: " + maxSources + " (expected: >= 1)");
        }
        this.perSecond = perSecond;
        this.maxSources = maxSources;
        this.nanoClock = nanoClock;
    }

    /** Takes a token for {@code source}; false when its bucket is empty. */
    public boolean tryAcquire(InetAddress source) {
        long now = nanoClock.getAsLong();
        long[] b = buckets.get(source); // {tokens x 1e9, last refill ns}
        if (b == null) {
            if (buckets.size() >= maxSources && !evictIdle(now)) {
                return false;
            }
            b = new long[] {perSecond * 1_000_000_000L, now};
            buckets.put(source, b);
        }
        long cap = perSecond * 1_000_000_000L;
        long elapsed = Math.max(0, now - b[1]);
        b[0] = elapsed >= 1_000_000_000L ? cap : Math.min(cap, b[0] + elapsed * perSecond);
        b[1] = now;
        if (b[0] < 1_000_000_000L) {
            return false;
        }
        b[0] -= 1_000_000_000L;
        return true;
    }

    /** Sources tracked now. */
    public int tracked() {
        return buckets.size();
    }

    private boolean evictIdle(long now) {
        boolean any = false;
        for (Iterator<long[]> it = buckets.values().iterator(); it.hasNext(); ) {
            if (now - it.next()[1] >= 2_000_000_000L) {
                it.remove();
                any = true;
            }
        }
        return any;
    }
}
