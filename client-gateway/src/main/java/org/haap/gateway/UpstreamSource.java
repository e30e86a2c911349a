package org.haap.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.Objects;
import org.haap.robe.WanPath;

/**
 * Where a session's upstream connection comes from: a warm-pool connection to the aggregation
 * point ({@link PoolSource}), one established afresh by RobE ({@link RobeSource}), or, for
 * bypass, a plain TCP connection straight to the destination ({@link BypassSource}). A source
 * notes what it learns in the session's {@link SessionRecord} and counts its own meters; what
 * the session does when a source fails (another source, or the end) is the session's choice.
 *
 * <p>A source whose connection could carry the client's first bytes with its handshake (a
 * warm-pool connection, or Fast Open SYNs) may hold them back until they arrive
 * ({@link #lanReady}).
 */
interface UpstreamSource {

    /**
     * A connection a source obtained: active, on the session's event loop, {@code AUTO_READ}
     * off, nothing written on it yet by this session.
     *
     * @param channel     the connection
     * @param path        the WAN its (initial) subflow uses
     * @param setupMillis how long this session waited for it to connect (0 for a pooled one,
     *                    -1 when not measured)
     * @param answer      after a 0-RTT first flight ({@link RobeSource} with Fast Open): the
     *                    AP's answer read so far (its Convert reply, maybe the server's first
     *                    bytes), owned by the receiver; {@code null} when nothing was sent yet
     * @param flownClientBytes how many LAN client bytes the first flight carried (0 without one)
     */
    record Upstream(Channel channel, WanPath path, long setupMillis, ByteBuf answer, int flownClientBytes) {
        public Upstream {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(path, "path");
        }

        /** A connection on which nothing was sent yet. */
        Upstream(Channel channel, WanPath path, long setupMillis) {
            this(channel, path, setupMillis, null, 0);
        }
    }

    /**
     * Starts obtaining the connection on {@code loop}, once per source.
     *
     * @return completes on {@code loop} with the connection, or fails (the source has noted
     *         why); cancelling it abandons what is in flight and closes what the source opened
     */
    Future<Upstream> open(EventLoop loop);

    /**
     * The LAN client sent its first bytes or shut its output: a source holding for them goes
     * on at once. The default does nothing.
     */
    default void lanReady() {
    }
}
