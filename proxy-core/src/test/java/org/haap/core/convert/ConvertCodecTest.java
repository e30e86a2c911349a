package org.haap.core.convert;

import static org.haap.core.convert.ConvertTestVectors.CONNECT;
import static org.haap.core.convert.ConvertTestVectors.CONNECT_COOKIE;
import static org.haap.core.convert.ConvertTestVectors.DESTINATION;
import static org.haap.core.convert.ConvertTestVectors.ERROR;
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
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConvertCodecTest {

    private static final byte[] APP_DATA = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    static Stream<Arguments> golden() {
        return GOLDEN.entrySet().stream()
                .map(e -> Arguments.of(e.getKey(), e.getValue().bytes(), e.getValue().message()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void goldenVectorsEncode(String name, byte[] bytes, ConvertMessage message) {
        assertArrayEquals(bytes, ConvertCodec.encode(message));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void goldenVectorsDecode(String name, byte[] bytes, ConvertMessage message) throws ConvertException {
        assertEquals(message, decodeAll(bytes));
    }

    @Test
    void connectDecodesIpv4MappedToInet4Address() throws ConvertException {
        ConnectTlv connect = decodeAll(CONNECT).connectTlv().orElseThrow();
        assertInstanceOf(Inet4Address.class, connect.destination().getAddress());
        assertEquals(DESTINATION, connect.destination());
        assertEquals(0, connect.tcpOptions().length);
    }

    @Test
    void cookieIsPaddedOnTheWireAndMatchesItsUnpaddedForm() throws ConvertException {
        CookieTlv cookie = decodeAll(CONNECT_COOKIE).cookieTlv().orElseThrow();
        // The RFC's Cookie TLV is Type, Length, a 16-bit Zero field and the opaque value
        // padded to a word: "abc" travels as 61 62 63 00 and cannot be told from "abc\0".
        assertArrayEquals(hex("61 62 63 00"), cookie.opaque());
        assertTrue(cookie.matches("abc".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(cookie.matches("abd".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(cookie.matches("abcde".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void errorGoldenIsDestinationUnreachableWithIcmpCodeZero() throws ConvertException {
        // 1e 01 61 00: Type 30, Length 1 word, Error Code 97, Value 0 (the ICMP code echoed).
        ErrorTlv error = decodeAll(ERROR).errorTlv().orElseThrow();
        assertEquals(ConvertErrorCode.DESTINATION_UNREACHABLE, error.code());
        assertEquals(OptionalInt.of(0), error.valueAsInt());
        assertEquals(ConvertMessage.error(ConvertErrorCode.DESTINATION_UNREACHABLE, 0), decodeAll(ERROR));
        assertArrayEquals(hex("01 02 22 63 1e 01 61 03"),
                ConvertCodec.encode(ConvertMessage.error(ConvertErrorCode.DESTINATION_UNREACHABLE, 3)));
    }

    @Test
    void ipv6Connect() throws ConvertException {
        ConvertMessage message = ConvertMessage.connect(ConvertTestVectors.socketAddress("2001:db8::1", 443));
        byte[] bytes = ConvertCodec.encode(message);
        assertArrayEquals(hex("01 06 22 63 0a 05 01 bb 20010db8 00000000 00000000 00000001"), bytes);
        ConvertMessage decoded = decodeAll(bytes);
        assertEquals(message, decoded);
        assertInstanceOf(Inet6Address.class, decoded.connectTlv().orElseThrow().destination().getAddress());
    }

    @Test
    void everyTlvTypeRoundTrips() throws ConvertException {
        ConvertMessage message = ConvertTestVectors.allTlvs();
        byte[] bytes = ConvertCodec.encode(message);
        assertEquals(bytes.length / 4, bytes[1] & 0xff);
        ConvertMessage decoded = decodeAll(bytes);
        assertEquals(message, decoded);
        assertArrayEquals(bytes, ConvertCodec.encode(decoded));
    }

    @Test
    void tlvLayouts() {
        assertArrayEquals(hex("01 02 22 63 01 01 00 00"), encode(new InfoTlv()));
        assertArrayEquals(hex("01 04 22 63 15 03 00 00 02 1e 08 04 03 00 00 00"),
                encode(new SupportedTcpExtensionsTlv(List.of(2, 30, 8, 4, 3))));
        assertArrayEquals(hex("01 03 22 63 14 02 00 00 de ad be ef"),
                encode(new ExtendedTcpHeaderTlv(hex("de ad be ef"))));
        assertArrayEquals(hex("01 03 22 63 1e 02 21 02 08 00 00 00"),
                encode(new ErrorTlv(ConvertErrorCode.UNSUPPORTED_TCP_OPTION, hex("02 08"))));
        assertArrayEquals(hex("01 07 22 63 0a 06 1f 90 00000000 00000000 0000 ffff 7f000002 02 04 05 b4"),
                encode(new ConnectTlv(DESTINATION, hex("02 04 05 b4"))));
    }

    @ParameterizedTest
    @EnumSource(ConvertErrorCode.class)
    void everyErrorCodeRoundTrips(ConvertErrorCode code) throws ConvertException {
        assertEquals(code, ConvertErrorCode.fromCode(code.code()).orElseThrow());
        byte[] bytes = ConvertCodec.encode(ConvertMessage.error(code, 7));
        assertArrayEquals(hex("01 02 22 63 1e 01"), Arrays.copyOf(bytes, 6));
        assertEquals(code.code(), bytes[6] & 0xff);
        assertEquals(ConvertMessage.error(code, 7), decodeAll(bytes));
        assertEquals(ConvertMessage.error(code), decodeAll(ConvertCodec.encode(ConvertMessage.error(code))));
    }

    @Test
    void unassignedErrorCodesAreEmpty() {
        for (int code : new int[] {-1, 4, 31, 34, 66, 98, 255, 256}) {
            assertTrue(ConvertErrorCode.fromCode(code).isEmpty(), "code " + code);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void everySplitDecodesIdenticallyAndLeavesAppDataUnread(String name, byte[] bytes, ConvertMessage message)
            throws ConvertException {
        byte[] stream = concat(bytes, APP_DATA);
        for (int split = 0; split <= stream.length; split++) {
            ByteBuf buf = Unpooled.buffer();
            try {
                buf.writeBytes(stream, 0, split);
                ConvertMessage first = ConvertCodec.decode(buf);
                if (split < bytes.length) {
                    assertNull(first, "split " + split);
                    assertEquals(0, buf.readerIndex(), "nothing consumed at split " + split);
                    buf.writeBytes(stream, split, stream.length - split);
                    first = ConvertCodec.decode(buf);
                } else {
                    buf.writeBytes(stream, split, stream.length - split);
                }
                assertEquals(message, first, "split " + split);
                assertEquals(bytes.length, buf.readerIndex(), "split " + split);
                assertArrayEquals(APP_DATA, remaining(buf), "split " + split);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void byteByByteDecodesOnceComplete() throws ConvertException {
        ByteBuf buf = Unpooled.buffer();
        try {
            ConvertMessage decoded = null;
            for (int i = 0; i < CONNECT_COOKIE.length; i++) {
                assertNull(decoded, "decoded early, before byte " + i);
                buf.writeByte(CONNECT_COOKIE[i]);
                decoded = ConvertCodec.decode(buf);
            }
            assertEquals(GOLDEN.get("connectCookie").message(), decoded);
            assertFalse(buf.isReadable());
        } finally {
            buf.release();
        }
    }

    @Test
    void decodesFromNonZeroReaderIndex() throws ConvertException {
        ByteBuf buf = Unpooled.wrappedBuffer(concat(hex("ff ff ff"), ERROR, APP_DATA));
        buf.skipBytes(3);
        assertEquals(ConvertMessage.error(ConvertErrorCode.DESTINATION_UNREACHABLE), ConvertCodec.decode(buf));
        assertEquals(3 + ERROR.length, buf.readerIndex());
    }

    /** The Remote Peer IP Address of the Connect TLVs below: 127.0.0.2, IPv4-mapped. */
    private static final String ADDRESS = "00000000 00000000 0000 ffff 7f000002";

    @Test
    void connectOptionsDecodeAsAListWithPaddingIgnored() throws ConvertException {
        ConnectTlv connect = decodeAll(hex("01 0a 22 63 0a 09 1f 90 " + ADDRESS + " 02 04 04 b0 04 02 08 0a"
                + " 00000001 00000000")).connectTlv().orElseThrow();
        assertEquals(List.of(new TcpOption(TcpOption.MSS, hex("04 b0")), TcpOption.of(TcpOption.SACK_PERMITTED),
                new TcpOption(TcpOption.TIMESTAMPS, hex("00000001 00000000"))), connect.options());
        ConnectTlv padded = decodeAll(hex("01 07 22 63 0a 06 1f 90 " + ADDRESS + " 03 03 07 00"))
                .connectTlv().orElseThrow();
        assertEquals(List.of(new TcpOption(TcpOption.WINDOW_SCALE, hex("07"))), padded.options());
        assertEquals(List.of(), decodeAll(CONNECT).connectTlv().orElseThrow().options());
        // Section 7.1: No-Operation and End of Option List bytes are ignored, a whole word of them too.
        ConnectTlv nops = decodeAll(hex("01 08 22 63 0a 07 1f 90 " + ADDRESS + " 01 04 02 01 00 00 00 00"))
                .connectTlv().orElseThrow();
        assertEquals(List.of(TcpOption.of(TcpOption.SACK_PERMITTED)), nops.options());
    }

    @Test
    void connectOptionErrorsNameTheOffset() {
        ConvertException e = assertThrows(ConvertException.class, () -> ConvertCodec.decode(Unpooled.wrappedBuffer(
                hex("01 07 22 63 0a 06 1f 90 " + ADDRESS + " 04 02 08 01"))));
        assertEquals("convert: TCP option kind 8 at offset 26 has length 1 (expected: 2..2)", e.getMessage());
    }

    @Test
    void unsupportedTcpOptionsListsTheKindsPadded() throws ConvertException {
        byte[] bytes = ConvertCodec.encode(ConvertMessage.unsupportedTcpOptions(List.of(19, 28)));
        assertArrayEquals(hex("01 03 22 63 1e 02 21 13 1c 00 00 00"), bytes);
        assertArrayEquals(hex("01 02 22 63 1e 01 21 04"),
                ConvertCodec.encode(ConvertMessage.unsupportedTcpOptions(List.of(4))));
        assertEquals(ConvertErrorCode.UNSUPPORTED_TCP_OPTION, decodeAll(bytes).errorTlv().orElseThrow().code());
        assertThrows(IllegalArgumentException.class, () -> ConvertMessage.unsupportedTcpOptions(List.of()));
        assertThrows(IllegalArgumentException.class, () -> ConvertMessage.unsupportedTcpOptions(List.of(1)));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("version 2 at the first byte", "02", ConvertErrorCode.UNSUPPORTED_VERSION),
                Arguments.of("version 0", "00 01 22 63", ConvertErrorCode.UNSUPPORTED_VERSION),
                Arguments.of("total length 0", "01 00", ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("bad magic", "01 01 22 64", ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("bad magic before the body", "01 06 63 22", ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("TLV length 0", "01 02 22 63 01 00 00 00", ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("TLV overruns message", "01 02 22 63 16 02 00 00",
                        ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("second TLV overruns", "01 03 22 63 01 01 00 00 16 03 00 00",
                        ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("Connect of 4 words", "01 05 22 63 0a 04 1f 90 00000000 00000000 00000000",
                        ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("Info of 2 words", "01 03 22 63 01 02 00 00 00 00 00 00",
                        ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("Connect option past the TLV after a No-Operation", "01 07 22 63 0a 06 1f 90 "
                        + ADDRESS + " 01 02 04 05", ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("Connect option length 1", "01 07 22 63 0a 06 1f 90 " + ADDRESS + " 04 01 00 00",
                        ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("Connect option past the TLV", "01 07 22 63 0a 06 1f 90 " + ADDRESS + " 02 05 05 b4",
                        ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("Connect option past the TLV after zero padding", "01 07 22 63 0a 06 1f 90 " + ADDRESS
                        + " 04 02 00 1e", ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("kind 0 inside the list", "01 03 22 63 15 02 00 00 02 00 08 00",
                        ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("a whole word of kind padding", "01 03 22 63 15 02 00 00 00 00 00 00",
                        ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("reserved TLV type 0", "01 02 22 63 00 01 00 00", ConvertErrorCode.UNSUPPORTED_MESSAGE),
                Arguments.of("unassigned TLV type 99", "01 02 22 63 63 01 00 00",
                        ConvertErrorCode.UNSUPPORTED_MESSAGE),
                Arguments.of("private-use TLV type 195", "01 02 22 63 c3 01 00 00",
                        ConvertErrorCode.UNSUPPORTED_MESSAGE),
                Arguments.of("HAAP attempt of 1 word", "01 02 22 63 c2 01 01 00",
                        ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("HAAP attempt of version 2", "01 06 22 63 c2 05 02 00"
                        + " 00000000 00000000 00000000 00000000", ConvertErrorCode.UNSUPPORTED_MESSAGE),
                Arguments.of("HAAP pool hello of 1 word", "01 02 22 63 c0 01 00 00",
                        ConvertErrorCode.MALFORMED_MESSAGE),
                Arguments.of("unassigned error code 5", "01 02 22 63 1e 01 05 00",
                        ConvertErrorCode.UNSUPPORTED_MESSAGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputFailsWithRfcCodeAndConsumesNothing(String name, String hex, ConvertErrorCode expected) {
        ByteBuf buf = Unpooled.wrappedBuffer(hex(hex));
        ConvertException e = assertThrows(ConvertException.class, () -> ConvertCodec.decode(buf));
        assertEquals(expected, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith("convert: "), e.getMessage());
        assertEquals(0, buf.readerIndex());
    }

    @Test
    void errorMessagesNameValueAndExpectation() {
        ConvertException e = assertThrows(ConvertException.class,
                () -> ConvertCodec.decode(Unpooled.wrappedBuffer(hex("01 02 22 63 01 00 00 00"))));
        assertEquals("convert: TLV length 0 at offset 4 (expected: >= 1)", e.getMessage());
        e = assertThrows(ConvertException.class, () -> ConvertCodec.decode(Unpooled.wrappedBuffer(hex("07"))));
        assertEquals("convert: version 7 (expected: 1)", e.getMessage());
    }

    @Test
    void messageLongerThanLimitIsResourceExceeded() throws ConvertException {
        ConvertException e = assertThrows(ConvertException.class,
                () -> ConvertCodec.decode(Unpooled.wrappedBuffer(CONNECT), 20));
        assertEquals(ConvertErrorCode.RESOURCE_EXCEEDED, e.errorCode());
        assertNotNull(ConvertCodec.decode(Unpooled.wrappedBuffer(CONNECT), 24));
        assertThrows(IllegalArgumentException.class, () -> ConvertCodec.decode(Unpooled.buffer(), 1024));
    }

    @Test
    void zeroAndUnassignedFieldsAreIgnoredOnReceipt() throws ConvertException {
        ConvertMessage decoded = decodeAll(hex("01 05 22 63 01 01 ab cd 16 02 12 34 61 62 63 00 14 01 ff ff"));
        assertEquals(new ConvertMessage(List.of(new InfoTlv(), new CookieTlv(hex("61 62 63")),
                new ExtendedTcpHeaderTlv(null))), decoded);
    }

    @Test
    void largestMessageEncodesAndLongerIsRejected() throws ConvertException {
        // 4 (header) + 20 (Connect) + 4 (Cookie header) + 992 = 1020 bytes = 255 words.
        byte[] bytes = ConvertCodec.encode(ConvertMessage.connect(DESTINATION, new byte[992]));
        assertEquals(1020, bytes.length);
        assertEquals(255, bytes[1] & 0xff);
        assertEquals(ConvertMessage.connect(DESTINATION, new byte[992]), decodeAll(bytes));

        ByteBuf out = Unpooled.buffer();
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ConvertCodec.encode(ConvertMessage.connect(DESTINATION, new byte[993]), out));
            assertEquals("convert: message length 1024 bytes (expected: <= 1020)", e.getMessage());
            assertEquals(0, out.writerIndex(), "nothing written");
        } finally {
            out.release();
        }
    }

    private static byte[] encode(ConvertTlv tlv) {
        return ConvertCodec.encode(new ConvertMessage(List.of(tlv)));
    }

    /** Decodes {@code bytes}, which must be exactly one message. */
    private static ConvertMessage decodeAll(byte[] bytes) throws ConvertException {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            ConvertMessage message = ConvertCodec.decode(buf);
            assertNotNull(message);
            assertEquals(0, buf.readableBytes(), "consumed exactly the message");
            return message;
        } finally {
            buf.release();
        }
    }

    private static byte[] remaining(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }
}
