package org.haap.ap;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.Errors;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.mptcp.MptcpSockets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking view of one Netty epoll client connection (MPTCP or TCP), for writing tests
 * as straight-line code: {@link #write}, {@link #readExactly}, {@link #readToEnd}. Received
 * buffers are copied into a queue; end of input and errors are queued as markers.
 */
final class TestClient implements AutoCloseable {

    private static final Object EOF = new Object();

    private final Channel channel;
    private final LinkedBlockingQueue<Object> inbox;
    private byte[] partial = new byte[0];
    private boolean ended;
    Throwable error;

    private TestClient(Channel channel, LinkedBlockingQueue<Object> inbox) {
        this.channel = channel;
        this.inbox = inbox;
    }

    /** Connects with the project's socket factory (call inside the client namespace). */
    static TestClient connect(MptcpSockets sockets, EventLoopGroup group, InetSocketAddress remote,
                              ClientSocketOptions options) throws Exception {
        LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        Bootstrap b = new Bootstrap().group(group)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        byte[] copy = new byte[buf.readableBytes()];
                        buf.readBytes(copy);
                        buf.release();
                        inbox.add(copy);
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof ChannelInputShutdownEvent) {
                            inbox.add(EOF);
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        inbox.add(EOF);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        inbox.add(cause);
                        ctx.close();
                    }
                });
        Channel ch = sockets.connect(b, remote, options).sync().channel();
        return new TestClient(ch, inbox);
    }

    Channel channel() {
        return channel;
    }

    void write(byte[] data) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(data)).syncUninterruptibly();
    }

    /**
     * Writes without waiting for the flush, respecting writability (bounded memory). A write
     * that fails (a reset arriving while writing closes the channel without an exception
     * event) is queued like a read error, so the reader sees it before the end of stream.
     */
    void writeAsync(byte[] data) throws InterruptedException {
        while (!channel.isWritable() && channel.isActive()) {
            Thread.sleep(1);
        }
        channel.writeAndFlush(Unpooled.wrappedBuffer(data)).addListener(f -> {
            if (!f.isSuccess() && !(f.cause() instanceof ClosedChannelException)) {
                inbox.add(f.cause());
            }
        });
    }

    void shutdownOutput() {
        ((EpollSocketChannel) channel).shutdownOutput().syncUninterruptibly();
    }

    /** Reads exactly {@code n} bytes, or fails on EOF, error or timeout. */
    byte[] readExactly(int n, Duration timeout) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n) {
            byte[] chunk = next(deadline);
            if (chunk == null) {
                throw new IOException("end of stream after " + out.size() + " of " + n + " bytes"
                        + (error != null ? ": " + error : ""));
            }
            int take = Math.min(chunk.length, n - out.size());
            out.write(chunk, 0, take);
            if (take < chunk.length) {
                partial = java.util.Arrays.copyOfRange(chunk, take, chunk.length);
            }
        }
        return out.toByteArray();
    }

    /** Reads until end of stream; returns everything received. */
    byte[] readToEnd(Duration timeout) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] chunk;
        while ((chunk = next(deadline)) != null) {
            out.write(chunk);
        }
        return out.toByteArray();
    }

    /** The next chunk, or null at end of stream / error. */
    byte[] next(long deadlineNanos) throws Exception {
        if (partial.length > 0) {
            byte[] p = partial;
            partial = new byte[0];
            return p;
        }
        if (ended) {
            return null;
        }
        Object o = inbox.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (o == null) {
            throw new TimeoutException("no data within the deadline");
        }
        if (o == EOF) {
            ended = true;
            return null;
        }
        if (o instanceof Throwable t) {
            error = t;
            ended = true;
            return null;
        }
        return (byte[]) o;
    }

    /**
     * True when the connection ended with a reset rather than a FIN: ECONNRESET, or EPIPE on
     * a write (the reset's error already taken by an earlier call; this client never shuts
     * its own output down while writing, and a FIN alone never fails a write).
     */
    boolean wasReset() {
        return error instanceof Errors.NativeIoException e && (e.expectedErr() == Errors.ERRNO_ECONNRESET_NEGATIVE
                || e.expectedErr() == Errors.ERRNO_EPIPE_NEGATIVE)
                || error != null && String.valueOf(error.getMessage()).contains("reset");
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
