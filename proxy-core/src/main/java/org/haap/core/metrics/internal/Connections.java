package org.haap.core.metrics.internal;

import io.netty.channel.Channel;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The open connections of one metrics endpoint, at most {@code max}. A new connection at the
 * limit takes the place of the longest-idle kept-alive one (between requests); when every
 * connection is busy with a request it is refused. Only the endpoint's single event loop
 * calls this, so it needs no locking.
 */
public final class Connections {

    private final int max;
    private final ScrapeMeters meters;
    private final Set<Channel> open = new HashSet<>();
    private final Set<Channel> idle = new LinkedHashSet<>();

    public Connections(int max, ScrapeMeters meters) {
        if (max < 1) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
        }
        this.max = max;
        this.meters = meters;
    }

    /**
     * Admits {@code ch}, closing the longest-idle connection at the limit.
     *
     * @return false when refused (counted; the caller closes {@code ch})
     */
    public boolean admit(Channel ch) {
        if (open.size() >= max) {
            Iterator<Channel> oldest = idle.iterator();
            if (!oldest.hasNext()) {
                meters.closed(ScrapeMeters.Closed.LIMIT);
                return false;
            }
            Channel evicted = oldest.next();
            oldest.remove();
            open.remove(evicted);
            meters.closed(ScrapeMeters.Closed.EVICTED);
            evicted.close();
        }
        open.add(ch);
        ch.closeFuture().addListener(f -> {
            open.remove(ch);
            idle.remove(ch);
        });
        return true;
    }

    /** {@code ch} waits for its next request (kept alive): it may be evicted. */
    void idle(Channel ch) {
        if (open.contains(ch)) {
            idle.add(ch);
        }
    }

    /** {@code ch} has started a request. */
    void busy(Channel ch) {
        idle.remove(ch);
    }

    /** Connections open now. */
    public int size() {
        return open.size();
    }
}
