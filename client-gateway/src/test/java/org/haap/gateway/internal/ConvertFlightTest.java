package org.haap.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertException;
import org.haap.core.convert.ConvertMessage;
import org.haap.robe.FirstFlight.Verdict;
import org.junit.jupiter.api.Test;

class ConvertFlightTest {

    private static final InetSocketAddress DESTINATION = new InetSocketAddress(InetAddress.getLoopbackAddress(), 80);
    private static final byte[] COOKIE = "secret".getBytes(StandardCharsets.UTF_8);

    private static ConvertFlight flight(String client) {
        return ConvertFlight.of(ByteBufAllocator.DEFAULT, DESTINATION, COOKIE,
                Unpooled.copiedBuffer(client, StandardCharsets.US_ASCII));
    }

    @Test
    void connectCookieAndAFreshIdThenTheClientBytes() throws ConvertException {
        ConvertFlight a = flight("GET /");
        ConvertFlight b = flight("GET /");
        try {
            ByteBuf bytes = a.bytes().duplicate();
            ConvertMessage m = ConvertCodec.decode(bytes);
            assertEquals(DESTINATION, m.connectTlv().orElseThrow().destination());
            assertArrayEquals(COOKIE, Arrays.copyOf(m.cookieTlv().orElseThrow().opaque(), COOKIE.length));
            assertEquals("GET /", bytes.toString(StandardCharsets.US_ASCII));
            assertEquals(5, a.clientBytes());
            byte[] idA = m.attemptTlv().orElseThrow().id();
            byte[] idB = ConvertCodec.decode(b.bytes().duplicate()).attemptTlv().orElseThrow().id();
            assertFalse(Arrays.equals(idA, idB), "each LAN connection has its own id");
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void withoutClientBytesOnlyTheMessage() throws ConvertException {
        ConvertFlight f = flight("");
        try {
            assertEquals(0, f.clientBytes());
            ByteBuf bytes = f.bytes().duplicate();
            ConvertCodec.decode(bytes);
            assertFalse(bytes.isReadable());
        } finally {
            f.release();
        }
    }

    private static Verdict judge(byte[] answer) {
        ConvertFlight f = flight("x");
        try {
            ByteBuf b = Unpooled.wrappedBuffer(answer);
            int before = b.readerIndex();
            Verdict v = f.judge(b);
            assertEquals(before, b.readerIndex(), "the judge reads nothing away");
            return v;
        } finally {
            f.release();
        }
    }

    @Test
    void duplicateLosesAnythingElseCompleteWinsAPartialMessageReadsOn() {
        byte[] duplicate = ConvertCodec.encode(ConvertMessage.error(ConvertErrorCode.DUPLICATE_ATTEMPT));
        byte[] success = ConvertCodec.encode(ConvertMessage.success());
        byte[] refused = ConvertCodec.encode(ConvertMessage.error(ConvertErrorCode.NOT_AUTHORIZED));
        assertEquals(Verdict.LOSE, judge(duplicate));
        assertEquals(Verdict.LOSE, judge(ConvertCodec.encode(ConvertMessage.error(ConvertErrorCode.RESOURCE_EXCEEDED))),
                "a limit met by this attempt only");
        assertEquals(Verdict.WIN, judge(success));
        assertEquals(Verdict.WIN, judge(refused), "an error other than duplicate is the session's to act on");
        assertEquals(Verdict.MORE, judge(Arrays.copyOf(duplicate, 1)));
        assertEquals(Verdict.MORE, judge(Arrays.copyOf(duplicate, 5)));
        assertEquals(Verdict.WIN, judge("HTTP/1.1".getBytes(StandardCharsets.US_ASCII)), "garbage: the decoder says so");
        assertEquals(Verdict.WIN, judge(new byte[] {1, 0}), "length 0: malformed");
    }
}
