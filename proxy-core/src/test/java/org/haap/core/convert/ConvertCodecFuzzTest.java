package org.haap.core.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input, with a fixed seed: decoding must return a message, return null
 * (consuming nothing), or throw {@link ConvertException}; a decoded message must re-encode
 * to the bytes it consumed (with the ignored Zero/Unassigned fields zeroed).
 */
class ConvertCodecFuzzTest {

    private static final int ITERATIONS = 100_000;

    private final Random random = new Random(0x8803L);
    private final List<byte[]> corpus = new ArrayList<>();
    private int decoded;
    private int incomplete;
    private int rejected;

    @Test
    void randomAndMutatedInputOnlyDecodesOrFailsWithConvertException() {
        for (ConvertTestVectors.Golden golden : ConvertTestVectors.GOLDEN.values()) {
            corpus.add(golden.bytes());
        }
        corpus.add(ConvertCodec.encode(ConvertTestVectors.allTlvs()));
        for (int i = 0; i < 200; i++) {
            corpus.add(ConvertCodec.encode(randomMessage()));
        }
        for (int i = 0; i < ITERATIONS; i++) {
            check(nextInput(i % 6));
        }
        // Each outcome must actually be exercised, or the generator is too weak.
        assertTrue(decoded > 5_000, "decoded " + decoded);
        assertTrue(incomplete > 5_000, "incomplete " + incomplete);
        assertTrue(rejected > 5_000, "rejected " + rejected);
    }

    @Test
    void randomValidMessagesRoundTrip() throws ConvertException {
        for (int i = 0; i < 10_000; i++) {
            ConvertMessage message = randomMessage();
            byte[] bytes = ConvertCodec.encode(message);
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            try {
                assertEquals(message, ConvertCodec.decode(buf));
                assertEquals(bytes.length, buf.readerIndex());
            } finally {
                buf.release();
            }
        }
    }

    private byte[] nextInput(int kind) {
        switch (kind) {
            case 0: // pure noise
                return randomBytes(random.nextInt(48));
            case 1: { // noise behind a valid fixed header
                byte[] b = randomBytes(4 + 4 * random.nextInt(12));
                b[0] = 1;
                b[1] = (byte) (b.length / 4);
                b[2] = 0x22;
                b[3] = 0x63;
                return b;
            }
            case 2: { // bit flips
                byte[] b = pick().clone();
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    int bit = random.nextInt(b.length * 8);
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return b;
            }
            case 3: { // truncation
                byte[] b = pick();
                return Arrays.copyOf(b, random.nextInt(b.length + 1));
            }
            case 4: { // a length byte (message or TLV) changed
                byte[] b = pick().clone();
                int at = b.length > 4 && random.nextBoolean() ? tlvLengthIndex(b) : 1;
                b[at] = (byte) (random.nextBoolean() ? b[at] + random.nextInt(5) - 2 : random.nextInt(256));
                return b;
            }
            default: { // splice of two valid messages, sometimes with trailing data
                byte[] a = pick();
                byte[] c = pick();
                int cut = random.nextInt(a.length + 1);
                int from = random.nextInt(c.length + 1);
                byte[] b = ConvertTestVectors.concat(Arrays.copyOf(a, cut),
                        Arrays.copyOfRange(c, from, c.length), randomBytes(random.nextInt(8)));
                return b;
            }
        }
    }

    private void check(byte[] input) {
        ByteBuf buf = Unpooled.wrappedBuffer(input);
        try {
            check(input, buf);
        } finally {
            buf.release();
        }
    }

    private void check(byte[] input, ByteBuf buf) {
        ConvertMessage message;
        try {
            message = ConvertCodec.decode(buf);
        } catch (ConvertException e) {
            rejected++;
            assertEquals(0, buf.readerIndex(), "consumed on failure: " + ByteBufUtil.hexDump(input));
            return;
        } catch (Throwable t) {
            fail("unexpected " + t + " for input " + ByteBufUtil.hexDump(input), t);
            return;
        }
        if (message == null) {
            incomplete++;
            assertEquals(0, buf.readerIndex(), "consumed while incomplete: " + ByteBufUtil.hexDump(input));
            assertTrue(input.length < 4 || input.length < (input[1] & 0xff) * 4,
                    "null for a complete message: " + ByteBufUtil.hexDump(input));
            return;
        }
        decoded++;
        int length = (input[1] & 0xff) * 4;
        assertEquals(length, buf.readerIndex(), ByteBufUtil.hexDump(input));
        assertArrayEquals(ConvertTestVectors.canonical(Arrays.copyOf(input, length)), ConvertCodec.encode(message),
                "re-encoding of " + ByteBufUtil.hexDump(input));
    }

    private static int tlvLengthIndex(byte[] message) {
        // The length byte of the last TLV that starts inside the array (valid messages only).
        int last = 1;
        for (int offset = 4; offset + 1 < message.length && message[offset + 1] != 0;
                offset += (message[offset + 1] & 0xff) * 4) {
            last = offset + 1;
        }
        return last;
    }

    private ConvertMessage randomMessage() {
        List<ConvertTlv> tlvs = new ArrayList<>();
        for (int n = random.nextInt(4); n > 0; n--) {
            tlvs.add(randomTlv());
        }
        return new ConvertMessage(tlvs);
    }

    /** Up to three TCP options of any kind with a length, values of 0-6 bytes (the codec pads the field). */
    private byte[] randomOptions() {
        List<TcpOption> options = new ArrayList<>();
        for (int n = random.nextInt(4); n > 0; n--) {
            options.add(new TcpOption(2 + random.nextInt(254), randomBytes(random.nextInt(7))));
        }
        return TcpOption.encodeList(options);
    }

    private ConvertTlv randomTlv() {
        switch (random.nextInt(6)) {
            case 0:
                return new InfoTlv();
            case 1:
                return new ConnectTlv(randomAddress(), randomOptions());
            case 2:
                return new ExtendedTcpHeaderTlv(randomBytes(random.nextInt(24)));
            case 3: {
                List<Integer> kinds = new ArrayList<>();
                for (int n = random.nextInt(9); n > 0; n--) {
                    kinds.add(1 + random.nextInt(255));
                }
                return new SupportedTcpExtensionsTlv(kinds);
            }
            case 4:
                return new CookieTlv(randomBytes(random.nextInt(20)));
            default: {
                ConvertErrorCode[] codes = ConvertErrorCode.values();
                return new ErrorTlv(codes[random.nextInt(codes.length)], randomBytes(random.nextInt(6)));
            }
        }
    }

    private InetSocketAddress randomAddress() {
        try {
            byte[] address = randomBytes(random.nextBoolean() ? 4 : 16);
            return new InetSocketAddress(InetAddress.getByAddress(address), random.nextInt(65536));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] pick() {
        return corpus.get(random.nextInt(corpus.size()));
    }

    private byte[] randomBytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }
}
