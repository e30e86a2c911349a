package org.haap.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ConvertMessageDecoder;
import org.haap.core.convert.ErrorTlv;

/**
 * Reads the aggregation point's reply to a Convert message on one channel: a
 * {@link ConvertMessageDecoder} and this handler, {@linkplain #install installed} on any
 * channel at any time (after the message was written on it, or on each of several candidate
 * connections that carried it in their SYN). It reports to its {@link Listener} exactly one
 * outcome, with the channel: refused (Error TLV), accepted (at the end of the read that
 * brought the success reply, the bytes that came with it given first), or failed (closed,
 * reset, undecodable, no reply within the {@linkplain #arm timeout}); then it ignores its
 * channel (and releases what it reads) until {@linkplain #cancel cancelled} or removed.
 * On accepting it leaves the pipeline. Confined to its channel's event loop.
 */
final class ConvertReplyReader extends ChannelInboundHandlerAdapter {

    /** How a reply did not come. */
    enum Failure {
        /** The AP shut its output before its reply. */
        CLOSED,
        /** The connection went inactive (reset or closed) before the hand-over. */
        RESET,
        /** An exception: an undecodable (malformed) reply or an I/O error. */
        ERROR,
        /** No reply within the timeout. */
        TIMEOUT
    }

    /** What became of the reply. Each method is called at most once in all, on the channel's event loop. */
    interface Listener {
        /** The AP answered with an Error TLV. */
        void refused(Channel ap, ConvertErrorCode code);

        /** Bytes that came after the success reply, before the hand-over (owned by the callee). */
        void data(Channel ap, ByteBuf buf);

        /**
         * The AP accepted; the reader has left the pipeline.
         *
         * @param inputShut whether the AP had already shut its output
         */
        void accepted(Channel ap, boolean inputShut);

        /**
         * No usable reply.
         *
         * @param accepted whether the success reply had come (a reset before the hand-over)
         * @param detail   the exception's message for {@link Failure#ERROR}, else empty
         */
        void failed(Channel ap, Failure failure, boolean accepted, String detail);
    }

    private final Listener listener;
    private Channel channel;
    private boolean accepted;
    private boolean inputShut;
    private boolean done;
    private ScheduledFuture<?> timer;

    private ConvertReplyReader(Listener listener) {
        this.listener = listener;
    }

    /** Adds a reply reader reporting to {@code listener} at the end of {@code ap}'s pipeline. */
    static ConvertReplyReader install(Channel ap, Listener listener) {
        ConvertReplyReader reader = new ConvertReplyReader(listener);
        reader.channel = ap;
        ap.pipeline().addLast(new ConvertMessageDecoder(), reader);
        return reader;
    }

    /** Fails the reply with {@link Failure#TIMEOUT} unless it comes within {@code timeout} from now. */
    void arm(Duration timeout) {
        if (done) {
            return;
        }
        timer = channel.eventLoop().schedule(() -> {
            if (!done) {
                end();
                listener.failed(channel, Failure.TIMEOUT, accepted, "");
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether the outcome was reported, or the reader cancelled. */
    boolean done() {
        return done;
    }

    /** Reports nothing more (the session ended or gave this channel up). */
    void cancel() {
        end();
    }

    private void end() {
        done = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ConvertMessage reply) {
            Optional<ErrorTlv> error = reply.errorTlv();
            if (error.isPresent()) {
                end();
                listener.refused(ctx.channel(), error.get().code());
                return;
            }
            accepted = true;
            return;
        }
        if (msg instanceof ByteBuf buf && accepted) {
            listener.data(ctx.channel(), buf);
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (done) {
            return;
        }
        if (accepted) {
            end();
            ctx.pipeline().remove(this);
            listener.accepted(ctx.channel(), inputShut);
        } else {
            ctx.channel().read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof ChannelInputShutdownEvent)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (done) {
            return;
        }
        if (accepted) {
            inputShut = true;
            return;
        }
        end();
        listener.failed(ctx.channel(), Failure.CLOSED, false, "");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            end();
            listener.failed(ctx.channel(), Failure.RESET, accepted, "");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            end();
            listener.failed(ctx.channel(), Failure.ERROR, accepted, String.valueOf(cause.getMessage()));
        }
    }
}
