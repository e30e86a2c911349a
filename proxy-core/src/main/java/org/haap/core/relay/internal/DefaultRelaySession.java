package org.haap.core.relay.internal;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import org.haap.core.net.SocketFailure;
import org.haap.core.relay.Direction;
import org.haap.core.relay.Relay;
import org.haap.core.relay.RelayConfig;
import org.haap.core.relay.RelayListener;
import org.haap.core.relay.RelayResult;
import org.haap.core.relay.RelaySession;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;

/**
 * The state machine of one relay session. Read-shut and write-shut are tracked per side;
 * the phase moves from {@code RELAY} to {@code HALF_CLOSE} at the first end of stream; the
 * first termination recorded wins; the result completes when both channels are closed.
 * State changes are serialised by this object's lock so the two channels may live on
 * different event loops; timers run on the downstream channel's event loop.
 */
public final class DefaultRelaySession implements RelaySession {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(DefaultRelaySession.class);

    private final Channel downstream;
    private final Channel upstream;
    private final RelayConfig cfg;
    private final EventLoop loop;
    private final Promise<RelayResult> result;
    private final RelayHandler down;
    private final RelayHandler up;
    private final boolean spliceUp;
    private final boolean spliceDown;

    private volatile long lastActivityNanos;
    private volatile boolean terminated;
    // Guarded by this.
    private Phase phase = Phase.RELAY;
    private Termination termination;
    private Side firstFin;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> halfCloseTimer;
    private int closedChannels;

    private DefaultRelaySession(Channel downstream, Channel upstream, RelayConfig cfg, RelayListener listener) {
        this.downstream = downstream;
        this.upstream = upstream;
        this.cfg = cfg;
        this.loop = downstream.eventLoop();
        this.result = loop.newPromise();
        this.down = new RelayHandler(this, downstream, Direction.UPSTREAM, Side.CLIENT, listener);
        this.up = new RelayHandler(this, upstream, Direction.DOWNSTREAM, Side.SERVER, listener);
        down.peer(up);
        up.peer(down);
        this.spliceUp = canSplice(cfg, downstream, upstream);
        this.spliceDown = canSplice(cfg, upstream, downstream);
    }

    /** Creates the session and begins it on the downstream event loop. */
    public static RelaySession start(Channel downstream, Channel upstream, RelayConfig cfg,
                                     RelayListener listener) {
        DefaultRelaySession session = new DefaultRelaySession(downstream, upstream, cfg, listener);
        if (session.loop.inEventLoop()) {
            session.begin();
        } else {
            session.loop.execute(session::begin);
        }
        return session;
    }

    /**
     * Whether bytes read from {@code src} may be spliced into {@code dst}: splice requested,
     * one event loop, both epoll stream channels in level-triggered mode.
     */
    private static boolean canSplice(RelayConfig cfg, Channel src, Channel dst) {
        return cfg.splice() && src.eventLoop() == dst.eventLoop() && SpliceInternals.isSpliceable(src)
                && SpliceInternals.isSpliceable(dst);
    }

