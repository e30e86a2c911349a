package org.haap.core.metrics.internal;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Ticker;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The open connections of one metrics endpoint, at most {@code max}. A new connection at the
 * limit takes the place of the longest-idle kept-alive one (between requests); if there is
 * none, of the one that has been sending its request the longest, once that has taken at
 * least {@link #SLOW} (a scraper sends its request at once; a client still sending after that
 * is slow or hostile, so clients that fill every place by trickling cannot lock scrapes out).
 * Otherwise it is refused. Each eviction and refusal is counted. Only the endpoint's single
 * event loop calls this, so it needs no locking.
 */
public final class Connections {

    /** How long a request may have been arriving before a new connection may take its place. */
    public static final long SLOW = TimeUnit.SECONDS.toNanos(1);

    private final int max;
    private final Ticker ticker;
    private final ScrapeMeters meters;
    private final Set<Channel> open = new HashSet<>();
    private final Set<Channel> idle = new LinkedHashSet<>();
    /** Connections receiving a request, oldest start first, with the start time. */
    private final Map<Channel, Long> reading = new LinkedHashMap<>();

    public Connections(int max, Ticker ticker, ScrapeMeters meters) {
        if (max < 1) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
        }
        this.max = max;
        this.ticker = ticker;
        this.meters = meters;
    }

    /**
     * Admits {@code ch}, making room at the limit when it can.
     *
     * @return false when refused (counted; the caller closes {@code ch})
     */
    public boolean admit(Channel ch) {
        if (open.size() >= max && !evictIdle() && !evictSlow()) {
            meters.closed(ScrapeMeters.Closed.LIMIT);
            return false;
        }
        open.add(ch);
        reading.put(ch, ticker.nanoTime());
        ch.closeFuture().addListener(f -> forget(ch));
        return true;
    }

    private boolean evictIdle() {
        Iterator<Channel> oldest = idle.iterator();
        if (!oldest.hasNext()) {
            return false;
        }
        evict(oldest.next(), ScrapeMeters.Closed.EVICTED_IDLE);
        return true;
    }

    private boolean evictSlow() {
        Iterator<Map.Entry<Channel, Long>> oldest = reading.entrySet().iterator();
        if (!oldest.hasNext() || ticker.nanoTime() - oldest.next().getValue() < SLOW) {
            return false;
        }
        evict(reading.keySet().iterator().next(), ScrapeMeters.Closed.EVICTED_SLOW);
        return true;
    }

    private void evict(Channel ch, ScrapeMeters.Closed reason) {
        forget(ch);
        meters.closed(reason);
        ch.close();
    }

    private void forget(Channel ch) {
        open.remove(ch);
        idle.remove(ch);
        reading.remove(ch);
    }

    /** {@code ch} has started a request. */
    void reading(Channel ch) {
        if (open.contains(ch)) {
            idle.remove(ch);
            reading.remove(ch);
            reading.put(ch, ticker.nanoTime());
        }
    }

    /** {@code ch}'s request is complete and being answered. */
    void serving(Channel ch) {
        reading.remove(ch);
    }

    /** {@code ch} waits for its next request (kept alive). */
    void idle(Channel ch) {
        if (open.contains(ch)) {
            reading.remove(ch);
            idle.add(ch);
        }
    }

    /** Connections open now. */
    public int size() {
        return open.size();
    }
}
