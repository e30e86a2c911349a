package org.haap.robe.pool;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Objects;
import org.haap.robe.WanPath;

/**
 * A connection taken from the pool: established and accepted by the aggregation point as a
 * pool member, registered on the pool's event loop, {@code AUTO_READ} off, an empty
 * pipeline, nothing unread.
 *
 * @param channel   the connection
 * @param path      the WAN of its initial subflow
 * @param setupTime how long establishing it took (spent before the LAN connection arrived)
 * @param idleTime  how long it waited in the pool
 */
public record PooledConnection(Channel channel, WanPath path, Duration setupTime, Duration idleTime) {

    public PooledConnection {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(setupTime, "setupTime");
        Objects.requireNonNull(idleTime, "idleTime");
    }
}
