package org.haap.core.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.mptcp.MptcpInfo;
import org.haap.core.mptcp.MptcpInfoReader;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.ServerSocketOptions;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * The userspace path manager driven by {@link MptcpPmClient} and observed through
 * {@link MptcpEventMonitor}, against the kernel: a client and a server namespace joined by two
 * veth links (10.1.0.0/24, 10.2.0.0/24), both with {@code net.mptcp.path_manager=userspace}
 * and an event monitor each. One MPTCP connection goes through its whole life: created,
 * established, a second subflow created by command, made backup, destroyed, an address
 * announced and removed by the server, closed.
 */
class MptcpPmEventsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final BlockingQueue<MptcpEvent> clientEvents = new LinkedBlockingQueue<>();
    private final BlockingQueue<MptcpEvent> serverEvents = new LinkedBlockingQueue<>();
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    private EventLoopGroup group;
    private Netns client;
    private Netns server;
    private MptcpPmClient clientPm;
    private MptcpPmClient serverPm;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireNetns();
        Prerequisites.requireMptcp();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        client = Netns.create("nlc");
        server = Netns.create("nls");
        Veth.link(client, "c1", "10.1.0.1/24", server, "s1", "10.1.0.2/24");
        Veth.link(client, "c2", "10.2.0.1/24", server, "s2", "10.2.0.2/24");
        for (Netns ns : List.of(client, server)) {
            ns.sysctl("net.mptcp.path_manager", "userspace");
            assertEquals("1", ns.exec("cat", "/proc/sys/net/mptcp/pm_type").trim(), "pm_type mirrors path_manager");
        }
        clientPm = client.call(MptcpPmClient::open);
        serverPm = server.call(MptcpPmClient::open);
        MptcpEventMonitor clientMonitor = client.call(clientPm::openEventMonitor);
        MptcpEventMonitor serverMonitor = server.call(serverPm::openEventMonitor);
        resources.add(clientMonitor);
        resources.add(serverMonitor);
        clientMonitor.start(clientEvents::add);
        serverMonitor.start(serverEvents::add);
    }

    @AfterEach
    void tearDown() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        accepted.forEach(ch -> ch.close().awaitUninterruptibly());
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        for (AutoCloseable c : new AutoCloseable[] {clientPm, serverPm, client, server}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // keep closing the rest
                }
            }
        }
    }

    @Test
    void connectionLifecycleUnderTheUserspacePathManager() throws Exception {
        EpollServerSocketChannel listener = listen();
        int port = listener.localAddress().getPort();
        MptcpEvent.Listener listening = await(serverEvents, MptcpEvent.Listener.class,
                e -> e.type() == MptcpEventType.LISTENER_CREATED);
        assertEquals(port, listening.local().getPort());

        Channel ch = connect(new InetSocketAddress("10.1.0.2", port));
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000])).sync();
        MptcpEvent.Connection created = await(clientEvents, MptcpEvent.Connection.class,
                e -> e.type() == MptcpEventType.CREATED);
        long token = created.token();
        assertEquals(new InetSocketAddress("10.1.0.1", ((InetSocketAddress) ch.localAddress()).getPort()),
                created.local());
        assertEquals(new InetSocketAddress("10.1.0.2", port), created.remote());
        assertFalse(created.serverSide());
        MptcpEvent.Connection established = await(clientEvents, MptcpEvent.Connection.class,
                e -> e.type() == MptcpEventType.ESTABLISHED);
        assertEquals(token, established.token());
        assertFalse(established.denyJoinId0(), "the server accepts joins to its initial address");
        MptcpInfo info = MptcpInfoReader.info(ch).orElseThrow();
        assertEquals(info.token(), token, "event token is the socket's MPTCP_INFO token");

        MptcpEvent.Connection serverSide = await(serverEvents, MptcpEvent.Connection.class,
                e -> e.type() == MptcpEventType.ESTABLISHED);
        assertTrue(serverSide.serverSide());
        assertEquals(created.local(), serverSide.remote());
        long serverToken = serverSide.token();

        // A second subflow, from 10.2.0.1 on c2 to the server's second address.
        int c2 = Integer.parseInt(client.exec("cat", "/sys/class/net/c2/ifindex").trim());
        InetSocketAddress remote2 = new InetSocketAddress("10.2.0.2", port);
        clientPm.createSubflow(token, new Endpoint(2, InetAddress.getByName("10.2.0.1"), c2, Set.of()), remote2);
        MptcpEvent.Subflow sub = await(clientEvents, MptcpEvent.Subflow.class,
                e -> e.type() == MptcpEventType.SUB_ESTABLISHED);
        assertEquals(token, sub.token());
        assertEquals(InetAddress.getByName("10.2.0.1"), sub.subflow().local().getAddress());
        assertTrue(sub.subflow().local().getPort() > 0);
        assertEquals(remote2, sub.subflow().remote());
        assertEquals(2, sub.subflow().localId());
        assertEquals(c2, sub.subflow().ifIndex());
        assertFalse(sub.subflow().backup());
        assertEquals(0, sub.subflow().error());
        assertEquals(2, MptcpInfoReader.info(ch).orElseThrow().subflowsTotal(), "initial subflow + the new one");
        assertEquals(serverToken, await(serverEvents, MptcpEvent.Subflow.class,
                e -> e.type() == MptcpEventType.SUB_ESTABLISHED).token());

        // Backup: the peer receives MP_PRIO.
        clientPm.setSubflowBackup(token, sub.subflow().local(), sub.subflow().remote(), true);
        MptcpEvent.Subflow prio = await(serverEvents, MptcpEvent.Subflow.class,
                e -> e.type() == MptcpEventType.SUB_PRIORITY);
        assertEquals(serverToken, prio.token());
        assertTrue(prio.subflow().backup());
        assertEquals(sub.subflow().local(), prio.subflow().remote());

        // Destroy it again.
        clientPm.destroySubflow(token, sub.subflow().local(), sub.subflow().remote());
        MptcpEvent.Subflow closed = await(clientEvents, MptcpEvent.Subflow.class,
                e -> e.type() == MptcpEventType.SUB_CLOSED);
        assertEquals(token, closed.token());
        assertEquals(sub.subflow().local(), closed.subflow().local());
        assertEquals(sub.subflow().remote(), closed.subflow().remote());
        org.awaitility.Awaitility.await().atMost(WAIT)
                .until(() -> MptcpInfoReader.info(ch).orElseThrow().subflowsTotal() == 1);

        // The server announces a third address, then withdraws it. (10.2.0.2 would need the id the
        // kernel gave it when the join arrived: EINVAL "did not match address and id" otherwise.)
        Veth.addAddress(server, "s2", "10.2.0.3/24");
        serverPm.announce(serverToken, new Endpoint(5, InetAddress.getByName("10.2.0.3"), 0, Set.of()));
        MptcpEvent.Announced announced = await(clientEvents, MptcpEvent.Announced.class, e -> true);
        assertEquals(token, announced.token());
        assertEquals(5, announced.remoteId());
        assertEquals(InetAddress.getByName("10.2.0.3"), announced.address().getAddress());
        serverPm.removeAddress(serverToken, 5);
        MptcpEvent.Removed removed = await(clientEvents, MptcpEvent.Removed.class, e -> true);
        assertEquals(new MptcpEvent.Removed(token, 5), removed);

        ch.close().sync();
        assertEquals(new MptcpEvent.Closed(token), await(clientEvents, MptcpEvent.Closed.class, e -> true));
        listener.close().sync();
        assertEquals(listening.local(), await(serverEvents, MptcpEvent.Listener.class,
                e -> e.type() == MptcpEventType.LISTENER_CLOSED).local());
    }

    /**
     * A server with {@code net.mptcp.allow_join_initial_addr_port = 0} sets the MP_CAPABLE "C"
     * flag; the client's path manager learns it from the ESTABLISHED event's flags (what an
     * aggregation-point cluster node looks like to the gateway).
     */
    @Test
    void aServerRefusingJoinsToItsInitialAddressIsReportedInTheEstablishedEvent() throws Exception {
        server.sysctl("net.mptcp.allow_join_initial_addr_port", "0");
        EpollServerSocketChannel listener = listen();
        Channel ch = connect(new InetSocketAddress("10.1.0.2", listener.localAddress().getPort()));
        ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[100])).sync();
        MptcpEvent.Connection established = await(clientEvents, MptcpEvent.Connection.class,
                e -> e.type() == MptcpEventType.ESTABLISHED);
        assertTrue(established.denyJoinId0(), "flags " + established.flags());
        assertFalse(established.serverSide());
    }

    @Test
    void kernelRefusalNamesCommandErrnoAndReason() throws Exception {
        EpollServerSocketChannel listener = listen();
        int port = listener.localAddress().getPort();
        Channel ch = connect(new InetSocketAddress("10.1.0.2", port));
        long token = await(clientEvents, MptcpEvent.Connection.class, e -> e.type() == MptcpEventType.CREATED)
                .token();
        long wrong = token ^ 0x5a5a5a5aL;

        MptcpPmException e = assertThrows(MptcpPmException.class, () -> clientPm.createSubflow(wrong,
                new Endpoint(2, InetAddress.getByName("10.2.0.1"), 0, Set.of()),
                new InetSocketAddress("10.2.0.2", port)));
        assertEquals(22, e.errno());
        assertEquals("SUBFLOW_CREATE", e.command());
        assertTrue(e.kernelMessage().isPresent(), "extended ack: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("SUBFLOW_CREATE refused by the kernel: EINVAL"), e.getMessage());
        assertTrue(e.getMessage().contains(e.kernelMessage().get()), e.getMessage());
        assertTrue(e.connectionGone(), "an unknown token reads as a connection that is gone: " + e.getMessage());

        MptcpPmException noPort = assertThrows(MptcpPmException.class, () -> clientPm.destroySubflow(token,
                new InetSocketAddress("10.2.0.1", 1), new InetSocketAddress("10.2.0.2", port)));
        assertEquals("SUBFLOW_DESTROY", noPort.command());
        assertTrue(noPort.errno() > 0);
        assertFalse(noPort.connectionGone(), "the connection exists: " + noPort.getMessage());

        // what a RobE loser looks like to the path manager: reset right after its events
        ch.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
        ch.close().sync();
        await(clientEvents, MptcpEvent.Closed.class, ev -> ev.token() == token);
        MptcpPmException closed = assertThrows(MptcpPmException.class, () -> clientPm.createSubflow(token,
                new Endpoint(2, InetAddress.getByName("10.2.0.1"), 0, Set.of()),
                new InetSocketAddress("10.2.0.2", port)));
        assertTrue(closed.connectionGone(), "a closed connection's token: " + closed.getMessage());
    }

    @Test
    void pollableMonitorAndCleanClose() throws Exception {
        MptcpEventMonitor polled = server.call(serverPm::openEventMonitor);
        resources.add(polled);
        assertEquals(List.of(), polled.poll(Duration.ofMillis(50)), "nothing happened yet");
        EpollServerSocketChannel listener = listen();
        List<MptcpEvent> events = new ArrayList<>();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
            events.addAll(polled.poll(Duration.ofMillis(200)));
            return !events.isEmpty();
        });
        assertEquals(new MptcpEvent.Listener(MptcpEventType.LISTENER_CREATED,
                new InetSocketAddress("0.0.0.0", listener.localAddress().getPort())), events.get(0));
        polled.close();
        polled.close();
        assertThrows(org.haap.core.sys.NetlinkException.class, () -> polled.poll(Duration.ofMillis(10)));
    }

    private EpollServerSocketChannel listen() throws Exception {
        EpollServerSocketChannel listener = server.call(() -> MptcpSockets.open()
                .openServer(new InetSocketAddress("0.0.0.0", 0), ServerSocketOptions.defaults()));
        new ServerBootstrap().group(group)
                .channelFactory((ChannelFactory<EpollServerSocketChannel>) () -> listener)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast(new Discard());
                    }
                })
                .register().sync();
        resources.add(() -> listener.close().awaitUninterruptibly());
        return listener;
    }

    private Channel connect(InetSocketAddress to) throws Exception {
        MptcpSockets sockets = client.call(MptcpSockets::open);
        Bootstrap b = new Bootstrap().group(group).handler(new Discard());
        Channel ch = client.call(() -> sockets.connect(b, to, ClientSocketOptions.mptcp())).sync().channel();
        resources.add(() -> ch.close().awaitUninterruptibly());
        return ch;
    }

    /** Takes events from {@code queue} until one of {@code type} matches; fails after {@link #WAIT}. */
    private static <T extends MptcpEvent> T await(BlockingQueue<MptcpEvent> queue, Class<T> type, Predicate<T> match)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<MptcpEvent> seen = new ArrayList<>();
        while (true) {
            MptcpEvent e = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(e, "no " + type.getSimpleName() + " event; saw " + seen);
            seen.add(e);
            if (type.isInstance(e) && match.test(type.cast(e))) {
                return type.cast(e);
            }
        }
    }

    @io.netty.channel.ChannelHandler.Sharable
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
