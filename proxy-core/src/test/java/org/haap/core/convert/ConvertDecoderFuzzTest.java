package org.haap.core.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.haap.core.testing.TrackingAllocator;

/**
 * Coverage-guided fuzzing (Jazzer) of the Convert decoder, both as the incremental
 * {@link ConvertCodec#decode(ByteBuf, int)} and as the {@link ConvertMessageDecoder}
 * pipeline stage fed the same bytes in fuzzed chunks. The codec's answer is the oracle
 * for the stage: a message (then exactly that message and the bytes after it, once, in
 * order), an incomplete message (nothing, or one Malformed error when the input ends), or
 * a {@link ConvertException} (the same error code, once, and nothing else). Any other
 * exception, a consumed byte on failure, a re-encoding that differs from the input, or a
 * buffer not released (every buffer comes from a {@link TrackingAllocator}) fails.
 *
 * <p>A plain {@code mvn verify} runs the seeds in {@code ConvertDecoderFuzzTestInputs}
 * (regression mode); {@code JAZZER_FUZZ=1} fuzzes, see proxy-core/README.md. The fixed-seed
 * random test {@link ConvertCodecFuzzTest} stays as a fast check that needs no agent.
 */
class ConvertDecoderFuzzTest {

    /** Bytes before the stream that say how to deliver it ({@link Input}). */
    static final int CONTROL_BYTES = 4;

    /** How the input ends after its last chunk. */
    enum End { NONE, INPUT_SHUTDOWN, CLOSE }

    /**
     * One fuzz input: byte 0 bits 0-1 the {@link End} (3 = none), bits 2-3 how many junk
     * bytes precede the reader index in the codec's buffer; byte 1 the decoder's
     * maxMessageBytes (0 = 1020, else 4 x the byte, at most 1020); bytes 2 and 3 the
     * lengths of alternating chunks (0 = the rest at once); then the stream.
     */
    record Input(End end, int junk, int maxMessageBytes, int chunkA, int chunkB, byte[] stream) {
        static Input parse(byte[] raw) {
            byte[] control = Arrays.copyOf(raw, CONTROL_BYTES);
            int c0 = control[0] & 0xff;
            int max = control[1] & 0xff;
            return new Input((c0 & 3) == 3 ? End.NONE : End.values()[c0 & 3], (c0 >> 2) & 3,
                    max == 0 ? ConvertCodec.MAX_MESSAGE_BYTES : Math.min(ConvertCodec.MAX_MESSAGE_BYTES, 4 * max),
                    control[2] & 0xff, control[3] & 0xff,
                    raw.length > CONTROL_BYTES ? Arrays.copyOfRange(raw, CONTROL_BYTES, raw.length) : new byte[0]);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void pipelineStageAgreesWithTheCodecOnAnyChunking(byte[] raw) {
        Input input = Input.parse(raw);
        Outcome expected = codec(input);
        TrackingAllocator alloc = new TrackingAllocator();
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.pipeline().addLast(new ConvertMessageDecoder(input.maxMessageBytes()), recorder);

        byte[] stream = input.stream();
        boolean odd = false;
        for (int at = 0; at < stream.length; odd = !odd) {
            int chunk = odd ? input.chunkB() : input.chunkA();
            int to = chunk == 0 ? stream.length : Math.min(stream.length, at + chunk);
            channel.writeInbound(alloc.copyOf(stream, at, to));
            at = to;
        }
        switch (input.end()) {
            case INPUT_SHUTDOWN -> channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            case CLOSE -> channel.close();
            case NONE -> { }
        }
        channel.checkException();
        try {
            check(input, expected, recorder, channel, ByteBufUtil.hexDump(raw));
        } finally {
            channel.finishAndReleaseAll(); // closes: an incomplete message still held fails now
            alloc.assertAllReleased();
        }
    }

    private static void check(Input input, Outcome expected, Recorder recorder, EmbeddedChannel channel,
                              String what) {
        byte[] stream = input.stream();
        if (expected.message() != null) {
            assertEquals(List.of(expected.message()), recorder.messages, what);
            assertTrue(recorder.exceptions.isEmpty(), () -> what + " " + recorder.exceptions);
            assertArrayEquals(Arrays.copyOfRange(stream, expected.length(), stream.length),
                    recorder.data.toByteArray(), "bytes after the message: " + what);
            assertTrue(recorder.messageFirst, "message before the bytes after it: " + what);
            assertNull(channel.pipeline().get(ConvertMessageDecoder.class), "decoder removed itself: " + what);
            return;
        }
        assertEquals(List.of(), recorder.messages, what);
        assertEquals(0, recorder.data.size(), "no bytes pass a decoder without a message: " + what);
        ConvertErrorCode code = expected.error() != null ? expected.error()
                : input.end() != End.NONE && stream.length > 0 ? ConvertErrorCode.MALFORMED_MESSAGE : null;
        if (code == null) {
            assertEquals(List.of(), recorder.exceptions, what);
        } else {
            assertEquals(1, recorder.exceptions.size(), () -> what + " " + recorder.exceptions);
            assertEquals(code, assertInstanceOf(ConvertException.class, recorder.exceptions.get(0)).errorCode(), what);
        }
    }

    /** What {@link ConvertCodec#decode(ByteBuf, int)} makes of the whole stream at once. */
    record Outcome(ConvertMessage message, int length, ConvertErrorCode error) {
    }

    /**
     * Decodes the whole stream with the codec, from a buffer whose reader index is past
     * {@code junk} bytes, checking the codec's own contract on the way.
     */
    private static Outcome codec(Input input) {
        byte[] stream = input.stream();
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf buf = alloc.buffer(input.junk() + stream.length);
        buf.writeZero(input.junk()).writeBytes(stream).readerIndex(input.junk());
        String what = ByteBufUtil.hexDump(stream);
        try {
            ConvertMessage message = ConvertCodec.decode(buf, input.maxMessageBytes());
            if (message == null) {
                assertEquals(input.junk(), buf.readerIndex(), "consumed while incomplete: " + what);
                assertTrue(stream.length < 4 || stream.length < (stream[1] & 0xff) * 4,
                        "null for a complete message: " + what);
                return new Outcome(null, 0, null);
            }
            int length = (stream[1] & 0xff) * 4;
            assertTrue(length <= input.maxMessageBytes(), what);
            assertEquals(input.junk() + length, buf.readerIndex(), "consumed: " + what);
            assertArrayEquals(ConvertTestVectors.canonical(Arrays.copyOf(stream, length)),
                    ConvertCodec.encode(message), "re-encoding: " + what);
            return new Outcome(message, length, null);
        } catch (ConvertException e) {
            assertEquals(input.junk(), buf.readerIndex(), "consumed on failure: " + what);
            return new Outcome(null, 0, e.errorCode());
        } finally {
            buf.release();
            alloc.assertAllReleased();
        }
    }

    /** Records what the decoder passes on and releases it. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<ConvertMessage> messages = new ArrayList<>();
        final List<Throwable> exceptions = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        boolean messageFirst;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ConvertMessage message) {
                    messageFirst = messages.isEmpty() && data.size() == 0;
                    messages.add(message);
                } else {
                    ByteBuf buf = (ByteBuf) msg;
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
    }
}
