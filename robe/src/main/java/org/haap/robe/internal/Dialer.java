package org.haap.robe.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.net.SocketFailure;
import org.haap.robe.Connector;
import org.haap.robe.Outcome;
import org.haap.robe.WanPath;

/**
 * One MPTCP connect attempt to the aggregation point on one WAN: the socket is bound to the
 * WAN's source address and device before {@code connect(2)}, so its initial subflow leaves by
 * that link (or, for {@link #connectDefaultRoute}, wherever the kernel's routing sends it).
 * The channel is registered on the given event loop with {@code AUTO_READ} off and an empty
 * pipeline. The real {@link Connector} of every strategy.
 */
public final class Dialer implements Connector {

    private final MptcpSockets sockets;
    private final Duration timeout;
    private final ClientSocketOptions options;
    /** {@code TCP_SYN_SENT} of the kernel's TCP states. */
    private static final int TCP_SYN_SENT = 2;

    /**
     * @param sockets the socket factory
     * @param timeout the longest one attempt may take ({@code CONNECT_TIMEOUT_MILLIS}), &gt; 0
     * @param congestionControl {@code TCP_CONGESTION} of each attempt ({@code null}: the host's default)
     */
    public Dialer(MptcpSockets sockets, Duration timeout, String congestionControl) {
        this.sockets = Objects.requireNonNull(sockets, "sockets");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        this.timeout = timeout;
        this.options = ClientSocketOptions.mptcp().withCongestionControl(congestionControl);
    }

    @Override
    public ChannelFuture connect(EventLoop loop, InetSocketAddress ap, WanPath path) {
        InetAddress source = path.sourceFor(ap.getAddress());
        if (source == null) {
            return null;
        }
        return sockets.connect(bootstrap(loop), ap, options
                .withSource(new InetSocketAddress(source, 0))
                .withDevice(path.interfaceName()));
    }

    @Override
    public ChannelFuture connectFastOpen(EventLoop loop, InetSocketAddress ap, WanPath path) {
        InetAddress source = path.sourceFor(ap.getAddress());
        if (source == null) {
            return null;
        }
        return sockets.connect(bootstrap(loop), ap, options.withFastOpenConnect(true)
                .withSource(new InetSocketAddress(source, 0))
                .withDevice(path.interfaceName()));
    }

    @Override
    public Duration attemptTimeout() {
        return timeout;
    }

    /** {@code TCP_INFO}'s state: anything but SYN-SENT (an MPTCP socket answers for its first subflow). */
    @Override
    public boolean handshakeDone(Channel channel) {
        if (!(channel instanceof EpollSocketChannel epoll) || !channel.isOpen()) {
            return channel.isActive();
        }
        try {
            return epoll.tcpInfo().state() != TCP_SYN_SENT;
        } catch (RuntimeException e) {
            return true; // cannot tell: let the caller's own timeout decide
        }
    }

    @Override
    public ChannelFuture connectDefaultRoute(EventLoop loop, InetSocketAddress ap) {
        return sockets.connect(bootstrap(loop), ap, options);
    }

    private Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // The caller builds the pipeline once the connection is handed over.
                    }
                });
    }

    /**
     * Maps a connect failure to an {@link Outcome} by its errno ({@link SocketFailure}): a
     * refusal or a reset during the handshake is {@link Outcome#REFUSED}; no route, an
     * unreachable host and a refusal by local policy (a {@code prohibit} route, a firewall
     * rule) are {@link Outcome#UNREACHABLE}; a socket that could not be set up on the link
     * (source address, device), or not at all for want of file descriptors, is {@link
     * Outcome#LOCAL_ERROR}.
     */
    public static Outcome classify(Throwable cause) {
        return switch (SocketFailure.classify(cause)) {
            case TIMEOUT -> Outcome.TIMEOUT;
            case REFUSED, RESET -> Outcome.REFUSED;
            case NETWORK_UNREACHABLE, HOST_UNREACHABLE, PROHIBITED -> Outcome.UNREACHABLE;
            case LOCAL, FD_LIMIT -> Outcome.LOCAL_ERROR;
            case BROKEN_PIPE, CLOSED, OTHER -> Outcome.ERROR;
        };
    }
}
