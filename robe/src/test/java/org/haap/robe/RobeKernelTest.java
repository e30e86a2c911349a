package org.haap.robe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.haap.core.mptcp.MptcpFullInfo;
import org.haap.core.mptcp.MptcpInfoReader;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.ServerSocketOptions;
import org.haap.core.pm.Endpoint;
import org.haap.core.pm.EndpointFlag;
import org.haap.core.pm.MptcpPmClient;
import org.haap.core.sys.NetworkNamespace;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The strategies on the real kernel: namespace "gw" with two WAN links {@code wa} (10.1.0.1)
 * and {@code wb} (10.2.0.1), each with its own policy routing table and an in-kernel
 * {@code subflow} endpoint bound to its device (as the gateway installs them: one per WAN),
 * to namespace "ap" whose MPTCP listener is on 198.18.0.1. The AP side counts the
 * connections it accepted that are still open.
 */
class RobeKernelTest {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.0.1", 5124);
    private static final String WA = "10.1.0.1";
    private static final String WB = "10.2.0.1";

    private Netns gw;
    private Netns ap;
    private EventLoopGroup group;
    private EventLoopGroup serverGroup;
    private MptcpPmClient pm;
    private WanPath wa;
    private WanPath wb;
    private WanState state;
    private final PathHistory history = PathHistory.withDefaults();
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireNetns();
        Prerequisites.requireMptcp();
        gw = Netns.create("robegw");
        ap = Netns.create("robeap");
        Veth.link(gw, "wa", WA + "/24", ap, "wa-ap", "10.1.0.2/24");
        Veth.link(gw, "wb", WB + "/24", ap, "wb-ap", "10.2.0.2/24");
        ap.ip("addr", "add", "198.18.0.1/32", "dev", "lo");
        gw.ip("route", "add", "default", "via", "10.1.0.2", "dev", "wa", "table", "101");
        gw.ip("route", "add", "default", "via", "10.2.0.2", "dev", "wb", "table", "102");
        gw.ip("rule", "add", "from", WA, "lookup", "101");
        gw.ip("rule", "add", "from", WB, "lookup", "102");
        pm = gw.call(MptcpPmClient::open);
        pm.setLimits(2, 0);
        pm.addEndpoint(new Endpoint(1, InetAddress.getByName(WA), ifIndex("wa"), EnumSet.of(EndpointFlag.SUBFLOW)));
        pm.addEndpoint(new Endpoint(2, InetAddress.getByName(WB), ifIndex("wb"), EnumSet.of(EndpointFlag.SUBFLOW)));
        group = new MultiThreadIoEventLoopGroup(1,
                NetworkNamespace.threadFactory(gw.name(), new DefaultThreadFactory("robe-test")),
                EpollIoHandler.newFactory());
        serverGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EpollServerSocketChannel server = ap.call(() -> MptcpSockets.open().openServer(AP,
                ServerSocketOptions.defaults()));
        new ServerBootstrap().group(serverGroup)
                .channelFactory((ChannelFactory<EpollServerSocketChannel>) () -> server)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                    }
                })
                .register().sync();
        wa = new WanPath("wa", "wa", InetAddress.getByName(WA), null);
        wb = new WanPath("wb", "wb", InetAddress.getByName(WB), null);
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
        if (pm != null) {
            pm.close();
        }
        if (ap != null) {
            ap.close();
        }
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void simWinnerGetsOneJoinOnTheOtherWanAndNoLoserStaysOpenAtTheAp() throws Exception {
        for (int i = 0; i < 10; i++) {
            Established e = new RobeSim(connector(), state, history).establish(group.next(), AP, List.of(wa, wb))
                    .get(10, TimeUnit.SECONDS);
            try {
                assertEquals(Set.of(Outcome.ESTABLISHED, Outcome.ABANDONED),
                        e.attempts().stream().map(Attempt::outcome).collect(Collectors.toSet()), e.attempts().toString());
                awaitSubflowsOnBothWans(e.channel());
                await().atMost(Duration.ofSeconds(5)).until(this::openAtAp, n -> n == 1);
            } finally {
                e.channel().close().sync();
            }
            await().atMost(Duration.ofSeconds(5)).until(this::openAtAp, n -> n == 0);
        }
    }

    @Test
    void inKernelPathManagerSkipsTheEndpointTheInitialSubflowUses() throws Exception {
        // Whichever WAN carries the initial subflow, its own endpoint adds no second subflow there.
        for (List<WanPath> order : List.of(List.of(wa, wb), List.of(wb, wa))) {
            RobeTimer timer = new RobeTimer(connector(), state, history, Optional.of(Duration.ofSeconds(5)));
            Established e = timer.establish(group.next(), AP, order).get(10, TimeUnit.SECONDS);
            try {
                assertEquals(order.get(0), e.path());
                MptcpFullInfo info = awaitSubflowsOnBothWans(e.channel());
                assertEquals(order.get(0).source(), ((InetSocketAddress) e.channel().localAddress()).getAddress());
                // Give the path manager time to do anything more it would do, then check again.
                await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                        .until(() -> fullInfo(e.channel()).subflows().size() == 2);
                assertEquals(2, info.subflows().size(), info.toString());
            } finally {
                e.channel().close().sync();
            }
        }
    }

    @Test
    void simWithTheFirstWanBlackholedWinsOnTheOther() throws Exception {
        ap.ip("link", "set", "wa-ap", "down"); // SYNs on wa go nowhere
        Established e = new RobeSim(connector(), state, history).establish(group.next(), AP, List.of(wa, wb))
                .get(10, TimeUnit.SECONDS);
        try {
            assertEquals(wb, e.path());
            assertEquals(List.of(Outcome.ABANDONED, Outcome.ESTABLISHED),
                    e.attempts().stream().map(Attempt::outcome).toList());
            assertEquals(InetAddress.getByName(WB), ((InetSocketAddress) e.channel().localAddress()).getAddress());
            assertTrue(e.channel().eventLoop().submit(() -> MptcpInfoReader.isMptcp(e.channel())).get());
        } finally {
            e.channel().close().sync();
        }
    }

    @Test
    void timerWithADeadPrimaryWinsOnTheNextWanWhileThePrimaryAttemptIsAlive() throws Exception {
        ap.ip("link", "set", "wa-ap", "down");
        RobeTimer timer = new RobeTimer(connector(), state, history, Optional.of(Duration.ofMillis(100)));
        Established e = timer.establish(group.next(), AP, List.of(wa, wb)).get(10, TimeUnit.SECONDS);
        try {
            assertEquals(wb, e.path());
            assertEquals(List.of(Outcome.ABANDONED, Outcome.ESTABLISHED),
                    e.attempts().stream().map(Attempt::outcome).toList());
            assertTrue(history.recentFailures(wa) > 0, "the overtaken primary counts against it");
            assertEquals(List.of(wb, wa), history.rank(List.of(wa, wb)), "IPS would now start on wb");
        } finally {
            e.channel().close().sync();
        }
    }

    @Test
    void classicUsesTheDefaultRouteOnly() throws Exception {
        gw.ip("route", "add", "default", "via", "10.2.0.2", "dev", "wb");
        Established e = new Classic(connector(), state, history).establish(group.next(), AP, List.of(wa, wb))
                .get(10, TimeUnit.SECONDS);
        try {
            assertEquals(InetAddress.getByName(WB), ((InetSocketAddress) e.channel().localAddress()).getAddress());
            assertEquals(wb, e.path());
            assertEquals(1, e.attempts().size());
        } finally {
            e.channel().close().sync();
        }
    }

    private Connector connector() throws Exception {
        return Connector.of(MptcpSockets.open(), Duration.ofSeconds(3));
    }

    private long openAtAp() {
        return accepted.stream().filter(Channel::isOpen).count();
    }

    /** Writes one byte (the connection is fully established, so the path manager acts) and waits. */
    private MptcpFullInfo awaitSubflowsOnBothWans(Channel ch) {
        ch.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1})).syncUninterruptibly();
        Set<InetAddress> both = Set.of(wa.source(), wb.source());
        return await().atMost(Duration.ofSeconds(5)).until(() -> fullInfo(ch), info -> info.subflows().size() == 2
                && info.subflows().stream().map(s -> s.local().getAddress()).collect(Collectors.toSet()).equals(both));
    }

    private static MptcpFullInfo fullInfo(Channel ch) throws Exception {
        return ch.eventLoop().submit(() -> MptcpInfoReader.fullInfo(ch).orElseThrow()).get();
    }

    private int ifIndex(String dev) {
        String line = gw.ip("-o", "link", "show", dev);
        return Integer.parseInt(line.substring(0, line.indexOf(':')).trim());
    }
}
