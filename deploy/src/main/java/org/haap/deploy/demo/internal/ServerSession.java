package org.haap.deploy.demo.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The server side of one traffic connection (see {@link Request}): reads the header, then
 * hashes an upload, streams a download or answers a ping. Needs
 * {@code ALLOW_HALF_CLOSURE} (an upload ends with the client's FIN).
 */
public final class ServerSession extends ChannelInboundHandlerAdapter {

    private static final int FRAME = 64 * 1024;

    private final Pattern pattern;
    private final LongAdder uploadReceived;
    private ByteBuf header;
    private Request request;
    private StreamDigest digest;
    private long deadline;
    private boolean finished;

    /**
     * @param pattern the byte pattern downloads send
     * @param uploadReceived counts upload bytes as they arrive (live goodput)
     */
    public ServerSession(Pattern pattern, LongAdder uploadReceived) {
        this.pattern = pattern;
        this.uploadReceived = uploadReceived;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        header = ctx.alloc().heapBuffer(Request.LENGTH, Request.LENGTH);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeader();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (request == null) {
                buf.readBytes(header, Math.min(buf.readableBytes(), header.writableBytes()));
                if (header.isWritable()) {
                    return;
                }
                try {
                    request = Request.decode(header);
                } catch (IllegalArgumentException e) {
                    ctx.close();
                    return;
                } finally {
                    releaseHeader();
                }
                start(ctx);
            }
            if (request.mode() == Request.Mode.UPLOAD && buf.isReadable()) {
                digest.update(buf);
                uploadReceived.add(buf.readableBytes());
            }
        } finally {
            buf.release();
        }
    }

    private void start(ChannelHandlerContext ctx) {
        digest = new StreamDigest();
        switch (request.mode()) {
            case UPLOAD -> { }
            case PING -> ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('p'));
            case DOWNLOAD -> {
                long durationNanos = TimeUnit.MILLISECONDS.toNanos(request.durationMs());
                deadline = request.durationMs() == 0 ? Long.MAX_VALUE : System.nanoTime() + durationNanos;
                if (request.durationMs() > 0) {
                    ctx.executor().schedule(() -> send(ctx), durationNanos, TimeUnit.NANOSECONDS);
                }
                send(ctx);
            }
            default -> throw new IllegalStateException("mode " + request.mode());
        }
    }

    private void send(ChannelHandlerContext ctx) {
        if (finished || !ctx.channel().isActive()) {
            return;
        }
        long limit = request.byteLimit() == 0 ? Long.MAX_VALUE : request.byteLimit();
        while (!finished && ctx.channel().isWritable() && digest.bytes() < limit && System.nanoTime() < deadline) {
            int len = (int) Math.min(FRAME, limit - digest.bytes());
            ByteBuf data = pattern.slice(request.seed(), digest.bytes(), len);
            digest.update(data);
            ctx.write(ctx.alloc().buffer(4).writeInt(data.readableBytes()));
            ctx.writeAndFlush(data);
        }
        // A write above may have re-entered send() through a writability change: end once.
        if (!finished && (digest.bytes() >= limit || System.nanoTime() >= deadline)) {
            finished = true;
            ByteBuf end = ctx.alloc().buffer(4 + Request.DIGEST_REPLY_LENGTH);
            end.writeInt(0).writeLong(digest.bytes()).writeBytes(digest.finish());
            ctx.writeAndFlush(end).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (request != null && request.mode() == Request.Mode.DOWNLOAD) {
            send(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (request != null && request.mode() == Request.Mode.UPLOAD && !finished) {
                finished = true;
                ByteBuf reply = ctx.alloc().buffer(Request.DIGEST_REPLY_LENGTH);
                reply.writeLong(digest.bytes()).writeBytes(digest.finish());
                ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
            } else if (request == null || request.mode() == Request.Mode.PING) {
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A client that resets its connection is expected (e.g. an aborted demo): just close.
        ctx.close();
    }

    private void releaseHeader() {
        if (header != null) {
            header.release();
            header = null;
        }
    }
}
