package org.haap.robe;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * Starts one MPTCP connect attempt to the aggregation point. The strategies use it for
 * every attempt, so tests can give them a fake; {@link #of} is the real one. A returned
 * future's channel is registered on {@code loop} with {@code AUTO_READ} off and an empty
 * pipeline; the future fails when the attempt fails or times out.
 */
public interface Connector {

    /**
     * One attempt whose initial subflow leaves by {@code path}: bound to its source address
     * and device before {@code connect(2)}.
     *
     * @return the attempt, or {@code null} if {@code path} has no address of the
     *         aggregation point's family ({@link Outcome#NO_SOURCE_ADDRESS})
     */
    ChannelFuture connect(EventLoop loop, InetSocketAddress ap, WanPath path);

    /**
     * One attempt with no source address and no device: the kernel's routing picks the WAN,
     * as for an unmodified MPTCP host (the {@link Classic} strategy).
     */
    ChannelFuture connectDefaultRoute(EventLoop loop, InetSocketAddress ap);

    /**
     * The real connector.
     *
     * @param sockets        the MPTCP socket factory
     * @param attemptTimeout the longest one attempt may take, &gt; 0
     */
    static Connector of(org.haap.core.mptcp.MptcpSockets sockets, java.time.Duration attemptTimeout) {
        return of(sockets, attemptTimeout, null);
    }

    /**
     * The real connector, setting {@code congestionControl} on each attempt's socket (its
     * subflows inherit it; {@code null}: the host's default).
     */
    static Connector of(org.haap.core.mptcp.MptcpSockets sockets, java.time.Duration attemptTimeout,
                        String congestionControl) {
        return new org.haap.robe.internal.Dialer(sockets, attemptTimeout, congestionControl);
    }
}
