package org.haap.ap;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.haap.ap.ApMetrics.PoolClose;
import org.haap.ap.ApMetrics.Rejection;
import org.haap.ap.internal.PoolAdmission;
import org.haap.ap.internal.UpstreamFailures;
import org.haap.core.convert.ConnectTlv;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertException;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ConvertMessageDecoder;
import org.haap.core.convert.PoolHelloTlv;
import org.haap.core.mptcp.MptcpInfoReader;
import org.haap.core.relay.Direction;
import org.haap.core.relay.Relay;
import org.haap.core.relay.RelayResult;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One client session of the aggregation point, from accept to the start of the relay:
 * admission (client allow-list, limits), the Convert header under its timeout, cookie and
 * destination checks, the upstream TCP connect, the Convert reply, then hand-over to the
 * {@link Relay}. Bytes that arrive with or after the Convert message are held (reading is
 * paused, so at most one read's worth) and written upstream first, exactly once.
 * Every refusal answers with the RFC 8803 Error TLV and closes. The success reply waits up to
 * {@link #REPLY_HOLD_MILLIS} ms for the server's first bytes and goes out in one write with
 * them: two small writes in a row would be spread by the MPTCP scheduler over two subflows
 * (the second avoids the one with unacknowledged data), so the answer would cross the slower
 * WAN; one write crosses the fastest idle one. The client sees nothing of the reply itself,
 * so the hold delays nothing it can observe. The handler removes itself
 * when the relay starts; the session's end is recorded once by {@link SessionRecord}.
 *
 * <p>Warm pool (HAAP extension, {@code docs/warm-pool.md}): a first message that is a pool
 * hello, once {@link PoolAdmission} accepts it, is answered with a pool ack and the
 * connection waits, idle and reading, in the {@code POOLED} state under
 * {@code timeouts.pool-idle} (not the header timeout) for a normal Convert message, which
 * then proceeds exactly as on a fresh connection, except that its Cookie TLV may be omitted
 * (the hello authenticated the connection). A refused hello gets Error 32 (not authorized,
 * replayed) or 64 (over {@code limits.max-pooled-per-client}) and a close.
 */
final class ApSessionHandler extends ChannelInboundHandlerAdapter {

    private enum State { HEADER, POOLED, CONNECTING, RELAYING, DONE }

    /** How long the Convert success reply waits for the server's first bytes. */
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

    private final ApContext ap;
    /** The configuration this session was accepted under (a reload does not change it). */
    private final ApContext.Settings settings;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private State state = State.HEADER;
    private SessionRecord session;
    private ScheduledFuture<?> headerTimer;
    private ScheduledFuture<?> poolTimer;
    /** Authenticated by a pool hello. */
    private boolean pooled;
    /** Holds a {@link PoolAdmission} slot. */
    private boolean inPool;
    private Channel upstream;
    private boolean admitted;
    private boolean anyByte;
    /** Server bytes sent with the held reply, before the relay. */
    private long heldDown;
    private long heldUp;

    ApSessionHandler(ApContext ap) {
        this.ap = ap;
        this.settings = ap.settings();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        InetAddress client = ((InetSocketAddress) ch.remoteAddress()).getAddress();
        boolean mptcp = MptcpInfoReader.isMptcp(ch);
        session = new SessionRecord(ap, ap.nextSessionId(), (InetSocketAddress) ch.remoteAddress(), mptcp);
        ap.metrics().accepted(mptcp);
        ap.clients().add(ch);
        ch.pipeline().addFirst(new FirstByte());
        ch.closeFuture().addListener(f -> onClientClosed());
        if (!settings.config().clientsAllow().contains(client)) {
            refuse(ctx, Rejection.AUTH, ConvertErrorCode.NOT_AUTHORIZED, Reason.DENIED);
            return;
        }
        if (!ap.limiter().tryAcquire(client)) {
            refuse(ctx, Rejection.LIMITS, ConvertErrorCode.RESOURCE_EXCEEDED, Reason.LIMIT);
            return;
        }
        admitted = true;
        headerTimer = ctx.executor().schedule(() -> onHeaderTimeout(ctx),
                settings.config().timeouts().header().toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ConvertMessage message && state == State.HEADER) {
            onHeader(ctx, message);
        } else if (msg instanceof ConvertMessage message && state == State.POOLED) {
            onPooledMessage(ctx, message);
        } else if (msg instanceof ByteBuf buf && state == State.POOLED) {
            // Bytes that followed the hello in the first decoder's buffer bypass the decoder
            // added after it; send them through the pipeline again, into that decoder.
            ctx.pipeline().fireChannelRead(buf);
        } else if (msg instanceof ByteBuf buf && state == State.CONNECTING) {
            pending.add(buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (state == State.CONNECTING) {
                // A client may send header, data and FIN at once: the relay sees the input
                // already shut when it starts and forwards the FIN after the held data.
                return;
            } else if (state == State.HEADER) {
                // Closed without a byte: a losing RobE attempt or a probe, not an error.
                if (!abandonedBeforeAnyByte()) {
                    finish(new Termination(Side.CLIENT, Reason.PROTOCOL_ERROR, Phase.HEADER));
                }
                ctx.close();
            } else if (state == State.POOLED) {
                closePooled(ctx, PoolClose.CLIENT);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ConvertException ce && (state == State.HEADER || state == State.POOLED)) {
            leavePool();
            ap.metrics().convertDecoded(false);
            session.note("convert: " + ce.getMessage());
            refuse(ctx, Rejection.MALFORMED, ce.errorCode(), Reason.PROTOCOL_ERROR);
            return;
        }
        if (state == State.DONE) {
            return;
        }
        if (state == State.POOLED) {
            session.note(cause.toString());
            closePooled(ctx, PoolClose.CLIENT);
            return;
        }
        Reason reason = cause instanceof IOException && String.valueOf(cause.getMessage()).contains("reset")
                ? Reason.RESET : Reason.IO_ERROR;
        session.note(cause.toString());
        if (reason == Reason.RESET && abandonedBeforeAnyByte()) {
            Relay.abortiveClose(ctx.channel());
            return;
        }
        finish(new Termination(Side.CLIENT, reason, phase()));
        Relay.abortiveClose(ctx.channel());
        closeUpstream();
    }

    private void onHeader(ChannelHandlerContext ctx, ConvertMessage message) {
        ap.metrics().convertDecoded(true);
        cancelHeaderTimer();
        if (message.poolHelloTlv().isPresent()) {
            onPoolHello(ctx, message);
            return;
        }
        ConnectTlv connect = message.connectTlv().orElse(null);
        if (connect == null) {
            session.note("convert message without Connect TLV");
            refuse(ctx, Rejection.MALFORMED, ConvertErrorCode.UNSUPPORTED_MESSAGE, Reason.PROTOCOL_ERROR);
            return;
        }
        InetSocketAddress destination = connect.destination();
        session.destination(destination);
        if (!cookieAccepted(ctx, message)) {
            return;
        }
        if (!settings.config().destinations().decide(destination.getAddress(), ap.ownAddresses())) {
            refuse(ctx, Rejection.DESTINATION, ConvertErrorCode.NOT_AUTHORIZED, Reason.DENIED);
            return;
        }
        state = State.CONNECTING;
        ctx.channel().config().setAutoRead(false);
        connectUpstream(ctx, destination);
    }

    private void onPoolHello(ChannelHandlerContext ctx, ConvertMessage message) {
        if (pooled || message.tlvs().size() != 1) {
            session.note("pool hello with other TLVs or on a pooled connection");
            refuse(ctx, Rejection.MALFORMED, ConvertErrorCode.UNSUPPORTED_MESSAGE, Reason.PROTOCOL_ERROR);
            return;
        }
        PoolHelloTlv hello = message.poolHelloTlv().orElseThrow();
        PoolAdmission.Verdict verdict = ap.pool().admit(session.client().getAddress(), hello);
        ap.metrics().poolHello(verdict);
        switch (verdict) {
            case NOT_AUTHORIZED, REPLAYED -> {
                session.note("pool hello " + verdict.name().toLowerCase(java.util.Locale.ROOT));
                refuse(ctx, Rejection.AUTH, ConvertErrorCode.NOT_AUTHORIZED, Reason.DENIED);
            }
            case OVER_LIMIT -> {
                session.note("pool hello over limits.max-pooled-per-client");
                refuse(ctx, Rejection.LIMITS, ConvertErrorCode.RESOURCE_EXCEEDED, Reason.LIMIT);
            }
            case ACCEPTED -> {
                pooled = true;
                inPool = true;
                state = State.POOLED;
                ctx.pipeline().addBefore(ctx.name(), "convert-pooled", new ConvertMessageDecoder());
                long idle = settings.config().timeouts().poolIdle().toMillis();
                ctx.writeAndFlush(Unpooled.wrappedBuffer(ConvertCodec.encode(ConvertMessage.poolAck(idle))));
                poolTimer = ctx.executor().schedule(() -> {
                    if (state == State.POOLED) {
                        closePooled(ctx, PoolClose.IDLE_TIMEOUT);
                    }
                }, idle, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The Convert message on a pooled connection: from here on as on a fresh one. */
    private void onPooledMessage(ChannelHandlerContext ctx, ConvertMessage message) {
        leavePool();
        ap.metrics().poolUsed();
        session.note("pooled");
        state = State.HEADER;
        onHeader(ctx, message);
    }

    private void closePooled(ChannelHandlerContext ctx, PoolClose reason) {
        leavePool();
        state = State.DONE;
        session.pooledClosed(reason);
        ctx.close();
    }

    private void leavePool() {
        if (poolTimer != null) {
            poolTimer.cancel(false);
            poolTimer = null;
        }
        if (inPool) {
            inPool = false;
            ap.pool().release(session.client().getAddress());
        }
    }

    private boolean cookieAccepted(ChannelHandlerContext ctx, ConvertMessage message) {
        byte[] cookie = message.cookieTlv().map(c -> withoutPadding(c.opaque())).orElse(null);
        if (pooled && cookie == null) {
            return true; // the pool hello proved the cookie without sending it
        }
        if (settings.config().cookies().accepts(cookie)) {
            return true;
        }
        if (cookie == null) {
            refuse(ctx, Rejection.MISSING_COOKIE, ConvertErrorCode.MISSING_COOKIE, Reason.DENIED);
        } else {
            refuse(ctx, Rejection.AUTH, ConvertErrorCode.NOT_AUTHORIZED, Reason.DENIED);
        }
        return false;
    }

    /** A Cookie TLV's value is zero-padded to a word boundary; configured cookies have no NULs. */
    private static byte[] withoutPadding(byte[] opaque) {
        int end = opaque.length;
        while (end > 0 && opaque[end - 1] == 0) {
            end--;
        }
        return Arrays.copyOf(opaque, end);
    }

    private void connectUpstream(ChannelHandlerContext ctx, InetSocketAddress destination) {
        long start = System.nanoTime();
        Bootstrap b = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, settings.config().timeouts().connect().toMillis()))
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, UPSTREAM_READS)
                .handler(new ChannelInboundHandlerAdapter());
        if (settings.config().tcpFastOpenQueue() > 0) {
            b.option(EpollChannelOption.TCP_FASTOPEN_CONNECT, false);
        }
        ChannelFuture f = b.connect(destination);
        upstream = f.channel();
        f.addListener((ChannelFutureListener) done -> {
            if (state != State.CONNECTING) {
                done.channel().close();
                return;
            }
            if (!done.isSuccess()) {
                UpstreamFailures failure = UpstreamFailures.classify(done.cause());
                ap.metrics().upstreamFailed(failure);
                session.note("upstream: " + done.cause().getMessage());
                replyAndClose(ctx, failure.reply(), new Termination(Side.SERVER, Reason.CONNECT_FAILED, Phase.CONNECT));
                return;
            }
            ap.metrics().upstreamConnected(System.nanoTime() - start);
            holdReply(ctx, done.channel());
        });
    }

    /**
     * Sends the client's held bytes upstream, then reads once from the server for up to
     * {@link #REPLY_HOLD_MILLIS} ms so that the success reply goes out with its first bytes;
     * then the relay. The session stays {@code CONNECTING} meanwhile (a client close ends it).
     */
    private void holdReply(ChannelHandlerContext ctx, Channel up) {
        sendPending(up);
        ReplyHold hold = new ReplyHold(ctx);
        up.pipeline().addLast(hold);
        hold.timer = ctx.executor().schedule(hold::done, REPLY_HOLD_MILLIS, TimeUnit.MILLISECONDS);
        up.read();
    }

    /** On the upstream channel while the reply is held: the server's first read goes with it. */
    private final class ReplyHold extends ChannelInboundHandlerAdapter {
        private final ChannelHandlerContext client;
        private ScheduledFuture<?> timer;
        private boolean replied;
        private boolean done;

        ReplyHold(ChannelHandlerContext client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (done || state != State.CONNECTING || !(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (!replied) {
                replied = true;
                client.write(Unpooled.wrappedBuffer(ConvertCodec.encode(ConvertMessage.success())));
            }
            heldDown += buf.readableBytes();
            ap.metrics().onBytes(Direction.DOWNSTREAM, buf.readableBytes());
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
            session.note("upstream: " + cause.getMessage());
            done();
        }

        void done() {
            if (done) {
                return;
            }
            done = true;
            timer.cancel(false);
            Channel up = upstream;
            if (up.pipeline().context(this) != null) {
                up.pipeline().remove(this);
            }
            if (state != State.CONNECTING) {
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
            ap.metrics().onBytes(Direction.UPSTREAM, n);
        }
    }

    private void startRelay(ChannelHandlerContext ctx, Channel up, boolean replied) {
        Channel client = ctx.channel();
        state = State.RELAYING;
        if (!replied) {
            client.write(Unpooled.wrappedBuffer(ConvertCodec.encode(ConvertMessage.success())));
        }
        client.flush();
        sendPending(up); // client bytes that arrived while the reply was held
        ctx.pipeline().remove(this);
        var relay = Relay.start(client, up, settings.relay(), ap.metrics());
        relay.result().addListener(f -> {
            if (f.isSuccess()) {
                RelayResult r = (RelayResult) f.getNow();
                session.bytes(heldUp + r.bytesUpstream(), r.bytesDownstream() + heldDown);
                finish(r.termination());
            } else {
                finish(new Termination(Side.PROXY, Reason.IO_ERROR, Phase.RELAY));
            }
        });
    }

    private void onHeaderTimeout(ChannelHandlerContext ctx) {
        if (state != State.HEADER) {
            return;
        }
        ap.metrics().rejected(Rejection.HEADER_TIMEOUT);
        finish(new Termination(Side.PROXY, Reason.TIMEOUT, Phase.HEADER));
        ctx.close();
    }

    private void refuse(ChannelHandlerContext ctx, Rejection why, ConvertErrorCode code, Reason reason) {
        ap.metrics().rejected(why);
        Phase phase = state == State.HEADER ? Phase.HEADER : Phase.CONNECT;
        replyAndClose(ctx, ConvertMessage.error(code), new Termination(Side.PROXY, reason, phase));
    }

    private void replyAndClose(ChannelHandlerContext ctx, ConvertMessage reply, Termination termination) {
        cancelHeaderTimer();
        leavePool();
        reply.errorTlv().ifPresent(e -> ap.metrics().errorSent(e.code()));
        finish(termination);
        releasePending();
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ConvertCodec.encode(reply)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void onClientClosed() {
        cancelHeaderTimer();
        if (state == State.POOLED) {
            leavePool();
            state = State.DONE;
            session.pooledClosed(PoolClose.CLIENT);
        }
        leavePool();
        releasePending();
        if (admitted) {
            admitted = false;
            ap.limiter().release(session.client().getAddress());
        }
        if (abandonedBeforeAnyByte()) {
            return;
        }
        if (state == State.HEADER || state == State.CONNECTING) {
            finish(new Termination(Side.CLIENT, Reason.RESET, phase()));
            closeUpstream();
        }
    }

    /**
     * A connection closed or reset in the header phase without a single byte from the client
     * (a gateway's losing RobE attempt, a health check) is abandoned, not an error: ends the
     * session as such and returns {@code true}.
     */
    private boolean abandonedBeforeAnyByte() {
        if (state != State.HEADER || anyByte) {
            return false;
        }
        cancelHeaderTimer();
        state = State.DONE;
        session.abandoned();
        return true;
    }

    /** Notes that the client sent at least one byte; sits before the Convert decoder. */
    private final class FirstByte extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf && buf.isReadable()) {
                anyByte = true;
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }
    }

    private void closeUpstream() {
        if (upstream != null && state != State.RELAYING) {
            upstream.close();
        }
    }

    private Phase phase() {
        return switch (state) {
            case HEADER, POOLED -> Phase.HEADER;
            case CONNECTING -> Phase.CONNECT;
            default -> Phase.RELAY;
        };
    }

    private void finish(Termination termination) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        session.end(termination);
    }

    private void cancelHeaderTimer() {
        if (headerTimer != null) {
            headerTimer.cancel(false);
            headerTimer = null;
        }
    }

    private void releasePending() {
        ByteBuf b;
        while ((b = pending.poll()) != null) {
            b.release();
        }
    }

    @Override
    public String toString() {
        return "ApSessionHandler" + Arrays.asList(state, session);
    }
}
