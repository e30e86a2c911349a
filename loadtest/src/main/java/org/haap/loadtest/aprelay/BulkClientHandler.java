package org.haap.loadtest.aprelay;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertException;
import org.haap.core.convert.ConvertMessage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * The client side of one bulk connection. On connect it sends the RFC 8803 Connect for the
 * server (relay mode only) and the transfer command in one write; {@link #ready} completes
 * when the AP's Convert reply has arrived (at once without the AP). Uploads run between
 * {@link #startSending} and {@link #stopSending}, which shuts the output down once the data
 * is written (the caller counts acknowledged bytes). Downloads are counted in
 * {@link #received}. Methods not named as thread-safe run on the channel's loop.
 */
final class BulkClientHandler extends ChannelInboundHandlerAdapter {

    /** Size of the buffer written again and again. */
    static final int CHUNK_BYTES = 128 * 1024;
    /** Outbound buffer water marks of bulk connections (both ends). */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    private final InetSocketAddress convertTarget;
    private final Transfer transfer;
    private final ByteBuf chunk;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private ByteBuf inbound;
    private boolean replied;
    private boolean sending;
    private volatile long received;

    /**
     * @param convertTarget the server for the Convert message, or null to talk to it directly
     * @param chunk         the data to send (retained duplicates are written; not released here)
     */
    BulkClientHandler(InetSocketAddress convertTarget, Transfer transfer, ByteBuf chunk) {
        this.convertTarget = convertTarget;
        this.transfer = transfer;
        this.chunk = chunk;
        this.replied = convertTarget == null;
    }

    /** A chunk of non-trivial bytes for senders; the caller releases it. */
    static ByteBuf newChunk() {
        ByteBuf b = Unpooled.directBuffer(CHUNK_BYTES);
        for (int i = 0; i < CHUNK_BYTES; i++) {
            b.writeByte((i * 31 + (i >>> 8)) & 0xff);
        }
        return b;
    }

    /** Completes when data may flow (thread-safe). */
    CompletableFuture<Void> ready() {
        return ready;
    }

    /** Payload bytes received so far (thread-safe). */
    long received() {
        return received;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ByteBuf first = ctx.alloc().buffer(64);
        if (convertTarget != null) {
            ConvertCodec.encode(ConvertMessage.connect(convertTarget), first);
        } else {
            ready.complete(null);
        }
        first.writeByte(transfer.command());
        ctx.writeAndFlush(first);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (!replied) {
            if (inbound == null) {
                inbound = ctx.alloc().buffer();
            }
            inbound.writeBytes(buf);
            buf.release();
            ConvertMessage reply;
            try {
                reply = ConvertCodec.decode(inbound);
            } catch (ConvertException e) {
                fail(ctx, new IllegalStateException("bad Convert reply from the AP: " + e.getMessage(), e));
                return;
            }
            if (reply == null) {
                return;
            }
            if (reply.errorTlv().isPresent()) {
                fail(ctx, new IllegalStateException("the AP refused the Connect: " + reply.errorTlv().get()));
                return;
            }
            replied = true;
            ready.complete(null);
            buf = inbound;
            inbound = null;
        }
        try {
            onPayload(buf);
        } finally {
            ReferenceCountUtil.release(buf);
        }
    }

    private void onPayload(ByteBuf buf) {
        if (transfer == Transfer.DOWNLOAD) {
            received += buf.readableBytes();
        }
    }

    /** Starts writing bulk data (upload); call on the channel's event loop. */
    void startSending(ChannelHandlerContext ctx) {
        sending = true;
        fill(ctx);
    }

    /** Stops writing and shuts the output down once written; call on the channel's event loop. */
    void stopSending(ChannelHandlerContext ctx) {
        sending = false;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (ctx.channel() instanceof EpollSocketChannel ch && ch.isActive()) {
                ch.shutdownOutput();
            }
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (sending && ctx.channel().isWritable()) {
            ctx.executor().execute(() -> fill(ctx));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sending = false;
        if (inbound != null) {
            inbound.release();
            inbound = null;
        }
        IllegalStateException closed = new IllegalStateException("connection closed by the peer");
        ready.completeExceptionally(closed);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        ready.completeExceptionally(cause);
        ctx.close();
    }

    private void fill(ChannelHandlerContext ctx) {
        if (!sending || !ctx.channel().isActive()) {
            return;
        }
        while (ctx.channel().isWritable()) {
            ctx.write(chunk.retainedDuplicate(), ctx.voidPromise());
        }
        ctx.flush();
    }
}
