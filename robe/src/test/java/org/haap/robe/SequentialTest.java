package org.haap.robe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.haap.core.mptcp.MptcpInfoReader;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.ServerSocketOptions;
import org.haap.core.sys.NetworkNamespace;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Sequential} against a real MPTCP listener: namespace "gw" with two WAN links
 * {@code wa} (10.1.0.1) and {@code wb} (10.2.0.1), each with its own policy routing table,
 * to namespace "ap" whose listener is on 198.18.0.1.
 */
class SequentialTest {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.0.1", 5124);

    private Netns gw;
    private Netns ap;
    private EventLoopGroup group;
    private EventLoopGroup serverGroup;
    private WanPath wa;
    private WanPath wb;
    private WanState state;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireNetns();
        Prerequisites.requireMptcp();
        gw = Netns.create("robegw");
        ap = Netns.create("robeap");
        Veth.link(gw, "wa", "10.1.0.1/24", ap, "wa-ap", "10.1.0.2/24");
        Veth.link(gw, "wb", "10.2.0.1/24", ap, "wb-ap", "10.2.0.2/24");
        ap.ip("addr", "add", "198.18.0.1/32", "dev", "lo");
        gw.ip("route", "add", "default", "via", "10.1.0.2", "dev", "wa", "table", "101");
        gw.ip("route", "add", "default", "via", "10.2.0.2", "dev", "wb", "table", "102");
        gw.ip("rule", "add", "from", "10.1.0.1", "lookup", "101");
        gw.ip("rule", "add", "from", "10.2.0.1", "lookup", "102");
        group = new MultiThreadIoEventLoopGroup(1,
                NetworkNamespace.threadFactory(gw.name(), new DefaultThreadFactory("robe-test")),
                EpollIoHandler.newFactory());
        serverGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EpollServerSocketChannel server = ap.call(() -> MptcpSockets.open().openServer(AP,
                ServerSocketOptions.defaults()));
        new ServerBootstrap().group(serverGroup)
                .channelFactory((ChannelFactory<EpollServerSocketChannel>) () -> server)
                .childHandler(new ChannelInboundHandlerAdapter())
                .register().sync();
        wa = new WanPath("wa", "wa", InetAddress.getByName("10.1.0.1"), null);
        wb = new WanPath("wb", "wb", InetAddress.getByName("10.2.0.1"), null);
        state = WanState.withDefaults(List.of(wa, wb));
    }

    @AfterEach
    void tearDown() {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (serverGroup != null) {
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (ap != null) {
            ap.close();
        }
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void usesThePreferredWanWhenItWorks() throws Exception {
        Established e = establish(List.of(wa, wb)).get(10, TimeUnit.SECONDS);
        try {
            assertEquals(wa, e.path());
            assertEquals(1, e.attempts().size());
            assertEquals(Outcome.ESTABLISHED, e.attempts().get(0).outcome());
            assertTrue(e.channel().isActive());
            assertFalse(e.channel().config().isAutoRead());
            assertEquals(new InetSocketAddress("10.1.0.1", 0).getAddress(),
                    ((InetSocketAddress) e.channel().localAddress()).getAddress());
            assertTrue(e.channel().eventLoop().submit(() -> MptcpInfoReader.isMptcp(e.channel())).get());
        } finally {
            e.channel().close().sync();
        }
    }

    @Test
    void deadPrimaryFallsOverToTheSecondWan() throws Exception {
        ap.ip("link", "set", "wa-ap", "down"); // SYNs on wa go nowhere
        Established e = establish(List.of(wa, wb)).get(10, TimeUnit.SECONDS);
        try {
            assertEquals(wb, e.path());
            assertEquals(2, e.attempts().size());
            Attempt first = e.attempts().get(0);
            assertEquals(wa, first.path());
            assertTrue(first.outcome().pathFailed(), first.toString());
            assertEquals(Outcome.ESTABLISHED, e.attempts().get(1).outcome());
            assertEquals(InetAddress.getByName("10.2.0.1"),
                    ((InetSocketAddress) e.channel().localAddress()).getAddress());
            assertFalse(state.isUp(wa), "the failed WAN backs off");
            assertEquals(List.of(wb), state.candidates());
        } finally {
            e.channel().close().sync();
        }
    }

    @Test
    void allWansDeadFailsListingEveryAttempt() throws Exception {
        ap.ip("link", "set", "wa-ap", "down");
        gw.ip("link", "set", "wb", "down"); // no route at all on wb
        Future<Established> f = establish(List.of(wa, wb));
        ExecutionException ex = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> f.get(10, TimeUnit.SECONDS));
        EstablishException cause = assertInstanceOf(EstablishException.class, ex.getCause());
        assertEquals(List.of(wa, wb), cause.attempts().stream().map(Attempt::path).toList());
        assertTrue(cause.getMessage().contains("wa: ") && cause.getMessage().contains("wb: "), cause.getMessage());
        assertTrue(cause.attempts().stream().allMatch(a -> a.outcome().pathFailed()), cause.getMessage());
    }

    @Test
    void wanWithoutAnAddressOfTheApFamilyIsSkipped() throws Exception {
        WanPath v6only = new WanPath("v6", "wa", InetAddress.getByName("2001:db8::1"), null);
        Established e = establish(List.of(v6only, wb)).get(10, TimeUnit.SECONDS);
        try {
            assertEquals(wb, e.path());
            assertEquals(Outcome.NO_SOURCE_ADDRESS, e.attempts().get(0).outcome());
        } finally {
            e.channel().close().sync();
        }
    }

    private Future<Established> establish(List<WanPath> paths) throws Exception {
        Sequential sequential = new Sequential(MptcpSockets.open(), state, Duration.ofSeconds(1));
        return sequential.establish(group.next(), AP, paths);
    }
}
