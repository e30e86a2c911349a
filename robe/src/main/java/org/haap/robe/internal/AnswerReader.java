package org.haap.robe.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import org.haap.robe.FirstFlight;
import org.haap.robe.FirstFlight.Verdict;

/**
 * On one attempt's channel after its first flight: gathers what the aggregation point sends
 * back and asks the {@link FirstFlight} about it after every read, reading on ({@code AUTO_READ}
 * is off) until it decides. Then it leaves the pipeline and tells its {@link Listener} once: a
 * win hands over every byte read; a loss, a failure or an end of input before a decision
 * releases them.
 */
final class AnswerReader extends ChannelInboundHandlerAdapter {

    /** Told once how the attempt's answer ended. */
    interface Listener {
        /** The flight judged the answer; on {@link Verdict#WIN} the listener owns {@code answer}. */
        void decided(Verdict verdict, ByteBuf answer);

        /** The attempt failed or closed before a decision. */
        void failed(Throwable cause);
    }

    private final FirstFlight flight;
    private final Listener listener;
    private CompositeByteBuf answer;
    private boolean over;

    private AnswerReader(FirstFlight flight, Listener listener) {
        this.flight = flight;
        this.listener = listener;
    }

    /**
     * Sends {@code flight} on {@code ch} (a retained duplicate of its bytes) and reads its
     * answer with a reader reporting to {@code listener}; a failed write is reported as the
     * attempt's failure.
     */
    static void fly(io.netty.channel.Channel ch, FirstFlight flight, Listener listener) {
        ch.pipeline().addLast(new AnswerReader(flight, listener));
        ch.writeAndFlush(flight.bytes().retainedDuplicate()).addListener(w -> {
            if (!w.isSuccess()) {
                ch.pipeline().fireExceptionCaught(w.cause());
            }
        });
        ch.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (over || !(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (answer == null) {
            answer = ctx.alloc().compositeBuffer(16);
        }
        answer.addComponent(true, buf);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (over) {
            return;
        }
        Verdict v = answer == null ? Verdict.MORE : flight.judge(answer);
        if (v == Verdict.MORE) {
            ctx.read();
            return;
        }
        ByteBuf a = answer;
        answer = null;
        end(ctx);
        if (v == Verdict.LOSE) {
            a.release();
            listener.decided(v, null);
        } else {
            listener.decided(v, a);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            fail(ctx, new ClosedChannelException());
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, new ClosedChannelException());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (answer != null) {
            answer.release();
            answer = null;
        }
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (over) {
            return;
        }
        end(ctx);
        listener.failed(cause);
    }

    private void end(ChannelHandlerContext ctx) {
        over = true;
        if (ctx.pipeline().context(this) != null) {
            ctx.pipeline().remove(this);
        }
    }
}
