package org.haap.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.Errors;

import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The resets with the spare descriptor on a real epoll listener on loopback: connections
 * wait in its backlog (the listener does not read), then an accept "fails" with EMFILE as
 * Netty's accept loop would raise it; the handler takes them off the backlog and resets
 * them. The process is not really out of fds here, so the spare's slot is always free.
 */
class AcceptBackoffResetTest {

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final List<SocketChannel> clients = new ArrayList<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private Channel server;

    @AfterEach
    void close() throws IOException {
        for (SocketChannel c : clients) {
            c.close();
        }
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void pendingConnectionsAreResetAtOnceWithoutPausing() throws Exception {
        Prerequisites.requireEpoll();
        AcceptBackoff backoff = new AcceptBackoff(
                AcceptBackoff.Listener.of(failed::incrementAndGet, refused::incrementAndGet));
        server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(backoff)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        assertTrue(server.eventLoop().submit(backoff::holdsSpare).get(), "spare taken when added");
        for (int i = 0; i < 3; i++) {
            clients.add(SocketChannel.open(server.localAddress())); // handshake done by the kernel
        }
        server.eventLoop().submit(() -> server.pipeline().fireExceptionCaught(Errors.newIOException("accept", -24)))
                .get();
        assertEquals(1, failed.get());
        assertEquals(3, refused.get());
        assertFalse(server.eventLoop().submit(backoff::paused).get(), "backlog drained: no pause needed");
        assertTrue(server.eventLoop().submit(backoff::holdsSpare).get(), "spare taken back");
        for (SocketChannel c : clients) {
            assertThrows(SocketException.class, () -> c.read(ByteBuffer.allocate(1)), "reset, not a FIN");
        }
    }
}
