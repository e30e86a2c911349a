package org.haap.core.convert;

import static org.haap.core.convert.ConvertTestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HAAP attempt TLV (194) and the duplicate-attempt error (192): golden bytes, round trip, strictness. */
class AttemptTlvTest {

    private static final byte[] ID = hex("00112233445566778899aabbccddeeff");
    /** Connect to 192.0.2.1:443, Cookie "abcd", attempt: the layout of docs/fast-open.md. */
    static final String FIRST_FLIGHT = "01 0d 22 63"
            + " 0a 05 01 bb 00000000 00000000 0000ffff c0000201"
            + " 16 02 00 00 61626364"
            + " c2 05 01 00 00112233445566778899aabbccddeeff";

    @Test
    void connectWithAttemptHasTheDocumentedBytes() throws ConvertException {
        ConvertMessage m = new ConvertMessage(List.of(
                new ConnectTlv(new InetSocketAddress("192.0.2.1", 443)),
                new CookieTlv("abcd".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                AttemptTlv.of(ID)));
        assertArrayEquals(hex(FIRST_FLIGHT), ConvertCodec.encode(m));
        ConvertMessage decoded = ConvertCodec.decode(Unpooled.wrappedBuffer(hex(FIRST_FLIGHT)));
        assertEquals(m, decoded);
        assertArrayEquals(ID, decoded.attemptTlv().orElseThrow().id());
    }

    @Test
    void duplicateAttemptErrorIsPrivateUseCode192() throws ConvertException {
        byte[] bytes = ConvertCodec.encode(ConvertMessage.error(ConvertErrorCode.DUPLICATE_ATTEMPT));
        assertArrayEquals(hex("01 02 22 63 1e 01 c0 00"), bytes);
        assertEquals(ConvertErrorCode.DUPLICATE_ATTEMPT,
                ConvertCodec.decode(Unpooled.wrappedBuffer(bytes)).errorTlv().orElseThrow().code());
    }

    @Test
    void flagsRoundTripAndTakePartInEquality() throws ConvertException {
        AttemptTlv flagged = new AttemptTlv(0x80, ID);
        ConvertMessage decoded = ConvertCodec.decode(Unpooled.wrappedBuffer(
                ConvertCodec.encode(new ConvertMessage(List.of(flagged)))));
        assertEquals(flagged, decoded.attemptTlv().orElseThrow());
        assertNotEquals(AttemptTlv.of(ID), flagged);
    }

    @Test
    void idIsCopiedAndChecked() {
        byte[] id = ID.clone();
        AttemptTlv a = AttemptTlv.of(id);
        id[0] = 9;
        assertEquals(0, a.id()[0]);
        assertThrows(IllegalArgumentException.class, () -> AttemptTlv.of(new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> new AttemptTlv(256, ID));
        assertThrows(NullPointerException.class, () -> AttemptTlv.of(null));
    }
}
