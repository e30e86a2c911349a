package org.haap.core.convert;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes the one Convert message at the start of a stream and steps aside: it fires the
 * {@link ConvertMessage}, then removes itself from the pipeline, upon which the bytes that
 * followed the message (application data) flow on unchanged as a {@link ByteBuf}, exactly
 * once, followed by later reads.
 *
 * <p>An invalid message fires {@code exceptionCaught} with the {@link ConvertException}
 * (whose error code is the one to reply with); the decoder then discards all input and
 * decodes nothing more. If the input ends (close or half-close) in the middle of the
 * message, it fires a {@link ConvertErrorCode#MALFORMED_MESSAGE} exception. Closing the
 * channel, replying and timeouts are left to the handlers around it.
 */
public final class ConvertMessageDecoder extends ByteToMessageDecoder {

    private final int maxMessageBytes;
    private boolean failed;

    /** Creates a decoder accepting messages of up to 1020 bytes (the protocol's maximum). */
    public ConvertMessageDecoder() {
        this(ConvertCodec.MAX_MESSAGE_BYTES);
    }

    /**
     * Creates a decoder accepting messages of up to {@code maxMessageBytes} (4-1020) bytes;
     * a longer one fails with {@link ConvertErrorCode#RESOURCE_EXCEEDED}.
     */
    public ConvertMessageDecoder(int maxMessageBytes) {
        ConvertCodec.checkMaxMessageBytes(maxMessageBytes);
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        ConvertMessage message;
        try {
            message = ConvertCodec.decode(in, maxMessageBytes);
        } catch (ConvertException e) {
            fail(ctx, in, e);
            return;
        }
        if (message != null) {
            out.add(message);
            // Removal is deferred until the message has been fired; ByteToMessageDecoder
            // then forwards what is left of its cumulation.
            ctx.pipeline().remove(this);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (!ctx.isRemoved() && !failed && out.isEmpty() && in.isReadable()) {
            fail(ctx, in, new ConvertException(ConvertErrorCode.MALFORMED_MESSAGE,
                    "convert: input ended after " + in.readableBytes() + " bytes of an incomplete message"));
        }
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, ConvertException cause) {
        failed = true;
        in.skipBytes(in.readableBytes());
        ctx.fireExceptionCaught(cause);
    }
}
