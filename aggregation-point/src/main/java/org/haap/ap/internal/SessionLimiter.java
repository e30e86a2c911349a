package org.haap.ap.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open sessions in total and per client ({@code K}, e.g. a {@link ClientKey}) and
 * refuses new ones over either limit. The limits may be changed while running ({@link #setLimits}): slots already taken
 * stay taken, and only later acquisitions see the new limits. Thread-safe: every event loop
 * accepts connections.
 */
public final class SessionLimiter<K> {

    private volatile int maxSessions;
    private volatile int maxPerClient;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<K, AtomicInteger> perClient = new ConcurrentHashMap<>();

    /**
     * @param maxSessions  slots over all clients ({@link Integer#MAX_VALUE}: no total cap)
     * @param maxPerClient slots one client may hold, &gt;= 0
     */
    public SessionLimiter(int maxSessions, int maxPerClient) {
        this.maxSessions = maxSessions;
        this.maxPerClient = maxPerClient;
    }

    /**
     * Applies new limits to later {@link #tryAcquire} calls (a configuration reload).
     *
     * @param maxSessions  slots over all clients ({@link Integer#MAX_VALUE}: no total cap)
     * @param maxPerClient slots one client may hold, &gt;= 0
     */
    public void setLimits(int maxSessions, int maxPerClient) {
        this.maxSessions = maxSessions;
        this.maxPerClient = maxPerClient;
    }

    /** Takes a slot for {@code client}; false (and nothing taken) when over a limit. */
    public boolean tryAcquire(K client) {
        if (total.incrementAndGet() > maxSessions) {
            total.decrementAndGet();
            return false;
        }
        boolean[] ok = {true};
        int perClientCap = maxPerClient;
        perClient.compute(client, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            if (count.get() >= perClientCap) {
                ok[0] = false;
            } else {
                count.incrementAndGet();
            }
            return count.get() == 0 ? null : count;
        });
        if (!ok[0]) {
            total.decrementAndGet();
        }
        return ok[0];
    }

    /** Returns a slot taken by {@link #tryAcquire}. */
    public void release(K client) {
        total.decrementAndGet();
        perClient.computeIfPresent(client, (k, n) -> n.decrementAndGet() == 0 ? null : n);
    }

    /** Slots {@code client} holds. */
    public int held(K client) {
        AtomicInteger n = perClient.get(client);
        return n == null ? 0 : n.get();
    }

    /** Sessions holding a slot. */
    public int total() {
        return total.get();
    }
}
