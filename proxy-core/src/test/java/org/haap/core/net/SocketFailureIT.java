package org.haap.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;

import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Connect failures the kernel really produces, as Netty's epoll transport reports them, in
 * a namespace with no route off the machine: one veth pair whose both ends are in it, so an
 * address on its subnet gets ARP/ND requests nobody answers.
 *
 * <pre>
 *   n0 198.18.3.1/24, 2001:db8:3::1/64 ── veth ── n1 (no address: hears ARP/ND, answers none)
 *   prohibit 198.18.50.0/24; no other routes
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocketFailureIT {

    private Netns ns;
    private EventLoopGroup group;

    @BeforeAll
    void setUp() {
        Prerequisites.requireNetns();
        ns = Netns.create("errno");
        Veth.link(ns, "n0", "198.18.3.1/24", ns, "n1", null);
        Veth.addAddress(ns, "n0", "2001:db8:3::1/64");
        // One solicitation, 200 ms apart: a missing neighbour fails in about 0.2 s instead of 3 s.
        ns.sysctl("net.ipv4.neigh.n0.mcast_solicit", "1");
        ns.sysctl("net.ipv4.neigh.n0.retrans_time_ms", "200");
        ns.sysctl("net.ipv6.neigh.n0.mcast_solicit", "1");
        ns.sysctl("net.ipv6.neigh.n0.retrans_time_ms", "200");
        ns.route("prohibit", "198.18.50.0/24");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    void tearDown() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "198.18.3.77, HOST_UNREACHABLE, -1",     // on-link, no neighbour: EHOSTUNREACH after ARP fails
        "2001:db8:3::77, HOST_UNREACHABLE, -1",  // same with ND
        "198.18.99.1, NETWORK_UNREACHABLE, -1",  // no route: connect(2) fails ENETUNREACH
        "2001:db8:99::1, NETWORK_UNREACHABLE, -1",
        "198.18.50.1, PROHIBITED, 13",           // prohibit route: EACCES
        "127.0.0.1, REFUSED, 111",               // nobody listens on loopback port 9
    })
    void connectFailure(String address, SocketFailure expected, int errno) throws Exception {
        InetSocketAddress target = new InetSocketAddress(address, 9);
        // The socket is created by the calling thread, so inside the namespace.
        ChannelFuture f = ns.call(() -> new Bootstrap().group(group).channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target));
        assertTrue(f.await(30, TimeUnit.SECONDS), "connect did not finish");
        assertFalse(f.isSuccess(), "connected to " + target);
        f.channel().close();
        assertEquals(expected, SocketFailure.classify(f.cause()), () -> String.valueOf(f.cause()));
        assertEquals(errno < 0 ? OptionalInt.empty() : OptionalInt.of(errno), SocketFailure.errno(f.cause()));
    }
}
