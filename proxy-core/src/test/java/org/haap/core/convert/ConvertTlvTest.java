package org.haap.core.convert;

import static org.haap.core.convert.ConvertTestVectors.DESTINATION;
import static org.haap.core.convert.ConvertTestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ConvertTlvTest {

    @Test
    void arrayRecordsCompareByContentAndPrintHex() {
        assertEquals(new CookieTlv(hex("0102")), new CookieTlv(hex("01020000")));
        assertEquals(new CookieTlv(hex("0102")).hashCode(), new CookieTlv(hex("01020000")).hashCode());
        assertNotEquals(new CookieTlv(hex("0102")), new CookieTlv(hex("0103")));
        assertEquals("CookieTlv[opaque=01020000]", new CookieTlv(hex("0102")).toString());

        assertEquals(new ConnectTlv(DESTINATION, hex("0204")), new ConnectTlv(DESTINATION, hex("02040000")));
        assertNotEquals(new ConnectTlv(DESTINATION), new ConnectTlv(DESTINATION, hex("01")));
        assertTrue(new ConnectTlv(DESTINATION, hex("020405b4")).toString().contains("tcpOptions=020405b4"));

        assertEquals(new ExtendedTcpHeaderTlv(hex("aa")).hashCode(), new ExtendedTcpHeaderTlv(hex("aa000000")).hashCode());
        assertEquals("ExtendedTcpHeaderTlv[tcpHeader=aa000000]", new ExtendedTcpHeaderTlv(hex("aa")).toString());

        assertEquals(new ErrorTlv(ConvertErrorCode.NOT_AUTHORIZED), new ErrorTlv(ConvertErrorCode.NOT_AUTHORIZED, hex("00")));
        assertNotEquals(new ErrorTlv(ConvertErrorCode.NOT_AUTHORIZED), new ErrorTlv(ConvertErrorCode.NETWORK_FAILURE));
        assertEquals("ErrorTlv[code=DESTINATION_UNREACHABLE, value=03]",
                new ErrorTlv(ConvertErrorCode.DESTINATION_UNREACHABLE, hex("03")).toString());
    }

    @Test
    void recordsAreImmutable() {
        byte[] cookie = hex("01020304");
        CookieTlv tlv = new CookieTlv(cookie);
        cookie[0] = 9;
        tlv.opaque()[1] = 9;
        assertArrayEquals(hex("01020304"), tlv.opaque());

        List<ConvertTlv> tlvs = new ArrayList<>(List.of(new InfoTlv()));
        ConvertMessage message = new ConvertMessage(tlvs);
        tlvs.add(new InfoTlv());
        assertEquals(1, message.tlvs().size());
        assertThrows(UnsupportedOperationException.class, () -> message.tlvs().add(new InfoTlv()));
    }

    @Test
    void errorValuesArePaddedToFillTheTlv() {
        assertArrayEquals(hex("00"), new ErrorTlv(ConvertErrorCode.CONNECTION_RESET).value());
        assertArrayEquals(hex("0208000000"), new ErrorTlv(ConvertErrorCode.UNSUPPORTED_TCP_OPTION, hex("0208")).value());
        assertEquals(OptionalInt.of(3), new ErrorTlv(ConvertErrorCode.DESTINATION_UNREACHABLE, hex("03")).valueAsInt());
        assertEquals(OptionalInt.empty(), new ErrorTlv(ConvertErrorCode.UNSUPPORTED_TCP_OPTION, hex("0208")).valueAsInt());
        assertThrows(IllegalArgumentException.class,
                () -> ConvertMessage.error(ConvertErrorCode.DESTINATION_UNREACHABLE, 256));
    }

    @Test
    void accessorsReturnTheFirstTlvOfTheirType() {
        ConvertMessage message = new ConvertMessage(List.of(new CookieTlv(hex("01")), new ConnectTlv(DESTINATION),
                new CookieTlv(hex("02")), new ErrorTlv(ConvertErrorCode.NETWORK_FAILURE)));
        assertEquals(new CookieTlv(hex("01")), message.cookieTlv().orElseThrow());
        assertEquals(DESTINATION, message.connectTlv().orElseThrow().destination());
        assertEquals(ConvertErrorCode.NETWORK_FAILURE, message.errorTlv().orElseThrow().code());
        assertTrue(ConvertMessage.success().connectTlv().isEmpty());
        assertTrue(ConvertMessage.connect(DESTINATION).cookieTlv().isEmpty());
    }

    @Test
    void invalidArgumentsAreRejectedEagerly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConnectTlv(InetSocketAddress.createUnresolved("example.com", 80)));
        assertTrue(e.getMessage().startsWith("destination: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SupportedTcpExtensionsTlv(List.of(2, 0)));
        assertEquals("kinds: 0 (expected: 1..255)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SupportedTcpExtensionsTlv(List.of(256)));
        assertThrows(NullPointerException.class, () -> new ErrorTlv(null));
        assertThrows(NullPointerException.class, () -> new ConvertMessage(Arrays.asList((ConvertTlv) null)));
    }
}
