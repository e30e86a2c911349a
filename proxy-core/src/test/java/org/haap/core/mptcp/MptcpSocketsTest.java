package org.haap.core.mptcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.haap.core.testing.Netns;
import org.haap.core.testing.SocketStats;
import org.haap.core.testing.Veth;
import org.haap.core.mptcp.internal.InactiveEpollChannels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;

/** Real-kernel tests of {@link MptcpSockets}, each in a fresh network namespace. */
class MptcpSocketsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final KernelTestGroup GROUP = new KernelTestGroup();

    private final List<Channel> channels = new ArrayList<>();
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    private final List<Netns> namespaces = new ArrayList<>();
    private Netns ns;
    private MptcpSockets sockets;

    @BeforeEach
    void createNamespace() throws Exception {
        ns = newNetns("sock");
        sockets = ns.call(MptcpSockets::open);
    }

    @AfterEach
    void cleanUp() {
        try {
            channels.addAll(accepted);
            for (Channel ch : channels) {
                if (ch.isRegistered()) { // a channel whose socket setup failed never was
                    ch.close().awaitUninterruptibly();
                }
            }
        } finally {
            namespaces.forEach(Netns::close);
        }
    }

    @Test
    void mptcpClientBecomesActiveOnlyAfterConnectAndCarriesData() throws Exception {
        InetSocketAddress server = listen(new InetSocketAddress("127.0.0.1", 0), ServerSocketOptions.defaults());
        Recorder client = new Recorder();

        ChannelFuture f = connect(server, ClientSocketOptions.mptcp(), client);

        assertTrue(f.await(10, TimeUnit.SECONDS) && f.isSuccess(), () -> "connect failed: " + f.cause());
        assertInstanceOf(EpollSocketChannel.class, f.channel());
        await().atMost(WAIT).until(() -> client.actives.get() == 1);
        assertEquals(server, client.kernelPeerAtActive, "the kernel had a peer when channelActive fired");
        assertEquals(server, client.remoteAtActive);
        f.channel().writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)).sync();
        await().atMost(WAIT).until(() -> client.text.toString().equals("hello"));

        Channel child = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(child);
        assertTrue(MptcpInfoReader.isMptcp(f.channel()), "client is MPTCP");
        assertTrue(MptcpInfoReader.isMptcp(child), "accepted child is MPTCP");
        assertTrue(f.channel().config().getOption(ChannelOption.TCP_NODELAY), "TCP_NODELAY, as Netty sets it");
    }

    @Test
    void theMptcpSocketIsWrappedDirectlyWithThisNetty() {
        // Without it every connect costs a socket, a dup3, a close and three option calls more.
        assertTrue(InactiveEpollChannels.AVAILABLE, "Netty's inactive EpollSocketChannel constructor is reachable");
    }

    @Test
    void connectToClosedPortFailsWithoutChannelActive() throws Exception {
        Recorder client = new Recorder();

        ChannelFuture f = connect(new InetSocketAddress("127.0.0.1", 9), ClientSocketOptions.mptcp(), client);

        assertTrue(f.await(10, TimeUnit.SECONDS));
        assertInstanceOf(ConnectException.class, f.cause());
        assertTrue(f.cause().getMessage().contains("error(-111)"), f.cause().getMessage()); // ECONNREFUSED
        f.channel().closeFuture().await(10, TimeUnit.SECONDS);
        assertFalse(f.channel().isOpen());
        assertEquals(0, client.actives.get());
    }

    @Test
    void connectToSilentPeerTimesOut() throws Exception {
        // The SYN leaves through a veth to a MAC nobody owns: dropped without any answer.
        ns.ip("link", "add", "sink0", "type", "veth", "peer", "name", "sink1");
        Veth.addAddress(ns, "sink0", "10.9.0.1/24");
        ns.ip("link", "set", "sink0", "up");
        ns.ip("link", "set", "sink1", "up");
        ns.ip("neigh", "add", "10.9.0.2", "lladdr", "02:00:00:00:00:99", "dev", "sink0", "nud", "permanent");
        Recorder client = new Recorder();
        Bootstrap b = bootstrap(client).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 300);

        ChannelFuture f = ns.call(() -> sockets.connect(b, new InetSocketAddress("10.9.0.2", 80),
                ClientSocketOptions.mptcp()));
        channels.add(f.channel());

        assertTrue(f.await(10, TimeUnit.SECONDS));
        assertInstanceOf(ConnectTimeoutException.class, f.cause());
        assertEquals(0, client.actives.get());
    }

    @Test
    void plainTcpClientIsAcceptedByMptcpListenerAsTcp() throws Exception {
        InetSocketAddress server = listen(new InetSocketAddress("127.0.0.1", 0), ServerSocketOptions.defaults());
        Recorder client = new Recorder();

        Channel ch = connect(server, ClientSocketOptions.tcp(), client).sync().channel();
        ch.writeAndFlush(Unpooled.copiedBuffer("tcp", StandardCharsets.US_ASCII)).sync();
        await().atMost(WAIT).until(() -> client.text.toString().equals("tcp"));

        Channel child = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(child);
        assertFalse(MptcpInfoReader.isMptcp(child));
        assertTrue(MptcpInfoReader.info(child).isEmpty());
        assertFalse(MptcpInfoReader.isMptcp(ch));
    }

    @Test
    void mptcpClientToTcpListenerFallsBackAndIsDetected() throws Exception {
        InetSocketAddress server = listen(new InetSocketAddress("127.0.0.1", 0),
                ServerSocketOptions.defaults().withProtocol(Protocol.TCP));
        Recorder client = new Recorder();

        Channel ch = connect(server, ClientSocketOptions.mptcp(), client).sync().channel();
        ch.writeAndFlush(Unpooled.copiedBuffer("fb", StandardCharsets.US_ASCII)).sync();
        await().atMost(WAIT).until(() -> client.text.toString().equals("fb"));

        assertFalse(MptcpInfoReader.isMptcp(ch));
        assertTrue(MptcpInfoReader.info(ch).isEmpty(), "info() is empty after fallback");
        assertTrue(MptcpInfoReader.fullInfo(ch).isEmpty());
    }

    @Test
    void ipv6ListenerAndClient() throws Exception {
        InetSocketAddress server = listen(new InetSocketAddress("::1", 0), ServerSocketOptions.defaults());
        Recorder client = new Recorder();

        Channel ch = connect(server, ClientSocketOptions.mptcp(), client).sync().channel();
        ch.writeAndFlush(Unpooled.copiedBuffer("six", StandardCharsets.US_ASCII)).sync();

        await().atMost(WAIT).until(() -> client.text.toString().equals("six"));
        assertEquals(server, client.kernelPeerAtActive);
        assertTrue(MptcpInfoReader.isMptcp(ch));
        assertTrue(MptcpInfoReader.info(ch).isPresent());
    }

    @Test
    void ipv4AndIpv6WildcardsShareAPortWithoutReusePort() throws Exception {
        ServerSocketOptions noReuse = ServerSocketOptions.defaults().withReusePort(false);
        InetSocketAddress v4 = listen(new InetSocketAddress("0.0.0.0", 0), noReuse);

        InetSocketAddress v6 = listen(new InetSocketAddress("::", v4.getPort()), noReuse);

        assertEquals(v4.getPort(), v6.getPort());
        Recorder client = new Recorder();
        connect(new InetSocketAddress("::1", v6.getPort()), ClientSocketOptions.mptcp(), client).sync();
        connect(new InetSocketAddress("127.0.0.1", v4.getPort()), ClientSocketOptions.mptcp(), client).sync();
        await().atMost(WAIT).until(() -> client.actives.get() == 2);
    }

    @Test
    void reusePortLetsTwoListenersShareAPort() throws Exception {
        InetSocketAddress first = listen(new InetSocketAddress("127.0.0.1", 0), ServerSocketOptions.defaults());

        InetSocketAddress second = listen(first, ServerSocketOptions.defaults());

        assertEquals(first, second);
        BindException e = assertThrows(BindException.class,
                () -> listen(first, ServerSocketOptions.defaults().withReusePort(false)));
        assertTrue(e.getMessage().contains("EADDRINUSE"), e.getMessage());
        connect(first, ClientSocketOptions.mptcp(), new Recorder()).sync();
    }

    @Test
    void clientBindsSourceAddressAndPort() throws Exception {
        InetSocketAddress server = listen(new InetSocketAddress("127.0.0.1", 0), ServerSocketOptions.defaults());

        connect(server, ClientSocketOptions.mptcp().withSource(new InetSocketAddress("127.0.0.7", 0)),
                new Recorder()).sync();
        InetSocketAddress first = (InetSocketAddress) accepted.poll(10, TimeUnit.SECONDS).remoteAddress();
        connect(server, ClientSocketOptions.tcp().withSource(new InetSocketAddress("127.0.0.8", 41234)),
                new Recorder()).sync();
        InetSocketAddress second = (InetSocketAddress) accepted.poll(10, TimeUnit.SECONDS).remoteAddress();

        assertEquals(InetAddress.getByName("127.0.0.7"), first.getAddress());
        assertEquals(new InetSocketAddress("127.0.0.8", 41234), second);
    }

    @Test
    void congestionControlReachesEverySubflowOnBothSides() throws Exception {
        // The host's default differs from both (bbr here): the listener's cubic and the
        // client's reno can only come from the options.
        ns.ip("addr", "add", "10.9.0.1/32", "dev", "lo");
        ns.ip("addr", "add", "10.9.0.2/32", "dev", "lo");
        ns.ip("mptcp", "limits", "set", "subflows", "2", "add_addr_accepted", "2");
        ns.ip("mptcp", "endpoint", "add", "10.9.0.2", "dev", "lo", "subflow");
        InetSocketAddress server = listen(new InetSocketAddress("10.9.0.1", 0),
                ServerSocketOptions.defaults().withCongestionControl("cubic"));
        ChannelFuture f = connect(server, ClientSocketOptions.mptcp().withCongestionControl("reno"), new Recorder());
        f.sync();
        f.channel().writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII)).sync();

        // every subflow is a TCP socket: two on the server's port, two from the client
        String port = Integer.toString(server.getPort());
        await().atMost(WAIT).until(() -> SocketStats.congestionControls(ns, ":" + port).size() == 4);
        List<String> subflows = SocketStats.congestionControls(ns, ":" + port);
        assertEquals(2, subflows.stream().filter(l -> l.equals("local cubic")).count(), subflows.toString());
        assertEquals(2, subflows.stream().filter(l -> l.equals("peer reno")).count(), subflows.toString());
    }

    @Test
    void clientBindsToDevice() throws Exception {
        Netns peer = newNetns("sockpeer");
        Veth.link(ns, "a1", "10.1.0.1/24", peer, "b1", "10.1.0.2/24");
        Veth.link(ns, "a2", "10.2.0.1/24", peer, "b2", "10.2.0.2/24");
        EpollServerSocketChannel listener = peer.call(() -> MptcpSockets.open()
                .openServer(new InetSocketAddress("0.0.0.0", 0), ServerSocketOptions.defaults()));
        channels.add(listener);
        Servers.register(GROUP.group(), listener, new Echo(), accepted);
        InetSocketAddress server = new InetSocketAddress("10.1.0.2", listener.localAddress().getPort());

        connect(server, ClientSocketOptions.mptcp(), new Recorder()).sync();
        InetSocketAddress viaRouting = (InetSocketAddress) accepted.poll(10, TimeUnit.SECONDS).remoteAddress();
        connect(server, ClientSocketOptions.mptcp().withDevice("a2"), new Recorder()).sync();
        InetSocketAddress viaDevice = (InetSocketAddress) accepted.poll(10, TimeUnit.SECONDS).remoteAddress();

        // Routing alone takes a1; SO_BINDTODEVICE forces a2 and its address.
        assertEquals(InetAddress.getByName("10.1.0.1"), viaRouting.getAddress());
        assertEquals(InetAddress.getByName("10.2.0.1"), viaDevice.getAddress());
    }

    @Test
    void unknownDeviceFailsTheFutureNamingTheOption() throws Exception {
        ChannelFuture f = connect(new InetSocketAddress("127.0.0.1", 9),
                ClientSocketOptions.mptcp().withDevice("haaptnodev0"), new Recorder());

        assertTrue(f.await(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, f.cause());
        assertTrue(f.cause().getMessage().contains("SO_BINDTODEVICE"), f.cause().getMessage());
        assertTrue(f.cause().getMessage().contains("ENODEV"), f.cause().getMessage());
        assertFalse(f.channel().isOpen());
    }

    @Test
    void fastOpenAndTransparentOptionsAreAccepted() throws Exception {
        ns.sysctl("net.ipv4.tcp_fastopen", "3");
        InetSocketAddress server = listen(new InetSocketAddress("127.0.0.1", 0),
                ServerSocketOptions.defaults().withFastOpenQueue(16).withTransparent(true));
        listen(new InetSocketAddress("::1", 0), ServerSocketOptions.defaults().withTransparent(true));

        for (int i = 0; i < 2; i++) { // the first connect fetches a cookie, the second may use it
            Recorder client = new Recorder();
            Channel ch = connect(server, ClientSocketOptions.mptcp().withFastOpenConnect(true), client).sync().channel();
            ch.writeAndFlush(Unpooled.copiedBuffer("tfo" + i, StandardCharsets.US_ASCII)).sync();
            int round = i;
            await().atMost(WAIT).until(() -> client.text.toString().equals("tfo" + round));
        }
    }

    @Test
    void openFailsWithOneClearSentenceWhenMptcpIsDisabled() {
        ns.sysctl("net.mptcp.enabled", "0");

        MptcpUnavailableException e = assertThrows(MptcpUnavailableException.class,
                () -> ns.call(MptcpSockets::open));

        assertTrue(e.getMessage().startsWith("this kernel has no Multipath TCP: socket(AF_INET, SOCK_STREAM, "
                + "IPPROTO_MPTCP) failed with "), e.getMessage());
        assertTrue(e.getMessage().endsWith("enable CONFIG_MPTCP and sysctl net.mptcp.enabled=1"), e.getMessage());
    }

    private Netns newNetns(String prefix) {
        Netns created = Netns.create(prefix);
        namespaces.add(created);
        return created;
    }

    private InetSocketAddress listen(InetSocketAddress bind, ServerSocketOptions opts) throws Exception {
        EpollServerSocketChannel server = ns.call(() -> sockets.openServer(bind, opts));
        channels.add(server);
        Servers.register(GROUP.group(), server, new Echo(), accepted);
        return server.localAddress();
    }

    private ChannelFuture connect(InetSocketAddress remote, ClientSocketOptions opts, Recorder recorder)
            throws Exception {
        ChannelFuture f = ns.call(() -> sockets.connect(bootstrap(recorder), remote, opts));
        channels.add(f.channel());
        return f;
    }

    private static Bootstrap bootstrap(Recorder recorder) {
        return new Bootstrap().group(GROUP.group()).handler(recorder);
    }
}
