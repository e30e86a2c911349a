package org.haap.robe.pool;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.time.Duration;

/**
 * Turns a freshly established connection into a pool member, e.g. the gateway's HAAP pool
 * hello and the aggregation point's ack. Called on the channel's event loop with a channel
 * as {@link org.haap.robe.Established} describes it; must leave the pipeline empty and
 * {@code AUTO_READ} off when its future completes.
 */
public interface PoolHandshake {

    /**
     * Starts the handshake on {@code channel}.
     *
     * @return completes with how long the aggregation point keeps the idle connection (the
     *         pool recycles it well before), or fails when the aggregation point refused it
     *         (the pool then closes the channel and backs off)
     */
    Future<Duration> prepare(Channel channel);
}
