package org.haap.core.convert;

import static org.haap.core.convert.ConvertTestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The HAAP warm-pool TLVs (192 hello, 193 ack): golden bytes, round trip, mac, strictness. */
class PoolTlvTest {

    private static final byte[] KEY = "gw-cookie-1".getBytes(StandardCharsets.UTF_8);
    private static final long TIMESTAMP = 1_700_000_000_000L;
    private static final byte[] NONCE = hex("000102030405060708090a0b0c0d0e0f");
    /** Computed independently (Python hmac) from the layout in docs/warm-pool.md. */
    static final String HELLO_MESSAGE = "01 10 22 63"
            + " c0 0f 01 00 0000018bcfe56800 000102030405060708090a0b0c0d0e0f"
            + " fb2a09025e02687c5c403388c4ca8a4d3d5de8a544b79d5a2f813c8fa79a4034";
    static final String ACK_MESSAGE = "01 03 22 63 c1 02 01 00 0001d4c0";

    @Test
    void helloHasTheDocumentedGoldenBytes() throws ConvertException {
        ConvertMessage hello = ConvertMessage.poolHello(PoolHelloTlv.sign(KEY, TIMESTAMP, NONCE));
        assertArrayEquals(hex(HELLO_MESSAGE), ConvertCodec.encode(hello));
        assertEquals(hello, ConvertCodec.decode(Unpooled.wrappedBuffer(hex(HELLO_MESSAGE))));
    }

    @Test
    void ackHasTheDocumentedGoldenBytes() throws ConvertException {
        ConvertMessage ack = ConvertMessage.poolAck(120_000);
        assertArrayEquals(hex(ACK_MESSAGE), ConvertCodec.encode(ack));
        ConvertMessage decoded = ConvertCodec.decode(Unpooled.wrappedBuffer(hex(ACK_MESSAGE)));
        assertEquals(120_000, decoded.poolAckTlv().orElseThrow().idleTimeoutMillis());
        assertTrue(decoded.connectTlv().isEmpty());
    }

    @Test
    void macVerifiesOnlyWithTheSameKeyAndUnchangedFields() {
        PoolHelloTlv hello = PoolHelloTlv.sign(KEY, TIMESTAMP, NONCE);
        assertTrue(hello.verifies(KEY));
        assertFalse(hello.verifies("gw-cookie-2".getBytes(StandardCharsets.UTF_8)));
        assertFalse(hello.verifies(new byte[0]));
        assertFalse(hello.verifies(null));
        assertFalse(new PoolHelloTlv(0, TIMESTAMP + 1, NONCE, hello.mac()).verifies(KEY), "timestamp covered");
        byte[] nonce = NONCE.clone();
        nonce[15] ^= 1;
        assertFalse(new PoolHelloTlv(0, TIMESTAMP, nonce, hello.mac()).verifies(KEY), "nonce covered");
        assertFalse(new PoolHelloTlv(1, TIMESTAMP, NONCE, hello.mac()).verifies(KEY), "flags covered");
    }

    @Test
    void maxUnsignedIdleTimeoutRoundTrips() throws ConvertException {
        byte[] bytes = ConvertCodec.encode(ConvertMessage.poolAck(0xffff_ffffL));
        assertEquals(0xffff_ffffL, ConvertCodec.decode(Unpooled.wrappedBuffer(bytes))
                .poolAckTlv().orElseThrow().idleTimeoutMillis());
        assertThrows(IllegalArgumentException.class, () -> new PoolAckTlv(-1));
        assertThrows(IllegalArgumentException.class, () -> new PoolAckTlv(1L << 32));
    }

    @Test
    void wrongLengthIsMalformedWrongVersionUnsupported() {
        assertCode(ConvertErrorCode.MALFORMED_MESSAGE, "01 02 22 63 c0 01 01 00");
        assertCode(ConvertErrorCode.MALFORMED_MESSAGE, "01 02 22 63 c1 01 01 00");
        assertCode(ConvertErrorCode.UNSUPPORTED_MESSAGE, "01 03 22 63 c1 02 02 00 00000001");
        String hello2 = HELLO_MESSAGE.replaceFirst("c0 0f 01 00", "c0 0f 02 00");
        assertCode(ConvertErrorCode.UNSUPPORTED_MESSAGE, hello2);
        assertCode(ConvertErrorCode.UNSUPPORTED_MESSAGE, "01 02 22 63 c3 01 00 00");
        assertCode(ConvertErrorCode.UNSUPPORTED_MESSAGE, "01 02 22 63 ff 01 00 00");
    }

    @Test
    void constructorsValidate() {
        assertThrows(IllegalArgumentException.class, () -> new PoolHelloTlv(0, 0, new byte[15], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> new PoolHelloTlv(0, 0, new byte[16], new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> new PoolHelloTlv(256, 0, new byte[16], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> PoolHelloTlv.sign(new byte[0], 0, NONCE));
    }

    private static void assertCode(ConvertErrorCode expected, String hex) {
        ByteBuf buf = Unpooled.wrappedBuffer(hex(hex));
        ConvertException e = assertThrows(ConvertException.class, () -> ConvertCodec.decode(buf));
        assertEquals(expected, e.errorCode(), e.getMessage());
        assertEquals(0, buf.readerIndex());
    }
}
