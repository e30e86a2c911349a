package org.haap.loadtest.aprelay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One bulk-server connection. The first byte is the command: {@code U} — count every
 * following byte until the client's FIN, then answer with the count (8 bytes, big-endian)
 * and close; {@code D} — send {@link BulkClientHandler#chunk}-sized data as fast as the
 * socket takes it until the client closes or shuts down its output.
 */
final class BulkServerHandler extends ChannelInboundHandlerAdapter {

    private final ByteBuf chunk;
    private Transfer transfer;
    private long received;
    private boolean sending;

    BulkServerHandler(ByteBuf chunk) {
        this.chunk = chunk;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (transfer == null && buf.isReadable()) {
                transfer = Transfer.ofCommand(buf.readByte());
                if (transfer == null) {
                    ctx.close();
                    return;
                }
                if (transfer == Transfer.DOWNLOAD) {
                    sending = true;
                    fill(ctx);
                }
            }
            received += buf.readableBytes();
        } finally {
            ReferenceCountUtil.release(buf);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (transfer == Transfer.UPLOAD) {
                ctx.writeAndFlush(ctx.alloc().buffer(8).writeLong(received))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                sending = false;
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (sending && ctx.channel().isWritable()) {
            ctx.executor().execute(() -> fill(ctx));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sending = false;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The client ends a download by closing: resets and broken pipes are the normal end.
        sending = false;
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
