package org.haap.ap.probe;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haap.config.CidrSet;
import org.haap.config.CookiePolicy;

/**
 * The AP's probe responder: one Netty epoll UDP socket per address (IPv6 ones
 * {@code IPV6_V6ONLY}, so {@code 0.0.0.0:P} and {@code [::]:P} coexist, as the TCP
 * listeners do), each on one of the AP's event loops with its own {@link ProbeHandler}.
 * {@link #update} applies reloaded cookies and {@code clients.allow} to later probes.
 */
public final class ProbeResponder implements AutoCloseable {

    /** Sources whose rate is tracked per socket at most. */
    static final int MAX_SOURCES = 65_536;
    private static final String HANDLER = "probe";
    private static final IntegerUnixChannelOption IPV6_V6ONLY =
            new IntegerUnixChannelOption("IPV6_V6ONLY", 41, 26);

    private final List<EpollDatagramChannel> channels;

    private ProbeResponder(List<EpollDatagramChannel> channels) {
        this.channels = channels;
    }

    /**
     * Binds a responder to every address of {@code listen}.
     *
     * @param listen      where to listen (UDP)
     * @param perSecond   probes answered per second and source
     * @param cookies     whose keys authenticate probes
     * @param allow       the sources answered at all ({@code clients.allow})
     * @param group       the event loops the sockets run on
     * @param metrics     the meters
     * @throws IOException if an address cannot be bound (every socket opened so far is closed)
     */
    public static ProbeResponder start(List<InetSocketAddress> listen, int perSecond, CookiePolicy cookies,
            CidrSet allow, EventLoopGroup group, ProbeMetrics metrics) throws IOException {
        List<EpollDatagramChannel> channels = new ArrayList<>();
        try {
            for (InetSocketAddress address : listen) {
                boolean v6 = address.getAddress() instanceof Inet6Address;
                EpollDatagramChannel ch = new EpollDatagramChannel(v6 ? SocketProtocolFamily.INET6
                        : SocketProtocolFamily.INET);
                if (v6) {
                    ch.config().setOption(IPV6_V6ONLY, 1);
                }
                EventLoop loop = group.next();
                ch.pipeline().addLast(HANDLER, new ProbeHandler(allow, new SourceRateLimiter(perSecond, MAX_SOURCES,
                        System::nanoTime), new ProbeAuthenticator(cookies), metrics));
                loop.register(ch).syncUninterruptibly();
                channels.add(ch);
                ChannelFuture bound = ch.bind(address).awaitUninterruptibly();
                if (!bound.isSuccess()) {
                    throw new IOException("probe responder: cannot bind " + address + ": "
                            + bound.cause().getMessage(), bound.cause());
                }
            }
            return new ProbeResponder(List.copyOf(channels));
        } catch (IOException | RuntimeException e) {
            for (EpollDatagramChannel ch : channels) {
                ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
            throw e;
        }
    }

    /** The bound addresses (UDP). */
    public List<InetSocketAddress> localAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (EpollDatagramChannel ch : channels) {
            out.add(ch.localAddress());
        }
        return out;
    }

    /**
     * Answers later probes by {@code cookies} and from {@code allow} only (a configuration
     * reload); each socket switches on its own event loop, so a probe is checked either
     * wholly under the old or wholly under the new settings.
     */
    public void update(CookiePolicy cookies, CidrSet allow) {
        for (EpollDatagramChannel ch : channels) {
            ch.eventLoop().execute(() -> {
                if (ch.pipeline().get(HANDLER) instanceof ProbeHandler handler) {
                    handler.update(allow, new ProbeAuthenticator(cookies));
                }
            });
        }
    }

    /** Closes every socket. */
    @Override
    public void close() {
        for (EpollDatagramChannel ch : channels) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
    }
}
