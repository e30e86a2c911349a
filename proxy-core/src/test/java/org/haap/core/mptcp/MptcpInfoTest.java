package org.haap.core.mptcp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.stream.Collectors;

import org.haap.core.mptcp.internal.MptcpStructs;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.UnixChannel;

/**
 * {@link MptcpInfoReader} on a real two-path MPTCP connection: client and server namespaces
 * joined by two veth links (10.1.0.0/24 and 10.2.0.0/24); the client's in-kernel path manager
 * adds a second subflow from 10.2.0.1 on the second link.
 */
class MptcpInfoTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CHUNK = 64 * 1024;
    private static final byte[] DATA = new byte[CHUNK];

    @RegisterExtension
    static final KernelTestGroup GROUP = new KernelTestGroup();

    private final List<Channel> channels = new ArrayList<>();
    private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    private Netns client;
    private Netns server;
    private MptcpSockets sockets;
    private InetSocketAddress serverAddress;

    @BeforeEach
    void createTopology() throws Exception {
        client = Netns.create("infoc");
        server = Netns.create("infos");
        Veth.link(client, "c1", "10.1.0.1/24", server, "s1", "10.1.0.2/24");
        Veth.link(client, "c2", "10.2.0.1/24", server, "s2", "10.2.0.2/24");
        for (Netns ns : List.of(client, server)) {
            ns.ip("mptcp", "limits", "set", "subflows", "2", "add_addr_accepted", "2");
        }
        client.ip("mptcp", "endpoint", "add", "10.2.0.1", "dev", "c2", "subflow");
        sockets = client.call(MptcpSockets::open);
        EpollServerSocketChannel listener = server.call(() -> MptcpSockets.open()
                .openServer(new InetSocketAddress("0.0.0.0", 0), ServerSocketOptions.defaults()));
        channels.add(listener);
        Servers.register(GROUP.group(), listener, new Recorder(), accepted);
        serverAddress = new InetSocketAddress("10.1.0.2", listener.localAddress().getPort());
    }

    @AfterEach
    void cleanUp() {
        try {
            channels.addAll(accepted);
            channels.forEach(ch -> ch.close().awaitUninterruptibly());
        } finally {
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void fullInfoShowsBothSubflowsCarryingData() throws Exception {
        Channel ch = connect(ClientSocketOptions.mptcp());
        Channel child = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(child);

        // The client's path manager adds the subflow once the connection is fully established,
        // which needs data to have been exchanged; then the scheduler decides when it is used.
        // So: send until both subflows exist and have carried data.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            sendMiB(ch, 1);
            MptcpFullInfo full = MptcpInfoReader.fullInfo(ch).orElseThrow();
            return full.subflows().size() == 2
                    && full.subflows().stream().allMatch(s -> s.tcp().bytesSent() > 0);
        });

        MptcpFullInfo full = MptcpInfoReader.fullInfo(ch).orElseThrow();
        assertEquals(2, full.subflows().size());
        assertEquals(Set.of(ip("10.1.0.1"), ip("10.2.0.1")), addresses(full, true));
        assertEquals(Set.of(ip("10.1.0.2")), addresses(full, false));
        assertEquals(1, full.connection().subflows());
        assertEquals(2, full.connection().subflowsTotal());
        MptcpFullInfo serverSide = MptcpInfoReader.fullInfo(child).orElseThrow();
        assertEquals(Set.of(ip("10.1.0.1"), ip("10.2.0.1")), addresses(serverSide, false));
        assertEquals(full.connection().subflowsTotal(), serverSide.subflows().size());
        for (SubflowInfo s : full.subflows()) {
            assertTrue(s.tcp().rttMicros() > 0, s.toString());
            assertTrue(s.tcp().segsOut() > 0, s.toString());
            assertTrue(s.tcp().sndCwnd() > 0, s.toString());
        }
        // Offered one slot, the kernel fills one and counts both; then eight slots in the
        // native block this thread's earlier calls used: both again.
        int fd = ((UnixChannel) ch).fd().intValue();
        MptcpStructs.FullInfoResult one = MptcpStructs.readFullInfo(fd, 1);
        assertEquals(2, one.totalSubflows());
        assertEquals(1, one.info().subflows().size());
        assertEquals(addresses(full, true), addresses(MptcpStructs.readFullInfo(fd, 8).info(), true));
    }

    @Test
    void infoCountersAreConsistent() throws Exception {
        Channel ch = connect(ClientSocketOptions.mptcp());
        Recorder serverSide = new Recorder();
        Channel child = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(child);
        child.pipeline().addFirst(serverSide);
        long total = sendMiB(ch, 4);

        await().atMost(WAIT).until(() -> serverSide.bytesReceived.get() == total);
        await().atMost(WAIT).until(() -> MptcpInfoReader.info(ch).orElseThrow().bytesAcked() == total);

        MptcpInfo sent = MptcpInfoReader.info(ch).orElseThrow();
        assertFalse(sent.fallback());
        assertTrue(sent.remoteKeyReceived());
        assertNotEquals(0, sent.token());
        assertTrue(sent.bytesSent() >= total, sent.toString());
        assertEquals(sent.sndUna(), sent.writeSeq(), "everything written was acknowledged");
        assertEquals(2, sent.subflowsMax());
        MptcpInfo received = MptcpInfoReader.info(child).orElseThrow();
        assertEquals(total, received.bytesReceived());
        assertNotEquals(sent.token(), received.token(), "each side has its own token");
        long subflowBytes = MptcpInfoReader.fullInfo(ch).orElseThrow().subflows().stream()
                .mapToLong(s -> s.tcp().bytesSent()).sum();
        assertTrue(subflowBytes >= total, "subflows carried at least the data: " + subflowBytes);
    }

    @Test
    void plainTcpChannelHasNoMptcpInfo() throws Exception {
        Channel ch = connect(ClientSocketOptions.tcp());
        sendMiB(ch, 1);

        assertFalse(MptcpInfoReader.isMptcp(ch));
        assertTrue(MptcpInfoReader.info(ch).isEmpty());
        assertTrue(MptcpInfoReader.fullInfo(ch).isEmpty());
        Channel child = accepted.poll(10, TimeUnit.SECONDS);
        assertNotNull(child);
        assertTrue(MptcpInfoReader.info(child).isEmpty());
    }

    @Test
    void closedChannelReadsAsEmpty() throws Exception {
        Channel ch = connect(ClientSocketOptions.mptcp());
        assertTrue(MptcpInfoReader.info(ch).isPresent());

        ch.close().sync();

        assertTrue(MptcpInfoReader.info(ch).isEmpty());
        assertTrue(MptcpInfoReader.fullInfo(ch).isEmpty());
        assertFalse(MptcpInfoReader.isMptcp(ch));
    }

    private Channel connect(ClientSocketOptions opts) throws Exception {
        Bootstrap b = new Bootstrap().group(GROUP.group()).handler(new Recorder());
        Channel ch = client.call(() -> sockets.connect(b, serverAddress, opts)).sync().channel();
        channels.add(ch);
        return ch;
    }

    /** Writes {@code mib} MiB and waits until it is flushed to the socket; returns the byte count. */
    private static long sendMiB(Channel ch, int mib) throws InterruptedException {
        int chunks = mib * (1024 * 1024 / CHUNK);
        for (int i = 0; i < chunks - 1; i++) {
            ch.write(Unpooled.wrappedBuffer(DATA));
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(DATA)).sync();
        return (long) chunks * CHUNK;
    }

    private static Set<InetAddress> addresses(MptcpFullInfo info, boolean local) {
        return info.subflows().stream()
                .map(s -> (local ? s.local() : s.remote()).getAddress())
                .collect(Collectors.toSet());
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
