package org.haap.core.convert;

import static org.haap.core.convert.ConvertTestVectors.CONNECT;
import static org.haap.core.convert.ConvertTestVectors.CONNECT_COOKIE;
import static org.haap.core.convert.ConvertTestVectors.GOLDEN;
import static org.haap.core.convert.ConvertTestVectors.concat;
import static org.haap.core.convert.ConvertTestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConvertMessageDecoderTest {

    private static final byte[] APP_DATA = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final ConvertMessage CONNECT_COOKIE_MESSAGE = GOLDEN.get("connectCookie").message();

    /** Every buffer handed to the channel; all must be released when a test ends. */
    private final List<ByteBuf> written = new ArrayList<>();
    private final Recorder recorder = new Recorder();

    @AfterEach
    void noLeaks() {
        for (ByteBuf buf : written) {
            assertEquals(0, buf.refCnt(), "leaked input buffer");
        }
    }

    @Test
    void messageThenTrailingDataInOneRead() {
        EmbeddedChannel channel = channel(new ConvertMessageDecoder());
        write(channel, concat(CONNECT_COOKIE, APP_DATA));

        assertEquals(List.of(CONNECT_COOKIE_MESSAGE), recorder.messages);
        assertArrayEquals(APP_DATA, recorder.bytes());
        assertNull(channel.pipeline().get(ConvertMessageDecoder.class), "decoder removed itself");
        assertTrue(recorder.exceptions.isEmpty());

        write(channel, hex("0102"));
        assertArrayEquals(concat(APP_DATA, hex("0102")), recorder.bytes(), "later reads pass through");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void messageAndTrailingDataSplitAtEveryByteComeOutInOrderExactlyOnce() {
        byte[] stream = concat(CONNECT_COOKIE, APP_DATA);
        for (int split = 0; split <= stream.length; split++) {
            Recorder rec = new Recorder();
            EmbeddedChannel channel = new EmbeddedChannel(new ConvertMessageDecoder(), rec);
            write(channel, Arrays.copyOfRange(stream, 0, split));
            write(channel, Arrays.copyOfRange(stream, split, stream.length));

            assertEquals(List.of(CONNECT_COOKIE_MESSAGE), rec.messages, "split " + split);
            assertArrayEquals(APP_DATA, rec.bytes(), "split " + split);
            assertTrue(rec.firstMessageBeforeBytes, "message before data, split " + split);
            assertFalse(channel.finishAndReleaseAll());
        }
    }

    @Test
    void byteByByte() {
        EmbeddedChannel channel = channel(new ConvertMessageDecoder());
        for (byte b : concat(CONNECT, APP_DATA)) {
            write(channel, new byte[] {b});
        }
        assertEquals(List.of(GOLDEN.get("connect").message()), recorder.messages);
        assertArrayEquals(APP_DATA, recorder.bytes());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void messageWithoutTrailingDataForwardsNoEmptyBuffer() {
        EmbeddedChannel channel = channel(new ConvertMessageDecoder());
        write(channel, ConvertTestVectors.SUCCESS);
        assertEquals(List.of(ConvertMessage.success()), recorder.messages);
        assertEquals(0, recorder.buffers, "no buffer forwarded");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void malformedInputFiresConvertExceptionAndDiscardsTheRest() {
        EmbeddedChannel channel = channel(new ConvertMessageDecoder());
        write(channel, hex("01 02 22 63 01 00 00 00 47 45 54"));
        write(channel, CONNECT);

        assertEquals(1, recorder.exceptions.size());
        ConvertException e = assertInstanceOf(ConvertException.class, recorder.exceptions.get(0));
        assertEquals(ConvertErrorCode.MALFORMED_MESSAGE, e.errorCode());
        assertTrue(recorder.messages.isEmpty());
        assertEquals(0, recorder.buffers, "nothing passed on after a failure");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void wrongVersionFailsAtTheFirstByte() {
        EmbeddedChannel channel = channel(new ConvertMessageDecoder());
        write(channel, hex("16"));  // e.g. a TLS record sent to the converter
        ConvertException e = assertInstanceOf(ConvertException.class, recorder.exceptions.get(0));
        assertEquals(ConvertErrorCode.UNSUPPORTED_VERSION, e.errorCode());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void unknownTlvIsUnsupportedMessage() {
        EmbeddedChannel channel = channel(new ConvertMessageDecoder());
        write(channel, hex("01 02 22 63 63 01 00 00"));
        ConvertException e = assertInstanceOf(ConvertException.class, recorder.exceptions.get(0));
        assertEquals(ConvertErrorCode.UNSUPPORTED_MESSAGE, e.errorCode());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void messageOverTheConfiguredLimitIsResourceExceeded() {
        EmbeddedChannel channel = channel(new ConvertMessageDecoder(24));
        write(channel, CONNECT_COOKIE);
        ConvertException e = assertInstanceOf(ConvertException.class, recorder.exceptions.get(0));
        assertEquals(ConvertErrorCode.RESOURCE_EXCEEDED, e.errorCode());
        assertFalse(channel.finishAndReleaseAll());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new ConvertMessageDecoder(1021));
        assertEquals("maxMessageBytes: 1021 (expected: 4..1020)", bad.getMessage());
    }

    @Test
    void inputEndingInsideTheMessageIsMalformed() {
        EmbeddedChannel channel = channel(new ConvertMessageDecoder());
        write(channel, Arrays.copyOf(CONNECT, 10));
        assertTrue(recorder.exceptions.isEmpty(), "waits for more");
        assertFalse(channel.finishAndReleaseAll());
        ConvertException e = assertInstanceOf(ConvertException.class, recorder.exceptions.get(0));
        assertEquals(ConvertErrorCode.MALFORMED_MESSAGE, e.errorCode());
        assertTrue(recorder.messages.isEmpty());
    }

    @Test
    void closingBeforeAnyByteIsNotAnError() {
        EmbeddedChannel channel = channel(new ConvertMessageDecoder());
        assertFalse(channel.finishAndReleaseAll());
        assertTrue(recorder.exceptions.isEmpty());
    }

    private EmbeddedChannel channel(ConvertMessageDecoder decoder) {
        return new EmbeddedChannel(decoder, recorder);
    }

    private void write(EmbeddedChannel channel, byte[] bytes) {
        ByteBuf buf = Unpooled.buffer(bytes.length).writeBytes(bytes);
        written.add(buf);
        channel.writeInbound(buf);
    }

    /** Records what reaches the end of the pipeline, releasing buffers after copying them. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<ConvertMessage> messages = new ArrayList<>();
        final List<Throwable> exceptions = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        int buffers;
        boolean firstMessageBeforeBytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ConvertMessage message) {
                    firstMessageBeforeBytes = messages.isEmpty() && buffers == 0;
                    messages.add(message);
                } else {
                    ByteBuf buf = (ByteBuf) msg;
                    assertNotNull(buf);
                    assertTrue(buf.isReadable(), "empty buffer forwarded");
                    buffers++;
                    byte[] bytes = new byte[buf.readableBytes()];
                    buf.readBytes(bytes);
                    data.writeBytes(bytes);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
        }

        byte[] bytes() {
            return data.toByteArray();
        }
    }
}
