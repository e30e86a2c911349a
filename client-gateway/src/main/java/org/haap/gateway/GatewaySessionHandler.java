package org.haap.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.haap.config.ApUnreachable;
import org.haap.core.mptcp.MptcpInfoReader;
import org.haap.core.net.SocketFailure;
import org.haap.core.relay.RelaySession;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.haap.gateway.GatewayMetrics.Result;
import org.haap.gateway.UpstreamSource.Upstream;
import org.haap.gateway.internal.ConvertFlight;

/**
 * One intercepted LAN connection, from accept until the relay takes over (then this handler
 * leaves the pipeline and only the session's end is observed). The original destination is
 * the accepted socket's local address (TPROXY). It wires the stages together:
 * <ol>
 *   <li>refuse loops (destination is the gateway or the AP);</li>
 *   <li>an {@link UpstreamSource}: {@link BypassSource} for {@code bypass.destinations}, else a
 *       warm-pool connection ({@link PoolSource}, held a moment for the client's first bytes),
 *       else one established afresh ({@link RobeSource}, with Fast Open held a moment for
 *       the client's first bytes to travel in its SYNs); meanwhile it reads what the client
 *       already sends, up to {@link GatewayContext#EARLY_DATA_LIMIT}. A dead pooled connection
 *       falls back to RobE; no AP on any WAN → reset, or with {@code on-ap-unreachable = bypass}
 *       the bypass source;</li>
 *   <li>on a connection to the AP, the {@link ConvertClient}: Convert and those bytes, the
 *       reply, and the pooled retry rules; LAN reading stays paused until the reply;</li>
 *   <li>the {@link RelayHandover}: the relay on success (at once for bypass), otherwise the
 *       LAN connection reset.</li>
 * </ol>
 * Every LAN byte read is forwarded exactly once, or the LAN connection is reset.
 */
final class GatewaySessionHandler extends ChannelInboundHandlerAdapter implements ConvertClient.Listener {

    private static final Logger LOG = System.getLogger(GatewaySessionHandler.class.getName());

    private enum State { NEW, HOLDING, OPENING, CONVERTING, RELAYING, DONE }

