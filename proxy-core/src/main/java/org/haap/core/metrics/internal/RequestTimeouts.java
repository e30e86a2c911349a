package org.haap.core.metrics.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first stage of a metrics connection, before the HTTP codec, so it sees every byte: a
 * request must be complete within the read timeout of the connection opening or of its
 * first byte (a silent or trickling client is closed, however steadily it trickles), its
 * answer must be taken within the read timeout too (a client that does not read is closed),
 * and a kept-alive connection may wait the idle timeout for its next request.
 * {@link ScrapeHandler} reports the request complete and the response written. Each close is
 * counted.
 */
public final class RequestTimeouts extends ChannelInboundHandlerAdapter {

    private enum State { READING, SERVING, IDLE }

    private final long readNanos;
    private final long idleNanos;
    private final Connections connections;
    private final ScrapeMeters meters;
    private State state = State.READING;
    private boolean readWhileServing;
    private ScheduledFuture<?> timer;
    private ChannelHandlerContext ctx;

    public RequestTimeouts(long readNanos, long idleNanos, Connections connections, ScrapeMeters meters) {
        this.readNanos = readNanos;
        this.idleNanos = idleNanos;
        this.connections = connections;
        this.meters = meters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            arm(State.READING);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (timer == null) {
            arm(State.READING);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.IDLE) {
            connections.reading(ctx.channel());
            arm(State.READING);
        } else if (state == State.SERVING) {
            readWhileServing = true;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    /** A whole request arrived: its answer must be taken within the read timeout. */
    void requestComplete() {
        connections.serving(ctx.channel());
        readWhileServing = false;
        arm(State.SERVING);
    }

    /** The response went out and the connection stays open for the next request. */
    void responded() {
        if (!ctx.channel().isActive() || state != State.SERVING) {
            return;
        }
        if (readWhileServing) {
            connections.reading(ctx.channel()); // the next request has begun (pipelined)
            arm(State.READING);
        } else {
            connections.idle(ctx.channel());
            arm(State.IDLE);
        }
    }

    private void arm(State next) {
        cancel();
        state = next;
        State armed = next;
        timer = ctx.executor().schedule(() -> expire(armed), next == State.IDLE ? idleNanos : readNanos,
                TimeUnit.NANOSECONDS);
    }

    private void expire(State armed) {
        if (state != armed || !ctx.channel().isActive()) {
            return;
        }
        meters.closed(switch (armed) {
            case READING -> ScrapeMeters.Closed.READ_TIMEOUT;
            case SERVING -> ScrapeMeters.Closed.WRITE_TIMEOUT;
            case IDLE -> ScrapeMeters.Closed.IDLE_TIMEOUT;
        });
        ctx.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
