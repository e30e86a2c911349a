package org.haap.core.relay.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;

import org.haap.core.relay.Direction;
import org.haap.core.relay.RelayListener;
import org.haap.core.session.Termination;

/**
 * The tail handler of one side of a relay: writes what this side reads to its peer, flushes
 * on read-complete, stops reading while the peer is unwritable, and reports end of stream,
 * errors and closure to the session. Messages it does not forward are released.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final DefaultRelaySession session;
    private final Channel channel;
    private final Direction readDirection;
    private final Termination.Side side;
    private final RelayListener listener;
    private RelayHandler peer;
    private SpliceForwarder splice;

    /** Bytes taken in from this side; written only on this channel's event loop. */
    private long bytes;
    private boolean flushPending;
    private boolean paused;
    // Guarded by the session's lock.
    boolean inputDone;
    boolean outputShut;

    RelayHandler(DefaultRelaySession session, Channel channel, Direction readDirection,
                 Termination.Side side, RelayListener listener) {
        this.session = session;
        this.channel = channel;
        this.readDirection = readDirection;
        this.side = side;
        this.listener = listener;
    }

    void peer(RelayHandler peer) {
        this.peer = peer;
    }

    RelayHandler peer() {
        return peer;
    }

    void splice(SpliceForwarder forwarder) {
        this.splice = forwarder;
    }

    /** The forwarder splicing what this side reads, or null when this direction copies. */
    SpliceForwarder splice() {
        return splice;
    }

    DefaultRelaySession session() {
        return session;
    }

    Channel channel() {
        return channel;
    }

    Termination.Side side() {
        return side;
    }

    long bytes() {
        return bytes;
    }

    boolean isPaused() {
        return paused;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel out = peer.channel;
        if (session.isTerminated() || !out.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        long n = msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes()
                : msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content().readableBytes() : 0;
        if (n > 0) {
            bytes += n;
            listener.onBytes(readDirection, n);
        }
        out.write(msg, out.voidPromise());
        flushPending = true;
        if (splice != null && n > 0 && readFilledBuffer()) {
            splice.onCopied(); // bulk data: what follows is spliced (once reading resumes, if it pauses now)
        }
        if (!out.isWritable()) {
            pauseReading();
        }
    }

    /** Whether the read that produced the current message filled the buffer it was given. */
    private boolean readFilledBuffer() {
        var reads = channel.unsafe().recvBufAllocHandle();
        return reads.lastBytesRead() > 0 && reads.lastBytesRead() >= reads.attemptedBytesRead();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (splice != null) {
            splice.onReadComplete();
        }
        if (flushPending) {
            flushPending = false;
            peer.channel.flush();
        }
        session.touch();
    }

    /** This channel's writability changed: that governs whether the peer may read. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            peer.resumeReading();
        } else {
            peer.pauseReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (splice != null) {
                splice.onInputShutdown();
            } else {
                session.onInputDone(this);
            }
        } else if (evt instanceof ChannelInputShutdownReadComplete) {
            if (splice != null) {
                session.onInputDone(this);
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.onError(this, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.onInactive(this);
        ctx.fireChannelInactive();
    }

    /** Counts bytes moved by splice; this channel's event loop only. */
    void countSpliced(long n) {
        if (n > 0) {
            bytes += n;
            listener.onBytes(readDirection, n);
        }
    }

    void pauseReading() {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(this::pauseReading);
            return;
        }
        if (!paused && channel.isActive() && !session.isTerminated()) {
            paused = true;
            channel.config().setAutoRead(false);
            listener.onPausedReading(readDirection);
        }
    }

    void resumeReading() {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(this::resumeReading);
            return;
        }
        if (paused) {
            paused = false;
            if (!session.isTerminated() && !DefaultRelaySession.isInputShutdown(channel)) {
                channel.config().setAutoRead(true);
            }
            listener.onResumedReading(readDirection);
        }
    }

    /** Stops reading for good (shutdown); this channel's event loop only. */
    void stopReading() {
        channel.config().setAutoRead(false);
    }
}
