package org.haap.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.haap.config.ApUnreachable;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ConvertMessageDecoder;
import org.haap.core.convert.ErrorTlv;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.mptcp.MptcpInfoReader;
import org.haap.core.net.SocketFailure;
import org.haap.core.relay.Direction;
import org.haap.core.relay.Relay;
import org.haap.core.relay.RelayResult;
import org.haap.core.relay.RelaySession;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.haap.core.session.Termination;
import org.haap.gateway.GatewayMetrics.PoolFailure;
import org.haap.gateway.GatewayMetrics.Result;
import org.haap.gateway.internal.ConvertFlight;
import org.haap.gateway.internal.PooledAttempt;
import org.haap.robe.Established;
import org.haap.robe.WanPath;
import org.haap.robe.pool.PooledConnection;
import org.haap.robe.pool.WarmPool;

/**
 * One intercepted LAN connection, from accept until the relay takes over (then this handler
 * leaves the pipeline and only the session's end is observed). The original destination is
 * the accepted socket's local address (TPROXY). Stages:
 * <ol>
 *   <li>refuse loops (destination is the gateway or the AP);</li>
 *   <li>establish an MPTCP connection to the AP through the {@link org.haap.robe.Establisher},
 *       on this channel's event loop (so the relay can splice), while reading what the client
 *       already sends, up to {@link GatewayContext#EARLY_DATA_LIMIT};</li>
 *   <li>send Convert {Connect(destination), Cookie} followed at once by those bytes; LAN
 *       reading stays paused until the reply;</li>
 *   <li>or, on a warm-pool hit (no establishment), send Convert {Connect(destination)} together
 *       with the client's first bytes, waiting at most {@link #CONNECT_HOLD_MILLIS} ms for them
 *       (server-first protocols send nothing): one write, so the MPTCP scheduler puts request
 *       and Connect on one subflow, the idle one with the lowest RTT, instead of spreading two
 *       small writes over two WANs. A client's bytes go upstream at most once
 *       ({@link PooledAttempt}): if the pooled connection is gone before anything was written
 *       on it, or the AP refuses with an Error TLV it sends only before connecting upstream
 *       (3 or 64), the session sends the same bytes on a fresh connection, once; if it closes,
 *       resets or answers garbage after the Convert message was written, the AP may have
 *       forwarded them, so the LAN connection is reset instead (both counted in
 *       {@code haap_gateway_pool_failures_total});</li>
 *   <li>read the AP's reply under {@code timeouts.convert-reply}: success → relay; an Error
 *       TLV, a malformed reply, a timeout or the AP closing → reset the LAN connection.</li>
 * </ol>
 * No AP on any WAN → reset, or with {@code on-ap-unreachable = bypass} a direct plain TCP
 * connection on the preferred WAN. Every LAN byte read is forwarded exactly once, or the LAN
 * connection is reset.
 */