    private final GatewayContext gw;
    /** The configuration this session was accepted under; a reload meanwhile does not change it. */
    private GatewayContext.Settings settings;
    private Channel lan;
    private InetSocketAddress destination;
    private SessionRecord record;
    private RelayHandover handover;
    private State state = State.NEW;
    private UpstreamSource source;
    private Future<Upstream> opening;
    private Channel upstream;
    private ConvertClient convert;
    private CompositeByteBuf early;
    /** LAN bytes in {@link #early} already counted (sent once on a dead pooled connection). */
    private int earlyCounted;
    private boolean lanInputShut;
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
        handover = new RelayHandover(lan, record, gw.metrics(), settings.relay());
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
            bypass();
        } else {
            PoolSource pooled = PoolSource.take(gw.pool(lan.eventLoop()), record, gw.metrics());
            if (pooled != null) {
                open(pooled, State.HOLDING, u -> converse(u, true), cause -> establishAfresh());
            } else {
                establish();
            }
        }
        lan.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || state == State.DONE) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.CONVERTING) {
            // A read requested while opening completed after the Convert message was sent.
            convert.lanBytes(buf);
            return;
        }
        if (early == null) {
            early = lan.alloc().compositeBuffer(64);
        }
        early.addComponent(true, buf);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.HOLDING) {
            if (early != null && early.isReadable()) {
                source.lanReady();
            } else {
                lan.read();
            }
            return;
        }
        if (state == State.OPENING && !lanInputShut
                && (early == null || early.readableBytes() < GatewayContext.EARLY_DATA_LIMIT)) {
            lan.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            lanInputShut = true;
            if (state == State.HOLDING) {
                source.lanReady();
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

    // --- upstream sources

    /** Opens {@code s}; {@code up} gets its connection, {@code down} its failure, unless the session moved on. */
    private void open(UpstreamSource s, State opening, Consumer<Upstream> up, Consumer<Throwable> down) {
        source = s;
        state = opening;
        Future<Upstream> f = s.open(lan.eventLoop());
        this.opening = f;
        f.addListener(x -> {
            if (f.isCancelled() || source != s || state == State.DONE || state == State.RELAYING) {
                return;
            }
            if (f.isSuccess()) {
                up.accept(f.getNow());
            } else {
                down.accept(f.cause());
            }
        });
    }

    /**
     * Establishes a connection to the AP afresh (RobE). With {@code robe.fast-open} (and
     * nothing sent yet: not a pooled connection's retry), holds for the client's first bytes and
     * puts them in every attempt's SYN with the Convert message ({@link ConvertFlight}); with
     * {@code on-ap-unreachable = bypass} only the Convert message, as the bytes may have to go
     * direct.
     */
    private void establish() {
        RobeSource robe = new RobeSource(settings.establisher(), settings.config().aggregationPoint(),
                gw.wanState()::candidates, settings.meters(), record);
        var fastOpen = settings.config().robe().fastOpen();
        boolean flight = fastOpen.enabled() && earlyCounted == 0;
        if (flight) {
            robe.withFlight(this::flight, fastOpen.firstBytesWait());
        }
        open(robe, flight ? State.HOLDING : State.OPENING, u -> converse(u, false), cause -> {
                    if (settings.config().onApUnreachable() == ApUnreachable.BYPASS) {
                        bypass();
                    } else {
                        finish(Result.AP_UNREACHABLE,
                                new Termination(Side.PROXY, Reason.CONNECT_FAILED, Phase.CONNECT), true);
                    }
                });
    }

    /** The 0-RTT flight, made when the hold for the client's first bytes ends. */
    private ConvertFlight flight() {
        state = State.OPENING;
        boolean carryClient = settings.config().onApUnreachable() != ApUnreachable.BYPASS;
        ByteBuf client = carryClient ? early : null;
        if (carryClient) {
            early = null;
        }
        if (!lanInputShut) {
            lan.read(); // what the client sends meanwhile follows the flight on the winner
        }
        return ConvertFlight.of(lan.alloc(), destination, gw.cookie(), client);
    }

    /** Establishes afresh instead of a pooled connection that failed, reading on from the LAN. */
    private void establishAfresh() {
        establish();
        if (!lanInputShut) {
            lan.read();
        }
    }

    /** Plain TCP straight to the destination on the preferred WAN. */
    private void bypass() {
        open(new BypassSource(gw.sockets()::connect, destination, gw.wanState()::candidates,
                settings.config().timeouts().connect(), gw.congestionControl(), record), State.OPENING, u -> {
                    upstream = u.channel();
                    if (early != null) {
                        handover.forwardedEarly(early.readableBytes());
                        upstream.writeAndFlush(early, upstream.voidPromise());
                        early = null;
                    }
                    startRelay(Result.BYPASSED, false);
                }, cause -> finish(Result.BYPASS_FAILED, BypassSource.ended(cause), true));
    }

    /**
     * How a failed direct connect ends the session ({@link BypassSource#directConnectFailed}).
     */
    static Termination directConnectFailed(SocketFailure failure) {
        return BypassSource.directConnectFailed(failure);
    }

    // --- Convert

    /** Sends Convert and the early data on the AP connection {@code u} and awaits the reply. */
    private void converse(Upstream u, boolean pooled) {
        upstream = u.channel();
        record.wan(u.path().name(), u.setupMillis());
        if (MptcpInfoReader.info(upstream).isEmpty()) {
            gw.metrics().fallback();
            record.fallback();
        }
        state = State.CONVERTING;
        record.usage(gw.metrics().wanAccounting().track(upstream));
        upstream.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        convert = new ConvertClient(lan, handover, record, gw.metrics(), gw::stopping,
                settings.config().timeouts().convertReply(), this);
        ByteBuf bytes = early;
        int counted = earlyCounted;
        early = null;
        earlyCounted = 0;
        if (u.answer() != null) {
            convert.answered(upstream, u.answer(), u.flownClientBytes(), bytes);
        } else {
            convert.send(upstream, destination, pooled ? null : gw.cookie(), bytes, counted, pooled);
        }
    }

    @Override
    public void accepted(Channel ap, boolean apInputShut) {
        startRelay(Result.RELAYED, apInputShut);
    }

    @Override
    public void retry(CompositeByteBuf replay) {
        upstream = null;
        convert = null;
        early = replay;
        earlyCounted = replay.readableBytes();
        establishAfresh();
    }

    @Override
    public void failed(Result result, Termination termination) {
        finish(result, termination, true);
    }

    // --- hand-over and end

    private void startRelay(Result result, boolean upstreamInputShut) {
        if (convert != null) {
            convert.cancel();
        }
        // this handler stays in gw.sessions() while the session lasts: drop the establishment
        // (its attempts, durations and promise) it no longer needs
        opening = null;
        source = null;
        state = State.RELAYING;
        lan.pipeline().remove(this);
        relay = handover.start(result, upstream, lanInputShut, upstreamInputShut);
    }

    /** Ends a session that never reached the relay ({@link RelayHandover#finish}). */
    private void finish(Result result, Termination t, boolean reset) {
        if (state == State.DONE || state == State.RELAYING) {
            return;
        }
        state = State.DONE;
        if (convert != null) {
            convert.cancel();
        }
        if (opening != null && !opening.isDone()) {
            opening.cancel(false);
        }
        if (early != null) {
            early.release();
            early = null;
        }
        handover.finish(result, t, reset, upstream);
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
