package org.haap.ap;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import org.haap.ap.ApSession.Stage;
import org.haap.ap.internal.UpstreamFailures;
import org.haap.core.net.TcpCongestion;
import org.haap.core.relay.Direction;
import org.haap.core.relay.Relay;
import org.haap.core.relay.RelayResult;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The upstream stage of an authenticated session: connects to the destination (plain TCP,
 * on the client's event loop so the relay can splice, under {@code timeouts.connect}),
 * holding the client's bytes that came with or after the Convert message (reading is
 * paused, so at most one read's worth) to write them upstream first, exactly once. A failed
 * connect is answered with its RFC 8803 Error TLV ({@link UpstreamFailures}). On success the
 * reply ({@link SuccessReply}, which may need the upstream socket's {@code TCP_INFO}) goes out
 * at once, then the stage removes itself and the {@link Relay} takes over. On a warm-pool
 * connection only, the reply waits up to {@link #REPLY_HOLD_MILLIS} ms for the server's first
 * bytes and goes out in one write with them: such a connection has a subflow on every WAN, and
 * two small writes in a row would be spread by the MPTCP scheduler over two subflows (the
 * second avoids the one with unacknowledged data), so the answer would cross the slower WAN
 * (measured, {@code docs/warm-pool.md}). A fresh connection has only its initial subflow when
 * the reply leaves, so holding it would only delay it.
 */
final class UpstreamConnector extends ChannelInboundHandlerAdapter {

    /** How long the Convert success reply on a pooled connection waits for the server's first bytes. */
    static final long REPLY_HOLD_MILLIS = 10;
    /**
     * The first read from a server may take this many bytes (Netty's default guess is 2 KiB,
     * and the upstream channel reads once per {@code read()}). The reply goes out with the
     * server's first read in one write; a 2 KiB write leaves data queued on the fast subflow,
     * so the kernel's scheduler sends the rest of the answer on the slow one. With 16 KiB the
     * first write fills the fast subflow's initial window and the next write overflows onto the
     * other. Later reads adapt as usual (64 B .. 64 KiB).
     */
    static final int FIRST_READ_BYTES = 16 * 1024;
    /** Shared by every upstream channel: the allocator is stateless, each channel gets its own handle. */
    private static final AdaptiveRecvByteBufAllocator UPSTREAM_READS =
            new AdaptiveRecvByteBufAllocator(64, FIRST_READ_BYTES, 64 * 1024);

    private final ApSession session;
    private final InetSocketAddress destination;
    private final SuccessReply reply;
    /** A warm-pool connection: the reply waits for the server's first bytes. */
    private final boolean pooled;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    /** Bytes sent before the relay, each way (the relay counts only its own). */
    private long heldUp;
    private long heldDown;

    UpstreamConnector(ApSession session, InetSocketAddress destination, SuccessReply reply, boolean pooled) {
        this.session = session;
        this.destination = destination;
        this.reply = reply;
        this.pooled = pooled;
    }

    /** Bytes of the client that came with the Convert message before this stage: they go upstream first. */
    void hold(ByteBuf buf) {
        pending.add(buf);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        connect(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && session.stage() == Stage.CONNECTING) {
            pending.add(buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // A client may send header, data and FIN at once: the relay sees the input
            // already shut when it starts and forwards the FIN after the held data.
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.clientFailed(cause);
    }

    private void connect(ChannelHandlerContext ctx) {
        long start = System.nanoTime();
        var config = session.settings.config();
        Bootstrap b = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, config.timeouts().connect().toMillis()))
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                // TCP_NODELAY: Netty's epoll channels set it when they are made
                .option(ChannelOption.RCVBUF_ALLOCATOR, UPSTREAM_READS)
                .handler(NoHandlers.INSTANCE);
        if (config.tcpFastOpenQueue() > 0) {
            b.option(EpollChannelOption.TCP_FASTOPEN_CONNECT, false);
        }
        TcpCongestion.applyTo(b, session.ap.congestionControl());
        session.ap.metrics().upstreamConnecting();
        ChannelFuture f = b.connect(destination);
        if (f.channel() instanceof EpollSocketChannel) {
            // Otherwise socket(2) failed (out of file descriptors, say): Netty hands back a
            // placeholder that was never registered, has no fd and cannot be closed.
            session.upstream(f.channel());
        }
        f.addListener((ChannelFutureListener) done -> {
            // A connect that failed before registration completes on Netty's global executor.
            if (ctx.executor().inEventLoop()) {
                connected(ctx, done, start);
            } else {
                ctx.executor().execute(() -> connected(ctx, done, start));
            }
        });
    }

    private void connected(ChannelHandlerContext ctx, ChannelFuture done, long start) {
        if (session.stage() != Stage.CONNECTING) {
            if (done.channel() instanceof EpollSocketChannel) {
                done.channel().close();
            }
            return;
        }
        if (!done.isSuccess()) {
            UpstreamFailures failure = UpstreamFailures.classify(done.cause());
            session.ap.metrics().upstreamFailed(failure);
            session.record.note("upstream: " + failure.label()
                    + (failure == UpstreamFailures.OTHER ? " (" + done.cause() + ")" : ""));
            releasePending();
            session.replyAndClose(ctx, failure.reply(),
                    new Termination(Side.SERVER, Reason.CONNECT_FAILED, Phase.CONNECT), false);
            return;
        }
        session.ap.metrics().upstreamConnected(System.nanoTime() - start);
        if (pooled) {
            holdReply(ctx, done.channel());
        } else {
            startRelay(ctx, done.channel(), false);
        }
    }

    /**
     * Sends the client's held bytes upstream, then reads once from the server for up to
     * {@link #REPLY_HOLD_MILLIS} ms so that the success reply goes out with its first bytes;
     * then the relay. The session stays {@code CONNECTING} meanwhile (a client close ends it).
     */
    private void holdReply(ChannelHandlerContext ctx, Channel up) {
        sendPending(up);
        ReplyHold hold = new ReplyHold(ctx, up);
        up.pipeline().addLast(hold);
        hold.timer = ctx.executor().schedule(hold::done, REPLY_HOLD_MILLIS, TimeUnit.MILLISECONDS);
        up.read();
    }

    /** On the upstream channel while the reply is held: the server's first read goes with it. */
    private final class ReplyHold extends ChannelInboundHandlerAdapter {
        private final ChannelHandlerContext client;
        private final Channel up;
        private ScheduledFuture<?> timer;
        private boolean replied;
        private boolean done;

        ReplyHold(ChannelHandlerContext client, Channel up) {
            this.client = client;
            this.up = up;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (done || session.stage() != Stage.CONNECTING || !(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (!replied) {
                replied = true;
                client.write(reply.encode(up));
            }
            heldDown += buf.readableBytes();
            session.ap.metrics().relay().onBytes(Direction.DOWNSTREAM, buf.readableBytes());
            client.write(buf);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            done();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                done(); // the relay sees the input already shut when it starts
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            session.record.note("upstream: " + cause.getMessage());
            done();
        }

        void done() {
            if (done) {
                return;
            }
            done = true;
            timer.cancel(false);
            if (up.pipeline().context(this) != null) {
                up.pipeline().remove(this);
            }
            if (session.stage() != Stage.CONNECTING) {
                up.close();
                return;
            }
            startRelay(client, up, replied);
        }
    }

    /**
     * Writes the client bytes held before the relay (those that came with the Convert message
     * or during the reply hold) to {@code up}; they bypass the relay, so they are counted here.
     */
    private void sendPending(Channel up) {
        long n = 0;
        while (!pending.isEmpty()) {
            ByteBuf b = pending.poll();
            n += b.readableBytes();
            up.write(b);
        }
        up.flush();
        if (n > 0) {
            heldUp += n;
            session.ap.metrics().relay().onBytes(Direction.UPSTREAM, n);
        }
    }

    private void startRelay(ChannelHandlerContext ctx, Channel up, boolean replied) {
        Channel client = ctx.channel();
        if (!replied) {
            client.write(reply.encode(up));
        }
        client.flush();
        sendPending(up); // client bytes that arrived while the reply was held
        ctx.pipeline().remove(this);
        var relay = Relay.start(client, up, session.settings.relay(), session.ap.metrics().relay());
        session.relaying(relay);
        relay.result().addListener(new RelayEnd(session, heldUp, heldDown));
    }

    /**
     * Records the session's end when its relay ends. Holds only what that needs, not this
     * stage (which has left the pipeline), for as long as the session lasts.
     */
    private record RelayEnd(ApSession session, long heldUp, long heldDown)
            implements GenericFutureListener<Future<RelayResult>> {
        @Override
        public void operationComplete(Future<RelayResult> f) {
            if (f.isSuccess()) {
                RelayResult r = f.getNow();
                session.record.bytes(heldUp + r.bytesUpstream(), r.bytesDownstream() + heldDown);
                session.end(r.termination(), false);
            } else {
                session.end(new Termination(Side.PROXY, Reason.IO_ERROR, Phase.RELAY), false);
            }
        }
    }

    /**
     * The upstream channel's initial pipeline: nothing (the reply hold and the relay add their
     * handlers). One instance for every channel, gone from the pipeline once registered.
     */
    @ChannelHandler.Sharable
    private static final class NoHandlers extends ChannelInitializer<Channel> {
        static final NoHandlers INSTANCE = new NoHandlers();

        @Override
        protected void initChannel(Channel ch) {
            // nothing to add
        }
    }

    private void releasePending() {
        ByteBuf b;
        while ((b = pending.poll()) != null) {
            b.release();
        }
    }
}