final class GatewaySessionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = System.getLogger(GatewaySessionHandler.class.getName());

    private enum State { NEW, WAITING, HOLDING, ESTABLISHING, AWAIT_REPLY, CONNECTING_DIRECT, RELAYING, DONE }

    /** How long a pool hit waits for the client's first bytes before sending Connect alone. */
    static final long CONNECT_HOLD_MILLIS = 10;

    private final GatewayContext gw;
    /** The configuration this session was accepted under; a reload meanwhile does not change it. */
    private GatewayContext.Settings settings;
    private Channel lan;
    private Channel upstream;
    private InetSocketAddress destination;
    private SessionRecord record;
    private State state = State.NEW;
    private CompositeByteBuf early;
    private boolean lanInputShut;
    private boolean upstreamInputShut;
    private Future<Established> establishing;
    private ScheduledFuture<?> replyTimer;
    private ScheduledFuture<?> holdTimer;
    /** The WAN of a pooled connection's initial subflow, while {@code HOLDING}. */
    private WanPath pooledPath;
    /** On a pooled connection until the reply: a copy of every LAN byte sent, for a retry. */
    private CompositeByteBuf replay;
    /** On a pooled connection until the reply: whether the AP can have acted on the Convert message. */
    private PooledAttempt attempt;
    /** LAN bytes in {@link #early} already counted (sent once on a dead pooled connection). */
    private int earlyCounted;
    /** The 0-RTT flight while a fresh connection is being established with it. */
    private ConvertFlight flight;
    private volatile RelaySession relay;

    GatewaySessionHandler(GatewayContext gw) {
        this.gw = gw;
    }

    // --- LAN side, before the relay

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        settings = gw.settings();
        lan = ctx.channel();
        destination = (InetSocketAddress) lan.localAddress();
        record = new SessionRecord(gw.nextId(), (InetSocketAddress) lan.remoteAddress(), destination,
                lan.eventLoop().ticker()::nanoTime);
        gw.metrics().sessionOpened();
        gw.sessions().add(this);
        lan.closeFuture().addListener(f -> gw.sessions().remove(this));
        if (gw.stopping()) {
            finish(Result.SHUTDOWN, new Termination(Side.PROXY, Reason.SHUTDOWN, Phase.CONNECT), true);
            return;
        }
        String loop = gw.loopGuard().refuse(destination);
        if (loop != null) {
            record.note(loop);
            LOG.log(Level.WARNING, "not carrying " + destination + " from " + lan.remoteAddress() + ": " + loop);
            finish(Result.LOOP, new Termination(Side.PROXY, Reason.DENIED, Phase.CONNECT), false);
            return;
        }
        if (settings.config().bypassDestinations().contains(destination.getAddress())) {
            record.note("bypass destination");
            connectDirect();
        } else if (takeFromPool()) {
            // a warm-pool connection: the Convert message is already on its way
        } else if (settings.config().robe().fastOpen().enabled()) {
            state = State.WAITING;
            holdTimer = lan.eventLoop().schedule(this::establishWithFlight,
                    settings.config().robe().fastOpen().firstBytesWait().toNanos(), TimeUnit.NANOSECONDS);
        } else {
            state = State.ESTABLISHING;
            establishing = settings.establisher().establish(lan.eventLoop(), settings.config().aggregationPoint(),
                    gw.wanState().candidates());
            establishing.addListener(f -> onEstablished(establishing));
        }
        lan.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || state == State.DONE) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.AWAIT_REPLY) {
            // A read requested while establishing completed after the Convert message was
            // sent: these bytes follow the ones already written, in order.
            if (replay != null) {
                replay.addComponent(true, buf.retainedDuplicate());
            }
            upstream.writeAndFlush(buf, upstream.voidPromise());
            countEarly(buf.readableBytes());
            return;
        }
        if (early == null) {
            early = lan.alloc().compositeBuffer(64);
        }
        early.addComponent(true, buf);
    }

    /** Counts LAN bytes forwarded before the relay took over. */
    private void countEarly(int n) {
        record.bytes(n, 0);
        gw.metrics().relay().onBytes(Direction.UPSTREAM, n);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.WAITING) {
            if (early != null && early.isReadable()) {
                establishWithFlight();
            } else {
                lan.read();
            }
            return;
        }
        if (state == State.HOLDING) {
            if (early != null && early.isReadable()) {
                sendPooledConnect();
            } else {
                lan.read();
            }
            return;
        }
        if ((state == State.ESTABLISHING || state == State.CONNECTING_DIRECT) && !lanInputShut
                && (early == null || early.readableBytes() < GatewayContext.EARLY_DATA_LIMIT)) {
            lan.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            lanInputShut = true;
            if (state == State.HOLDING) {
                sendPooledConnect();
            } else if (state == State.WAITING) {
                establishWithFlight();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.DONE) {
            record.note("client closed during set-up");
            finish(Result.CLIENT_GONE, new Termination(Side.CLIENT, Reason.RESET, Phase.CONNECT), false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state != State.DONE) {
            record.note("client: " + cause.getMessage());
            Reason reason = SocketFailure.classify(cause).peerReset() ? Reason.RESET : Reason.IO_ERROR;
            finish(Result.CLIENT_GONE, new Termination(Side.CLIENT, reason, Phase.CONNECT), true);
        }
    }

    // --- establishment

    /**
     * 0-RTT: establishes with the Convert message and the client's bytes read so far in every
     * attempt's SYN ({@link ConvertFlight}); the first attempt whose reply arrives wins. With
     * {@code on-ap-unreachable = bypass} the client's bytes stay out of the flight (they may go
     * direct if no AP answers, and must not have reached the AP then).
     */
    private void establishWithFlight() {
        if (state != State.WAITING) {
            return;
        }
        cancelHoldTimer();
        state = State.ESTABLISHING;
        boolean carryClient = settings.config().onApUnreachable() != ApUnreachable.BYPASS;
        flight = ConvertFlight.of(lan.alloc(), destination, gw.cookie(), carryClient ? early : null);
        if (carryClient) {
            early = null;
        }
        establishing = settings.establisher().establish(lan.eventLoop(), settings.config().aggregationPoint(),
                gw.wanState().candidates(), flight);
        establishing.addListener(f -> onEstablished(establishing));
        // the reply is part of the establishment now: both timeouts bound it
        Duration limit = settings.config().timeouts().connect().plus(settings.config().timeouts().convertReply());
        replyTimer = lan.eventLoop().schedule(() -> {
            if (state == State.ESTABLISHING) {
                record.note("no Convert reply within " + limit.toMillis() + " ms");
                finish(Result.AP_PROTOCOL_ERROR, new Termination(Side.SERVER, Reason.TIMEOUT, Phase.CONNECT), true);
            }
        }, limit.toNanos(), TimeUnit.NANOSECONDS);
        if (!lanInputShut) {
            lan.read();
        }
    }

    /** Whether the flight carried client bytes: then no other way may carry them (no bypass, no retry). */
    private boolean releaseFlight() {
        if (flight == null) {
            return false;
        }
        boolean carried = flight.clientBytes() > 0;
        flight.release();
        flight = null;
        return carried;
    }

    private void onEstablished(Future<Established> f) {
        if (f.isCancelled()) {
            return;
        }
        int flightBytes = flight == null ? -1 : flight.clientBytes();
        boolean clientBytesSent = releaseFlight();
        cancelReplyTimer();
        if (!f.isSuccess()) {
            record.note(f.cause().getMessage());
            if (f.cause() instanceof org.haap.robe.EstablishException ee) {
                settings.meters().attempts(ee.attempts());
            }
            if (state != State.ESTABLISHING) {
                return;
            }
            if (settings.config().onApUnreachable() == ApUnreachable.BYPASS && !clientBytesSent) {
                connectDirect();
            } else {
                finish(Result.AP_UNREACHABLE, new Termination(Side.PROXY, Reason.CONNECT_FAILED, Phase.CONNECT), true);
            }
            return;
        }
        Established e = f.getNow();
        settings.meters().attempts(e.attempts());
        settings.meters().established(e.path(), e.setupTime());
        if (state != State.ESTABLISHING) {
            if (e.answer() != null) {
                e.answer().release();
            }
            e.channel().close();
            return;
        }
        if (e.answer() != null) {
            replyArrived(e, flightBytes);
            return;
        }
        sendConnect(e.channel(), e.path(), e.setupTime().toMillis(), false);
    }

    /**
     * A 0-RTT attempt won: its flight carried {@code flightBytes} client bytes, and
     * {@link Established#answer()} holds the reply (and maybe the server's first bytes), which
     * goes through the reply stage as if just read. Client bytes read since follow at once.
     */
    private void replyArrived(Established e, int flightBytes) {
        record.note("0-rtt");
        countEarly(flightBytes);
        awaitReply(e.channel(), e.path(), e.setupTime().toMillis());
        if (early != null) {
            countEarly(early.readableBytes());
            upstream.writeAndFlush(early, upstream.voidPromise());
            early = null;
        }
        upstream.pipeline().fireChannelRead(e.answer());
        upstream.pipeline().fireChannelReadComplete();
    }

    /** Takes a warm-pool connection for this LAN connection, if its loop's pool has one. */
    private boolean takeFromPool() {
        WarmPool pool = gw.pool(lan.eventLoop());
        PooledConnection pc = pool == null ? null : pool.take();
        if (pc == null) {
            return false;
        }
        record.note("pooled");
        state = State.HOLDING;
        upstream = pc.channel();
        pooledPath = pc.path();
        holdTimer = lan.eventLoop().schedule(this::sendPooledConnect, CONNECT_HOLD_MILLIS, TimeUnit.MILLISECONDS);
        return true;
    }

    /** Sends the Connect on the pooled connection, with the client's bytes read so far. */
    private void sendPooledConnect() {
        if (state != State.HOLDING) {
            return;
        }
        cancelHoldTimer();
        if (!upstream.isActive()) {
            // The aggregation point closed it while it waited here; nothing was sent on it.
            gw.metrics().poolFailure(PoolFailure.RETRIED);
            record.note("pooled connection closed before use, establishing afresh");
            establishAfresh(upstream);
            return;
        }
        replay = lan.alloc().compositeBuffer(64);
        if (early != null) {
            replay.addComponent(true, early.retainedDuplicate());
        }
        attempt = new PooledAttempt();
        sendConnect(upstream, pooledPath, 0, true);
    }

    /** Whether {@code ch} is this session's pooled connection and its Convert reply is still awaited. */
    private boolean awaitingPooledReply(Channel ch) {
        return attempt != null && state == State.AWAIT_REPLY && ch == upstream;
    }

    /**
     * The pooled connection {@code dead} failed ({@code why}) before the aggregation point's
     * reply. If nothing of the Convert message left, sends the same bytes on a fresh
     * connection (once per session) and returns {@code true}. Otherwise the AP may have acted on
     * them: counts and notes that, and returns {@code false}; the caller resets the LAN
     * connection.
     */
    private boolean retryIfNothingSent(Channel dead, String why) {
        if (!awaitingPooledReply(dead) || gw.stopping()) {
            return false;
        }
        if (!attempt.sentNothing()) {
            gw.metrics().poolFailure(PoolFailure.RESET);
            record.note("pooled connection " + why + " after the Convert message was written; not sent again,"
                    + " the aggregation point may have acted on it");
            return false;
        }
        record.note("pooled connection " + why + " before anything was written on it, establishing afresh");
        retryAfresh(dead);
        return true;
    }

    /**
     * The aggregation point answered Error {@code code} on the pooled connection {@code ch}:
     * if that refusal proves it connected nowhere and a fresh connection may fare otherwise
     * ({@link PooledAttempt#worthAFreshConnection}), sends the same bytes on one (once per
     * session) and returns {@code true}.
     */
    private boolean retryAfterRefusal(Channel ch, ConvertErrorCode code) {
        if (!awaitingPooledReply(ch) || gw.stopping() || !PooledAttempt.worthAFreshConnection(code)) {
            return false;
        }
        record.note("pooled connection refused (" + code.name().toLowerCase(Locale.ROOT)
                + ") before any upstream connect, establishing afresh");
        retryAfresh(ch);
        return true;
    }

    /** Counts the retry and sends every LAN byte so far on a fresh connection instead of {@code dead}. */
    private void retryAfresh(Channel dead) {
        gw.metrics().poolFailure(PoolFailure.RETRIED);
        cancelReplyTimer();
        early = replay;
        earlyCounted = early.readableBytes();
        replay = null;
        attempt = null;
        establishAfresh(dead);
    }

    /** Drops the pooled connection {@code dead} and establishes a fresh one (RobE) instead. */
    private void establishAfresh(Channel dead) {
        upstream = null;
        upstreamInputShut = false;
        dead.close();
        state = State.ESTABLISHING;
        establishing = settings.establisher().establish(lan.eventLoop(), settings.config().aggregationPoint(),
                gw.wanState().candidates());
        establishing.addListener(f -> onEstablished(establishing));
        if (!lanInputShut) {
            lan.read();
        }
    }

    /**
     * Sends Convert Connect (with the Cookie TLV unless {@code pooled}: the pool hello already
     * proved it) and the early data on {@code channel}, then awaits the reply.
     */
    private void sendConnect(Channel channel, WanPath path, long setupMillis, boolean pooled) {
        awaitReply(channel, path, setupMillis);
        ConvertMessage connect = ConvertMessage.connect(destination, pooled ? null : gw.cookie());
        channel.write(Unpooled.wrappedBuffer(ConvertCodec.encode(connect)),
                pooled ? attempt.track(channel) : channel.newPromise());
        if (early != null) {
            countEarly(early.readableBytes() - earlyCounted);
            earlyCounted = 0;
            channel.write(early, channel.voidPromise());
            early = null;
        }
        channel.flush();
        channel.read();
        if (state != State.AWAIT_REPLY) {
            return; // a dead pooled connection fell back to a fresh one meanwhile
        }
        if (pooled && !channel.isActive()) {
            // closed before its handlers were added: no channelInactive may reach them
            if (!retryIfNothingSent(channel, "closed")) {
                record.note("aggregation point closed before its Convert reply");
                finish(Result.AP_PROTOCOL_ERROR, new Termination(Side.SERVER, Reason.RESET, Phase.CONNECT), true);
            }
            return;
        }
        Duration replyTimeout = settings.config().timeouts().convertReply();
        replyTimer = lan.eventLoop().schedule(() -> {
            if (state == State.AWAIT_REPLY) {
                record.note("no Convert reply within " + replyTimeout.toMillis() + " ms");
                finish(Result.AP_PROTOCOL_ERROR, new Termination(Side.SERVER, Reason.TIMEOUT, Phase.CONNECT), true);
            }
        }, replyTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Makes {@code channel} the session's upstream, awaiting the Convert reply on it. */
    private void awaitReply(Channel channel, WanPath path, long setupMillis) {
        upstream = channel;
        record.wan(path.name(), setupMillis);
        if (MptcpInfoReader.info(upstream).isEmpty()) {
            gw.metrics().fallback();
            record.fallback();
        }
        state = State.AWAIT_REPLY;
        record.usage(gw.metrics().wanAccounting().track(upstream));
        upstream.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        upstream.pipeline().addLast(new ConvertMessageDecoder(), new ReplyHandler());
    }

    /** Reads the AP's Convert reply and any bytes that came with it. */
    private final class ReplyHandler extends ChannelInboundHandlerAdapter {
        private boolean accepted;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (ctx.channel() != upstream) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof ConvertMessage reply) {
                Optional<ErrorTlv> error = reply.errorTlv();
                if (error.isPresent()) {
                    gw.metrics().convertError(error.get().code());
                    if (retryAfterRefusal(ctx.channel(), error.get().code())) {
                        return;
                    }
                    record.note("convert error " + error.get().code().name().toLowerCase());
                    finish(Result.CONVERT_ERROR, new Termination(Side.SERVER, Reason.CONNECT_FAILED, Phase.CONNECT),
                            true);
                    return;
                }
                accepted = true;
                releaseReplay();
                return;
            }
            if (msg instanceof ByteBuf buf && accepted && state == State.AWAIT_REPLY) {
                record.bytes(0, buf.readableBytes());
                gw.metrics().relay().onBytes(Direction.DOWNSTREAM, buf.readableBytes());
                lan.write(buf);
                return;
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (state != State.AWAIT_REPLY) {
                return;
            }
            if (accepted) {
                lan.flush();
                ctx.pipeline().remove(this);
                startRelay(Result.RELAYED);
            } else {
                upstream.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                if (ctx.channel() != upstream) {
                    return;
                }
                if (!accepted && retryIfNothingSent(ctx.channel(), "closed")) {
                    return;
                }
                upstreamInputShut = true;
                if (state == State.AWAIT_REPLY && !accepted) {
                    record.note("aggregation point closed before its Convert reply");
                    finish(Result.AP_PROTOCOL_ERROR,
                            new Termination(Side.SERVER, Reason.PROTOCOL_ERROR, Phase.CONNECT), true);
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() != upstream || !accepted && retryIfNothingSent(ctx.channel(), "reset")) {
                return;
            }
            if (state == State.AWAIT_REPLY) {
                record.note("aggregation point closed before the relay started");
                finish(Result.AP_PROTOCOL_ERROR, new Termination(Side.SERVER, Reason.RESET, Phase.CONNECT), true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() != upstream || !accepted && retryIfNothingSent(ctx.channel(), "failed (" + cause.getMessage() + ")")) {
                return;
            }
            if (state == State.AWAIT_REPLY) {
                record.note("aggregation point: " + cause.getMessage());
                finish(Result.AP_PROTOCOL_ERROR, new Termination(Side.SERVER, Reason.PROTOCOL_ERROR, Phase.CONNECT),
                        true);
            }
        }
    }

    // --- bypass: plain TCP straight to the destination on the preferred WAN

    private void connectDirect() {
        state = State.CONNECTING_DIRECT;
        record.bypass();
        WanPath wan = null;
        for (WanPath p : gw.wanState().candidates()) {
            if (p.sourceFor(destination.getAddress()) != null) {
                wan = p;
                break;
            }
        }
        if (wan == null) {
            record.note("no WAN with an address of the destination's family");
            finish(Result.BYPASS_FAILED, new Termination(Side.PROXY, Reason.CONNECT_FAILED, Phase.CONNECT), true);
            return;
        }
        record.wan(wan.name(), -1);
        InetAddress source = wan.sourceFor(destination.getAddress());
        Bootstrap b = new Bootstrap().group(lan.eventLoop())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, settings.config().timeouts().connect().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // Relay adds its handler.
                    }
                });
        ChannelFuture cf = gw.sockets().connect(b, destination, ClientSocketOptions.tcp()
                .withSource(new InetSocketAddress(source, 0)).withDevice(wan.interfaceName())
                .withCongestionControl(gw.congestionControl()));
        cf.addListener(f -> lan.eventLoop().execute(() -> onDirect(cf)));
    }

    private void onDirect(ChannelFuture cf) {
        if (state != State.CONNECTING_DIRECT) {
            cf.channel().close();
            return;
        }
        if (!cf.isSuccess()) {
            cf.channel().close();
            SocketFailure failure = SocketFailure.classify(cf.cause());
            record.note("direct connect: " + failure.label()
                    + (failure == SocketFailure.OTHER ? " (" + cf.cause() + ")" : ""));
            finish(Result.BYPASS_FAILED, directConnectFailed(failure), true);
            return;
        }
        upstream = cf.channel();
        if (early != null) {
            countEarly(early.readableBytes());
            upstream.writeAndFlush(early, upstream.voidPromise());
            early = null;
        }
        startRelay(Result.BYPASSED);
    }

    /**
     * How a failed direct connect ends the session: the server's refusal (or reset) is the
     * server's reset, which the LAN client sees as it would without the gateway; anything
     * else is the gateway's failed connect.
     */
    static Termination directConnectFailed(SocketFailure failure) {
        return failure == SocketFailure.REFUSED || failure == SocketFailure.RESET
                ? new Termination(Side.SERVER, Reason.RESET, Phase.CONNECT)
                : new Termination(Side.PROXY, Reason.CONNECT_FAILED, Phase.CONNECT);
    }

    // --- hand-over and end

    private void startRelay(Result result) {
        cancelReplyTimer();
        releaseReplay();
        // this handler stays in gw.sessions() while the session lasts: drop the establishment
        // (its attempts, durations and promise) it no longer needs
        establishing = null;
        state = State.RELAYING;
        gw.metrics().intercepted(result);
        lan.pipeline().remove(this);
        RelaySession session = Relay.start(lan, upstream, settings.relay(), gw.metrics().relay());
        relay = session;
        if (lanInputShut) {
            lan.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        if (upstreamInputShut) {
            upstream.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        session.result().addListener(f -> {
            RelayResult r = session.result().getNow();
            record.bytes(r.bytesUpstream(), r.bytesDownstream());
            record.end(r.termination());
            gw.metrics().sessionClosed();
        });
    }

    /**
     * Ends a session that never reached the relay: closes the AP side, and closes or (with
     * {@code reset}) resets the LAN connection so the client sees what it would have seen
     * without the proxy.
     */
    private void finish(Result result, Termination t, boolean reset) {
        if (state == State.DONE || state == State.RELAYING) {
            return;
        }
        state = State.DONE;
        cancelReplyTimer();
        cancelHoldTimer();
        releaseReplay();
        releaseFlight();
        if (establishing != null && !establishing.isDone()) {
            establishing.cancel(false);
        }
        if (early != null) {
            early.release();
            early = null;
        }
        if (upstream != null) {
            upstream.close();
        }
        if (lan.isOpen()) {
            if (reset) {
                try {
                    lan.config().setOption(ChannelOption.SO_LINGER, 0);
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "SO_LINGER 0 failed: " + e.getMessage());
                }
            }
            lan.close();
        }
        gw.metrics().intercepted(result);
        record.end(t);
        gw.metrics().sessionClosed();
    }

    private void cancelHoldTimer() {
        if (holdTimer != null) {
            holdTimer.cancel(false);
            holdTimer = null;
        }
    }

    private void releaseReplay() {
        attempt = null;
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }

    private void cancelReplyTimer() {
        if (replyTimer != null) {
            replyTimer.cancel(false);
            replyTimer = null;
        }
    }

    /** Stops the session for a shutdown: graceful while relaying, at once before. */
    void shutdown(boolean abort) {
        RelaySession r = relay;
        if (r != null) {
            if (abort) {
                r.abort();
            } else {
                r.shutdownGracefully();
            }
            return;
        }
        if (lan != null) {
            lan.eventLoop().execute(() -> {
                if (state != State.RELAYING && state != State.DONE) {
                    finish(Result.SHUTDOWN, new Termination(Side.PROXY, Reason.SHUTDOWN, Phase.CONNECT), true);
                }
            });
        }
    }
}
