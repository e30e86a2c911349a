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
     * As {@link #connect}, with TCP Fast Open ({@code TCP_FASTOPEN_CONNECT}): with a cookie
     * cached for the WAN's source address, the future completes at once, before the handshake,
     * and the first write goes in the SYN; without one, as {@link #connect} (the kernel asks
     * for a cookie). The default is {@link #connect} (fakes).
     */
    default ChannelFuture connectFastOpen(EventLoop loop, InetSocketAddress ap, WanPath path) {
        return connect(loop, ap, path);
    }

    /** The longest one attempt's handshake may take. */
    default java.time.Duration attemptTimeout() {
        return java.time.Duration.ofSeconds(1);
    }

    /**
     * Whether the handshake of an attempt's channel is complete (a Fast Open channel is active
     * before it is). The default: whether it is active.
     */
    default boolean handshakeDone(io.netty.channel.Channel channel) {
        return channel.isActive();
    }

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
