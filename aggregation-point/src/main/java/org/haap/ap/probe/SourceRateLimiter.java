package org.haap.ap.probe;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address: {@code perSecond} tokens a second, at most
 * {@code perSecond} saved up. At most {@code maxSources} addresses are tracked, in order of
 * last use; each call forgets up to {@value #EVICTIONS_PER_CALL} of the least recently used
 * buckets that have been unused for {@value #IDLE_SECONDS} s (so full again, forgetting them
 * changes nothing), and when the table is still full a new source is refused (a flood of
 * spoofed sources cannot grow memory). Constant work per call: no scan of the table. Not
 * thread-safe.
 */
public final class SourceRateLimiter {

    /** A bucket unused this long is full again and may be forgotten. */
    static final int IDLE_SECONDS = 2;
    /** Idle buckets forgotten per call at most. */
    static final int EVICTIONS_PER_CALL = 2;

    private static final long TOKEN = 1_000_000_000L;
    private static final long IDLE_NANOS = IDLE_SECONDS * 1_000_000_000L;

    private final int perSecond;
    private final int maxSources;
    private final LongSupplier nanoClock;
    /** Access-ordered: the eldest entry is the least recently used bucket. */
    private final LinkedHashMap<InetAddress, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);

    /** Tokens scaled by 1e9 (so refills need no fractions) and the last use. */
    private static final class Bucket {
        long tokens;
        long lastNanos;

        Bucket(long tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }

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

    /** Takes a token for {@code source}; false when its bucket is empty or the table is full. */
    public boolean tryAcquire(InetAddress source) {
        long now = nanoClock.getAsLong();
        evictIdle(now);
        long cap = perSecond * TOKEN;
        Bucket b = buckets.get(source);
        if (b == null) {
            if (buckets.size() >= maxSources) {
                return false;
            }
            b = new Bucket(cap, now);
            buckets.put(source, b);
        }
        long elapsed = Math.max(0, now - b.lastNanos);
        b.tokens = elapsed >= TOKEN ? cap : Math.min(cap, b.tokens + elapsed * perSecond);
        b.lastNanos = now;
        if (b.tokens < TOKEN) {
            return false;
        }
        b.tokens -= TOKEN;
        return true;
    }

    /** Sources tracked now. */
    public int tracked() {
        return buckets.size();
    }

    /** Forgets up to {@link #EVICTIONS_PER_CALL} idle buckets from the least recently used end. */
    private void evictIdle(long now) {
        Iterator<Map.Entry<InetAddress, Bucket>> it = buckets.entrySet().iterator();
        for (int i = 0; i < EVICTIONS_PER_CALL && it.hasNext(); i++) {
            if (now - it.next().getValue().lastNanos < IDLE_NANOS) {
                return;
            }
            it.remove();
        }
    }
}