    private void begin() {
        for (Channel ch : new Channel[] {downstream, upstream}) {
            ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(cfg.lowWatermark(), cfg.highWatermark()));
        }
        downstream.pipeline().addLast(down);
        upstream.pipeline().addLast(up);
        downstream.closeFuture().addListener(f -> afterClose(down));
        upstream.closeFuture().addListener(f -> afterClose(up));
        touch();
        if (!downstream.isActive() || !upstream.isActive()) {
            downstream.config().setAutoRead(false);
            upstream.config().setAutoRead(false);
            onInactive(downstream.isActive() ? up : down);
            return;
        }
        long idleNanos = cfg.idleTimeout().toNanos();
        if (idleNanos > 0) {
            synchronized (this) {
                idleTimer = loop.schedule(this::idleCheck, idleNanos, TimeUnit.NANOSECONDS);
            }
        }
        // A spliced direction takes a pipe when its bytes flow (see SpliceForwarder); until
        // then, and for small messages, it copies.
        if (spliceUp || spliceDown) {
            SplicePipes pipes = SplicePipes.of(loop);
            if (spliceUp) {
                down.splice(new SpliceForwarder(down, downstream, upstream, cfg.spliceChunk(), cfg.splicePipes(),
                        pipes));
            }
            if (spliceDown) {
                up.splice(new SpliceForwarder(up, upstream, downstream, cfg.spliceChunk(), cfg.splicePipes(),
                        pipes));
            }
        }
        // Reading is switched on (or kept off) once per channel: each switch that changes
        // the fd's interest is an epoll_ctl.
        for (RelayHandler h : new RelayHandler[] {down, up}) {
            if (isInputShutdown(h.channel())) {
                // A FIN was read before the relay was installed. Reading must not be re-armed:
                // Netty's epoll transport has dropped the fd's read interest by then.
                h.channel().config().setAutoRead(false);
                onInputDone(h);
            } else if (!terminated) {
                h.channel().config().setAutoRead(true);
            }
        }
    }

    static boolean isInputShutdown(Channel ch) {
        return ch instanceof DuplexChannel && ((DuplexChannel) ch).isInputShutdown();
    }

    // --- RelaySession

    @Override
    public Future<RelayResult> result() {
        return result;
    }

    @Override
    public synchronized Phase phase() {
        return phase;
    }

    @Override
    public long bytes(Direction dir) {
        return dir == Direction.UPSTREAM ? down.bytes() : up.bytes();
    }

    @Override
    public boolean spliced() {
        return spliceUp || spliceDown;
    }

    @Override
    public void shutdownGracefully() {
        if (!terminate(Reason.SHUTDOWN, Side.PROXY)) {
            return;
        }
        for (RelayHandler h : new RelayHandler[] {down, up}) {
            Channel ch = h.channel();
            if (ch.eventLoop().inEventLoop()) {
                h.stopReading();
            } else {
                ch.eventLoop().execute(h::stopReading);
            }
            Relay.closeOnFlush(ch);
        }
    }

    @Override
    public void abort() {
        terminate(Reason.DRAIN_ABORTED, Side.PROXY);
        Relay.abortiveClose(downstream);
        Relay.abortiveClose(upstream);
    }

    // --- events from the handlers

    boolean isTerminated() {
        return terminated;
    }

    /** Marks activity for the idle timer; cheap, called once per read batch. */
    void touch() {
        lastActivityNanos = loop.ticker().nanoTime();
    }

    /** {@code side} reached end of stream and everything before it was forwarded. */
    void onInputDone(RelayHandler side) {
        RelayHandler peer = side.peer();
        synchronized (this) {
            if (side.inputDone || termination != null) {
                return;
            }
            side.inputDone = true;
            if (firstFin == null) {
                firstFin = side.side();
                phase = Phase.HALF_CLOSE;
                long halfCloseNanos = cfg.halfCloseTimeout().toNanos();
                if (halfCloseNanos > 0) {
                    halfCloseTimer = loop.schedule(this::halfCloseExpired, halfCloseNanos, TimeUnit.NANOSECONDS);
                }
            }
        }
        touch();
        Channel out = peer.channel();
        if (!out.isActive()) {
            return; // its closure is being handled
        }
        // Drain first: shutdownOutput would fail writes still queued.
        out.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                return; // the failure reaches exceptionCaught/channelInactive of that channel
            }
            if (out instanceof DuplexChannel) {
                ((DuplexChannel) out).shutdownOutput().addListener((ChannelFuture s) -> {
                    if (s.isSuccess()) {
                        onOutputShut(peer);
                    } else {
                        onError(peer, s.cause());
                    }
                });
            } else {
                // No half-close on this transport: the stream ends here.
                synchronized (this) {
                    peer.outputShut = true;
                }
                if (terminate(Reason.COMPLETED, side.side())) {
                    closeBoth();
                }
            }
        });
    }

    private void onOutputShut(RelayHandler side) {
        SpliceForwarder into = side.peer().splice();
        if (into != null) {
            into.onFinished(); // everything for this side was flushed: its pipe is empty
        }
        Side by;
        synchronized (this) {
            side.outputShut = true;
            if (!(down.inputDone && up.inputDone && down.outputShut && up.outputShut)) {
                return;
            }
            by = firstFin;
        }
        if (terminate(Reason.COMPLETED, by)) {
            closeBoth();
        }
    }

    void onError(RelayHandler side, Throwable cause) {
        SocketFailure failure = SocketFailure.classify(cause);
        if (terminate(failure.peerReset() ? Reason.RESET : Reason.IO_ERROR, side.side())) {
            logError(side, failure, cause);
            Relay.abortiveClose(side.peer().channel());
            Relay.abortiveClose(side.channel());
        }
    }

    /**
     * Logs the error that ended the session, once. A socket error with a known cause (a
     * peer's reset, a timeout, an unreachable peer: the ordinary weather of the internet,
     * counted by the termination reason) is logged at debug level; any other I/O error is
     * a warning, both without a stack trace. Anything else is a bug: a warning with its
     * stack trace.
     */
    private static void logError(RelayHandler side, SocketFailure failure, Throwable cause) {
        String by = side.side().name().toLowerCase(Locale.ROOT);
        if (failure != SocketFailure.OTHER) {
            if (logger.isDebugEnabled()) {
                String what = failure.peerReset() ? "reset" : failure.label();
                logger.debug("{} relay ended: {} on the {} side ({})", side.channel(), what, by, cause.toString());
            }
        } else if (cause instanceof IOException) {
            logger.warn("{} relay ended: I/O error on the {} side ({})", side.channel(), by, cause.toString());
        } else {
            logger.warn("{} relay ended: unexpected error on the {} side", side.channel(), by, cause);
        }
    }

    void onInactive(RelayHandler side) {
        // A side that closes while the session is still running was not ended by FIN:
        // treat it as abortive and make the other side see a reset.
        if (terminate(Reason.RESET, side.side())) {
            Relay.abortiveClose(side.peer().channel());
        }
    }

    // --- timers

    private void idleCheck() {
        long idleNanos = cfg.idleTimeout().toNanos();
        long idleFor = loop.ticker().nanoTime() - lastActivityNanos;
        if (idleFor >= idleNanos) {
            if (terminate(Reason.TIMEOUT, Side.PROXY)) {
                closeBoth();
            }
            return;
        }
        synchronized (this) {
            if (termination == null) {
                idleTimer = loop.schedule(this::idleCheck, idleNanos - idleFor, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void halfCloseExpired() {
        if (terminate(Reason.TIMEOUT, Side.PROXY)) {
            closeBoth();
        }
    }

    // --- termination and closing

    /** Records the termination if none was recorded yet; returns whether this call did. */
    private boolean terminate(Reason reason, Side by) {
        synchronized (this) {
            if (termination != null) {
                return false;
            }
            termination = new Termination(by, reason, phase);
            terminated = true;
            if (idleTimer != null) {
                idleTimer.cancel(false);
            }
            if (halfCloseTimer != null) {
                halfCloseTimer.cancel(false);
            }
        }
        return true;
    }

    private void closeBoth() {
        downstream.close();
        upstream.close();
    }


    /**
     * Handles a channel's closure once Netty's close has finished. The close future completes
     * inside the close, before the channel's queued writes are failed; closing the peer from
     * there would fail, first and with a {@code ClosedChannelException}, a splice request that
     * one of those writes still carries, and Netty would log its real cause (the peer's reset)
     * as a warning with a stack trace ("Failed to mark a promise as failure").
     */
    private void afterClose(RelayHandler side) {
        try {
            side.channel().eventLoop().execute(() -> onClosed(side));
        } catch (RejectedExecutionException e) {
            onClosed(side); // the event loop is shutting down
        }
    }

    private void onClosed(RelayHandler side) {
        SpliceForwarder into = side.peer().splice();
        if (into != null) {
            into.onTargetClosed();
        }
        // The close future completes before channelInactive is fired: act on whichever comes first.
        onInactive(side);
        RelayResult r;
        synchronized (this) {
            if (++closedChannels < 2) {
                return;
            }
            if (idleTimer != null) {
                idleTimer.cancel(false);
            }
            if (halfCloseTimer != null) {
                halfCloseTimer.cancel(false);
            }
            r = new RelayResult(down.bytes(), up.bytes(), termination, spliceUp || spliceDown);
        }
        result.trySuccess(r);
    }
}
