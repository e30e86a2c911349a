package org.haap.deploy.demo.internal;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.haap.deploy.demo.StreamResult;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;

/**
 * The client side of one traffic connection (see {@link Request}): sends the header, then
 * uploads the pattern and checks the server's count and SHA-256, or reads the download's
 * frames and checks them against the end frame, or times a ping. Completes
 * {@code result} exactly once.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter {

    private final Pattern pattern;
    private final Request request;
    private final long startNanos;
    private final LongAdder downloadReceived;
    private final CompletableFuture<StreamResult> result;
    private final StreamDigest digest = new StreamDigest();
    private ByteBuf pending;
    private long firstByteNanos = -1;
    private long deadline;
    private boolean outputDone;
    private int frameRemaining;
    private boolean inTrailer;
    private byte[] sentHash;

    /**
     * @param startNanos {@link System#nanoTime()} when connect() was called
     * @param downloadReceived counts download bytes as they arrive (live goodput)
     */
    public ClientSession(Pattern pattern, Request request, long startNanos, LongAdder downloadReceived,
                         CompletableFuture<StreamResult> result) {
        this.pattern = pattern;
        this.request = request;
        this.startNanos = startNanos;
        this.downloadReceived = downloadReceived;
        this.result = result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        pending = ctx.alloc().heapBuffer(64);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ByteBuf header = ctx.alloc().buffer(Request.LENGTH);
        request.encode(header);
        ctx.writeAndFlush(header);
        if (request.mode() == Request.Mode.UPLOAD) {
            long durationNanos = TimeUnit.MILLISECONDS.toNanos(request.durationMs());
            deadline = request.durationMs() == 0 ? Long.MAX_VALUE : System.nanoTime() + durationNanos;
            if (request.durationMs() > 0) {
                ctx.executor().schedule(() -> send(ctx), durationNanos, TimeUnit.NANOSECONDS);
            }
            send(ctx);
        }
        ctx.fireChannelActive();
    }

    private void send(ChannelHandlerContext ctx) {
        if (outputDone || !ctx.channel().isActive()) {
            return;
        }
        long limit = request.byteLimit() == 0 ? Long.MAX_VALUE : request.byteLimit();
        while (!outputDone && ctx.channel().isWritable() && digest.bytes() < limit && System.nanoTime() < deadline) {
            ByteBuf data = pattern.slice(request.seed(), digest.bytes(), (int) Math.min(64 * 1024, limit - digest.bytes()));
            digest.update(data);
            ctx.writeAndFlush(data);
        }
        // A write above may have re-entered send() through a writability change: end once.
        if (!outputDone && (digest.bytes() >= limit || System.nanoTime() >= deadline)) {
            outputDone = true;
            sentHash = digest.finish();
            // Shutting the output down fails writes still queued: send the FIN after the last one.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (f.isSuccess()) {
                    ((DuplexChannel) ctx.channel()).shutdownOutput();
                }
            });
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (request.mode() == Request.Mode.UPLOAD) {
            send(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (firstByteNanos < 0 && buf.isReadable()) {
                firstByteNanos = System.nanoTime() - startNanos;
            }
            switch (request.mode()) {
                case PING -> {
                    complete(new StreamResult(0, true, firstByteNanos, null));
                    ctx.close();
                }
                case UPLOAD -> {
                    pending.writeBytes(buf);
                    if (pending.readableBytes() >= Request.DIGEST_REPLY_LENGTH) {
                        checkDigest(ctx, digest.bytes(), sentHash);
                    }
                }
                case DOWNLOAD -> readFrames(ctx, buf);
                default -> throw new IllegalStateException("mode " + request.mode());
            }
        } finally {
            buf.release();
        }
    }

    private void readFrames(ChannelHandlerContext ctx, ByteBuf buf) {
        while (buf.isReadable() && !result.isDone()) {
            if (frameRemaining > 0) {
                int n = Math.min(frameRemaining, buf.readableBytes());
                ByteBuf payload = buf.readSlice(n);
                digest.update(payload);
                downloadReceived.add(n);
                frameRemaining -= n;
            } else if (inTrailer) {
                pending.writeBytes(buf, Math.min(buf.readableBytes(), Request.DIGEST_REPLY_LENGTH - pending.readableBytes()));
                if (pending.readableBytes() == Request.DIGEST_REPLY_LENGTH) {
                    checkDigest(ctx, digest.bytes(), digest.finish());
                }
            } else {
                pending.writeBytes(buf, Math.min(buf.readableBytes(), 4 - pending.readableBytes()));
                if (pending.readableBytes() == 4) {
                    int len = pending.readInt();
                    pending.clear();
                    if (len == 0) {
                        inTrailer = true;
                    } else {
                        frameRemaining = len;
                    }
                }
            }
        }
    }

    private void checkDigest(ChannelHandlerContext ctx, long ownCount, byte[] ownHash) {
        long count = pending.readLong();
        byte[] hash = new byte[32];
        pending.readBytes(hash);
        boolean intact = count == ownCount && Arrays.equals(hash, ownHash);
        complete(new StreamResult(ownCount, intact, firstByteNanos,
                intact ? null : "data mismatch: " + ownCount + " bytes here, " + count + " at the peer"));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        complete(StreamResult.failed(digest.bytes(), firstByteNanos,
                "connection closed before the transfer was complete"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        complete(StreamResult.failed(digest.bytes(), firstByteNanos, String.valueOf(cause.getMessage())));
        ctx.close();
    }

    private void complete(StreamResult r) {
        result.complete(r);
    }
}
