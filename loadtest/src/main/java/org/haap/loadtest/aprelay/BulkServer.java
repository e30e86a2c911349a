package org.haap.loadtest.aprelay;

import java.net.InetSocketAddress;

import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.mptcp.ServerSocketOptions;
import org.haap.core.sys.NetworkNamespace;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * The sink and source for bulk measurements: an MPTCP listener (which also accepts plain
 * TCP, as the AP's upstream connections are) created in a network namespace and served by
 * this JVM's event loops; each connection is a {@link BulkServerHandler}.
 */
final class BulkServer implements AutoCloseable {

    private final Channel listener;
    private final ByteBuf chunk;

    private BulkServer(Channel listener, ByteBuf chunk) {
        this.listener = listener;
        this.chunk = chunk;
    }

    /** Listens on {@code bind} inside namespace {@code netns}. */
    static BulkServer start(EventLoopGroup group, String netns, InetSocketAddress bind) throws Exception {
        ByteBuf chunk = BulkClientHandler.newChunk();
        try {
            EpollServerSocketChannel ch = NetworkNamespace.call(netns,
                    () -> MptcpSockets.open().openServer(bind, ServerSocketOptions.defaults().withReusePort(false)));
            new ServerBootstrap().group(group)
                    .channelFactory((ChannelFactory<EpollServerSocketChannel>) () -> ch)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, BulkClientHandler.WATER_MARK)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new BulkServerHandler(chunk));
                        }
                    })
                    .register().sync();
            return new BulkServer(ch, chunk);
        } catch (Exception | Error e) {
            chunk.release();
            throw e;
        }
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        chunk.release();
    }
}
