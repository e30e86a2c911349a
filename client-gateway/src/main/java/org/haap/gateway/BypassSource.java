package org.haap.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.net.SocketFailure;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.haap.robe.WanPath;

/**
 * Bypass: a plain TCP connection straight to the destination on the preferred WAN with an
 * address of the destination's family, bound to that address and the WAN's device, under
 * {@code timeouts.connect}. No Convert exchange follows: the session relays at once.
 */
final class BypassSource implements UpstreamSource {

    /** Makes the connection: {@link org.haap.core.mptcp.MptcpSockets#connect} outside tests. */
    @FunctionalInterface
    interface Dialer {
        ChannelFuture connect(Bootstrap bootstrap, InetSocketAddress remote, ClientSocketOptions opts);
    }

    /** No WAN has an address of the destination's family. */
    static final class NoWanException extends Exception {
        NoWanException() {
            super("no WAN with an address of the destination's family", null, false, false);
        }
    }

    private final Dialer dialer;
    private final InetSocketAddress destination;
    private final Supplier<List<WanPath>> candidates;
    private final Duration connectTimeout;
    private final String congestionControl;
    private final SessionRecord record;

    /**
     * @param congestionControl the connection's TCP congestion control ({@code null}: the host's default)
     */
    BypassSource(Dialer dialer, InetSocketAddress destination, Supplier<List<WanPath>> candidates,
            Duration connectTimeout, String congestionControl, SessionRecord record) {
        this.dialer = dialer;
        this.destination = destination;
        this.candidates = candidates;
        this.connectTimeout = connectTimeout;
        this.congestionControl = congestionControl;
        this.record = record;
    }

    @Override
    public Future<Upstream> open(EventLoop loop) {
        Promise<Upstream> promise = loop.newPromise();
        record.bypass();
        WanPath wan = null;
        for (WanPath p : candidates.get()) {
            if (p.sourceFor(destination.getAddress()) != null) {
                wan = p;
                break;
            }
        }
        if (wan == null) {
            NoWanException none = new NoWanException();
            record.note(none.getMessage());
            return promise.setFailure(none);
        }
        record.wan(wan.name(), -1);
        InetAddress source = wan.sourceFor(destination.getAddress());
        Bootstrap b = new Bootstrap().group(loop)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // Relay adds its handler.
                    }
                });
        ChannelFuture cf = dialer.connect(b, destination, ClientSocketOptions.tcp()
                .withSource(new InetSocketAddress(source, 0)).withDevice(wan.interfaceName())
                .withCongestionControl(congestionControl));
        WanPath path = wan;
        cf.addListener(f -> loop.execute(() -> connected(cf, path, promise)));
        return promise;
    }

    private void connected(ChannelFuture cf, WanPath path, Promise<Upstream> promise) {
        if (promise.isDone()) {
            cf.channel().close();
            return;
        }
        if (!cf.isSuccess()) {
            cf.channel().close();
            SocketFailure failure = SocketFailure.classify(cf.cause());
            record.note("direct connect: " + failure.label()
                    + (failure == SocketFailure.OTHER ? " (" + cf.cause() + ")" : ""));
            promise.tryFailure(cf.cause());
            return;
        }
        if (!promise.trySuccess(new Upstream(cf.channel(), path, -1))) {
            cf.channel().close();
        }
    }

    /** How the session ends when {@link #open} failed with {@code cause}. */
    static Termination ended(Throwable cause) {
        return cause instanceof NoWanException
                ? new Termination(Side.PROXY, Reason.CONNECT_FAILED, Phase.CONNECT)
                : directConnectFailed(SocketFailure.classify(cause));
    }

    /**
     * How a failed direct connect ends the session: the server's refusal (or reset) is the
     * server's reset, which the LAN client sees as it would without the gateway; anything
     * else is the gateway's failed connect.
     */
    static Termination directConnectFailed(SocketFailure failure) {
        return failure == SocketFailure.REFUSED || failure == SocketFailure.RESET
                ? new Termination(Side.SERVER, Reason.RESET, Phase.CONNECT)
                : new Termination(Side.PROXY, Reason.CONNECT_FAILED, Phase.CONNECT);
    }
}
