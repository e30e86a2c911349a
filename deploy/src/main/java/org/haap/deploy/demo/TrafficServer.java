package org.haap.deploy.demo;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.ServerSocketOptions;
import org.haap.core.sys.NetworkNamespace;
import org.haap.deploy.demo.internal.Pattern;
import org.haap.deploy.demo.internal.ServerSession;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollServerSocketChannel;

/**
 * The demo's sink and source: an MPTCP listener (it accepts plain TCP clients too) in a
 * network namespace, serving the traffic protocol of {@link TrafficClient}: it hashes
 * uploads, streams downloads of a deterministic pattern and answers pings. Runs on the
 * caller's event loops; the sockets live in the namespace given to {@link #start}.
 */
public final class TrafficServer implements AutoCloseable {

    private final List<Channel> listeners;
    private final Pattern pattern;

    private TrafficServer(List<Channel> listeners, Pattern pattern) {
        this.listeners = listeners;
        this.pattern = pattern;
    }

    /**
     * Listens on every address in {@code binds}, in network namespace {@code namespace}
     * (null = the caller's), counting upload bytes in {@code counters}.
     *
     * @throws Exception if a listener cannot be created (nothing is left open then)
     */
    public static TrafficServer start(String namespace, List<InetSocketAddress> binds, EventLoopGroup group,
                                      TrafficCounters counters) throws Exception {
        Pattern pattern = new Pattern();
        List<Channel> listeners = new ArrayList<>();
        TrafficServer server = new TrafficServer(listeners, pattern);
        try {
            for (InetSocketAddress bind : binds) {
                EpollServerSocketChannel ch = namespace == null
                        ? open(bind)
                        : NetworkNamespace.call(namespace, () -> open(bind));
                new ServerBootstrap()
                        .group(group)
                        .channelFactory(() -> ch)
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                        .childHandler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel c) {
                                c.pipeline().addLast(new ServerSession(pattern, counters.uploadReceived()));
                            }
                        })
                        .register().sync();
                listeners.add(ch);
            }
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private static EpollServerSocketChannel open(InetSocketAddress bind) throws Exception {
        return MptcpSockets.open().openServer(bind, ServerSocketOptions.defaults().withReusePort(false).withBacklog(1024));
    }

    /** The bound addresses. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        listeners.forEach(l -> out.add((InetSocketAddress) l.localAddress()));
        return out;
    }

    /** Stops listening (connections in progress are left to end on their own). */
    @Override
    public void close() {
        for (Channel l : listeners) {
            l.close().syncUninterruptibly();
        }
        pattern.release();
    }
}
