package org.haap.core.convert;

import static org.haap.core.convert.ConvertTestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TcpOptionTest {

    @Test
    void aListEncodesBackToBackAndParsesBack() throws ConvertException {
        List<TcpOption> options = List.of(new TcpOption(TcpOption.MSS, hex("05 b4")),
                TcpOption.of(TcpOption.SACK_PERMITTED), new TcpOption(TcpOption.WINDOW_SCALE, hex("07")));
        byte[] bytes = TcpOption.encodeList(options);
        assertArrayEquals(hex("02 04 05 b4 04 02 03 03 07"), bytes);
        assertEquals(options, TcpOption.parseList(WireBytes.padded(bytes, 0), 0));
    }

    @Test
    void kindsWithoutALengthAndOversizedValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TcpOption.of(0));
        assertThrows(IllegalArgumentException.class, () -> TcpOption.of(1));
        assertThrows(IllegalArgumentException.class, () -> TcpOption.of(256));
        assertThrows(IllegalArgumentException.class, () -> new TcpOption(254, new byte[254]));
        assertEquals(255, TcpOption.encodeList(List.of(new TcpOption(254, new byte[253]))).length);
    }

    @Test
    void valuesAreCopied() {
        byte[] value = hex("05 b4");
        TcpOption mss = new TcpOption(TcpOption.MSS, value);
        value[0] = 0;
        mss.value()[1] = 0;
        assertArrayEquals(hex("05 b4"), mss.value());
        assertEquals(new TcpOption(TcpOption.MSS, hex("05 b4")), mss);
    }

    /** RFC 8803 section 7.1: kinds 0 and 1 in a Connect TLV are ignored, wherever they are. */
    @Test
    void endOfOptionListAndNoOperationBytesAreSkipped() throws ConvertException {
        assertEquals(List.of(TcpOption.of(TcpOption.SACK_PERMITTED)), TcpOption.parseList(hex("04 02 00 00"), 0));
        assertEquals(List.of(), TcpOption.parseList(hex("00 00 00"), 0));
        assertEquals(List.of(), TcpOption.parseList(hex("00 00 00 00 00 00 00 00"), 0));
        assertEquals(List.of(TcpOption.of(TcpOption.SACK_PERMITTED), TcpOption.of(TcpOption.TIMESTAMPS)),
                TcpOption.parseList(hex("01 04 02 01 00 08 02 00"), 0));
    }

    @Test
    void aLengthBelowTwoOrPastTheFieldIsMalformedWithItsOffset() {
        ConvertException e = assertThrows(ConvertException.class, () -> TcpOption.parseList(hex("01 02 01 00"), 24));
        assertEquals(ConvertErrorCode.MALFORMED_MESSAGE, e.errorCode());
        assertEquals("convert: TCP option kind 2 at offset 25 has length 1 (expected: 2..3)", e.getMessage());
        e = assertThrows(ConvertException.class, () -> TcpOption.parseList(hex("00 1e 04 00"), 20));
        assertEquals("convert: TCP option kind 30 at offset 21 has length 4 (expected: 2..3)", e.getMessage());
    }
}
