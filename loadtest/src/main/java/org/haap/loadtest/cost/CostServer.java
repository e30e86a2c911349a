package org.haap.loadtest.cost;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;

import org.haap.core.sys.NetworkNamespace;

/**
 * The server at the end of every {@link Route}: plain TCP listeners in the server namespace,
 * served by two event loops of this JVM. A client sends one {@value #REQUEST_SIZE}-byte
 * request whose first byte is the command and whose next four bytes are a big-endian size:
 * <ul>
 *   <li>{@code R n}: answer n bytes (at most {@link #MAX_ANSWER}) and close (the server
 *       closes first, as an HTTP/1.0 server does, so TIME_WAIT stays on the server's side);</li>
 *   <li>{@code H}: answer one byte and keep the connection open, idle, until the client
 *       closes it;</li>
 *   <li>{@code D}: send data as fast as the connection takes it until the client closes;</li>
 *   <li>{@code U}: discard everything the client sends until it closes.</li>
 * </ul>
 * Anything else is closed at once.
 */
public final class CostServer implements AutoCloseable {

    /** Every request's size in bytes. */
    public static final int REQUEST_SIZE = 64;
    /** The largest answer an {@code R} request may ask for. */
    public static final int MAX_ANSWER = 4 << 20;
    /** The shared buffer every answer is sliced from; longer answers repeat it. */
    static final int FILL_SIZE = 1 << 20;

    private final EventLoopGroup group;
    private final List<Channel> listeners;
    private final ByteBuf fill;

    private CostServer(EventLoopGroup group, List<Channel> listeners, ByteBuf fill) {
        this.group = group;
        this.listeners = listeners;
        this.fill = fill;
    }

    /** A request: {@code command}, then {@code size}, padded to {@link #REQUEST_SIZE}. */
    public static byte[] request(char command, int size) {
        byte[] r = new byte[REQUEST_SIZE];
        r[0] = (byte) command;
        r[1] = (byte) (size >>> 24);
        r[2] = (byte) (size >>> 16);
        r[3] = (byte) (size >>> 8);
        r[4] = (byte) size;
        return r;
    }

    /** Listens on every port in {@code ports} on all addresses of namespace {@code netns}. */
    public static CostServer start(String netns, List<Integer> ports) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        ByteBuf fill = Unpooled.unreleasableBuffer(Unpooled.directBuffer(FILL_SIZE).writeZero(FILL_SIZE));
        List<Channel> listeners = new ArrayList<>();
        try {
            for (int port : ports) {
                EpollServerSocketChannel ch = NetworkNamespace.call(netns, EpollServerSocketChannel::new);
                new ServerBootstrap().group(group)
                        .channelFactory((ChannelFactory<EpollServerSocketChannel>) () -> ch)
                        .option(ChannelOption.SO_BACKLOG, 4096)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel c) {
                                c.pipeline().addLast(new Handler(fill));
                            }
                        })
                        .bind(new InetSocketAddress(port)).sync();
                listeners.add(ch);
            }
        } catch (Exception | Error e) {
            listeners.forEach(Channel::close);
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
            throw e;
        }
        return new CostServer(group, listeners, fill);
    }

    @Override
    public void close() {
        for (Channel l : listeners) {
            l.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One connection: reads the request, answers it. */
    static final class Handler extends ChannelInboundHandlerAdapter {

        private final ByteBuf fill;
        private int requestBytes;
        private char command;
        private int size;
        private boolean answered;

        Handler(ByteBuf fill) {
            this.fill = fill;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                while (buf.isReadable() && requestBytes < REQUEST_SIZE) {
                    byte b = buf.readByte();
                    if (requestBytes == 0) {
                        command = (char) (b & 0xff);
                    } else if (requestBytes <= 4) {
                        size = (size << 8) | (b & 0xff);
                    }
                    requestBytes++;
                }
            } finally {
                ReferenceCountUtil.release(buf);
            }
            if (requestBytes == REQUEST_SIZE && !answered) {
                answered = true;
                answer(ctx);
            }
        }

        private void answer(ChannelHandlerContext ctx) {
            if (command == 'R' && size > 0 && size <= MAX_ANSWER) {
                int left = size;
                for (; left > FILL_SIZE; left -= FILL_SIZE) {
                    ctx.write(fill.slice(0, FILL_SIZE));
                }
                ctx.writeAndFlush(fill.slice(0, left)).addListener(ChannelFutureListener.CLOSE);
            } else if (command == 'H') {
                ctx.writeAndFlush(fill.slice(0, 1));
            } else if (command == 'D') {
                sendMore(ctx);
            } else if (command != 'U') {
                ctx.close();
            }
        }

        /** Keeps the socket's send buffer full while a download runs. */
        private void sendMore(ChannelHandlerContext ctx) {
            while (ctx.channel().isActive() && ctx.channel().isWritable()) {
                ctx.write(fill.slice(0, 64 << 10));
            }
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (answered && command == 'D' && ctx.channel().isWritable()) {
                sendMore(ctx);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset client: nothing to report for a test server
        }
    }
}
