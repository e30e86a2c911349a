package org.haap.ap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.haap.ap.ApMetrics.PoolClose;
import org.haap.ap.ApMetrics.Rejection;
import org.haap.ap.ApSession.Stage;
import org.haap.ap.internal.PoolAdmission;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertException;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ConvertMessageDecoder;
import org.haap.core.convert.PoolHelloTlv;
import org.haap.core.session.Termination.Reason;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The warm-pool stage (HAAP extension, {@code docs/warm-pool.md}): a connection whose pool
 * hello {@link PoolAdmission} accepted is authenticated (it holds a session slot and a pool
 * slot), gets a pool ack and waits, idle and reading, under {@code timeouts.pool-idle} (not
 * the header timeout) for a normal Convert message; that message then goes to a new
 * {@link HeaderHandler} for a pooled connection, as on a fresh one except that its Cookie
 * TLV may be omitted. A refused hello gets Error 32 (not authorized, replayed) or 64 (over
 * {@code limits.max-pooled-per-client} or the session limit) and a close. A draining AP
 * closes its pooled connections, so none starts a session during the drain.
 */
final class PooledHandler extends ChannelInboundHandlerAdapter {

    private static final String DECODER = "convert-pooled";

    private final ApSession session;
    private ScheduledFuture<?> timer;

    private PooledHandler(ApSession session) {
        this.session = session;
    }

    /** Decides on {@code hello} at {@code ctx} (the header stage, which this stage replaces). */
    static void admit(ChannelHandlerContext ctx, ApSession session, PoolHelloTlv hello) {
        PoolAdmission.Verdict verdict = session.ap.pool().admit(session.clientKey, hello);
        session.ap.metrics().poolHello(verdict);
        switch (verdict) {
            case NOT_AUTHORIZED, REPLAYED -> {
                session.record.note("pool hello " + verdict.name().toLowerCase(Locale.ROOT));
                session.refuse(ctx, Rejection.AUTH, ConvertErrorCode.NOT_AUTHORIZED, Reason.DENIED);
            }
            case OVER_LIMIT -> {
                session.record.note("pool hello over limits.max-pooled-per-client");
                session.refuse(ctx, Rejection.LIMITS, ConvertErrorCode.RESOURCE_EXCEEDED, Reason.LIMIT);
            }
            case ACCEPTED -> {
                session.pooled();
                if (!session.authenticate()) {
                    session.record.note("pool hello over the session limits");
                    session.refuse(ctx, Rejection.LIMITS, ConvertErrorCode.RESOURCE_EXCEEDED, Reason.LIMIT);
                    return;
                }
                session.stage(Stage.POOLED);
                PooledHandler pooled = new PooledHandler(session);
                ctx.pipeline().replace(ctx.handler(), "pooled", pooled);
                ctx.pipeline().addBefore("pooled", DECODER, new ConvertMessageDecoder());
                long idle = session.settings.config().timeouts().poolIdle().toMillis();
                ctx.writeAndFlush(Unpooled.wrappedBuffer(ConvertCodec.encode(ConvertMessage.poolAck(idle))));
                pooled.timer = ctx.executor().schedule(() -> {
                    if (session.stage() == Stage.POOLED) {
                        session.closePooled(PoolClose.IDLE_TIMEOUT);
                    }
                }, idle, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session.stage() != Stage.POOLED) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof ConvertMessage) {
            // From here on as on a fresh connection.
            session.leavePool();
            session.ap.metrics().poolUsed();
            session.record.note("pooled");
            session.stage(Stage.HEADER);
            ctx.pipeline().replace(this, "header", new HeaderHandler(session, true));
            ctx.fireChannelRead(msg); // reaches the new header stage
        } else if (msg instanceof ByteBuf buf && ctx.pipeline().get(DECODER) != null) {
            // Bytes that followed the hello in the first decoder's buffer bypassed the decoder
            // added after it; send them through the pipeline again, into that decoder.
            ctx.pipeline().fireChannelRead(buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (session.stage() == Stage.POOLED) {
                session.closePooled(PoolClose.CLIENT);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof ConvertException ce && session.stage() == Stage.POOLED) {
            // a malformed message on a pooled connection: refused in the header phase
            session.leavePool();
            session.stage(Stage.HEADER);
            session.ap.metrics().convertDecoded(false);
            session.record.note("convert: " + ce.getMessage());
            session.refuse(ctx, Rejection.MALFORMED, ce.errorCode(), Reason.PROTOCOL_ERROR);
            return;
        }
        session.clientFailed(cause);
    }
}
