package org.haap.gateway.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.haap.ap.probe.ProbeAuthenticator;
import org.haap.config.CookiePolicy;
import org.junit.jupiter.api.Test;

/** The gateway's probe codec against the AP's authenticator (the two halves of one format). */
class ProbeCodecTest {

    private static final byte[] COOKIE = "fleet-secret".getBytes(StandardCharsets.UTF_8);

    private final ProbeCodec gateway = new ProbeCodec(ProbeCodec.key(COOKIE));

    @Test
    void probeLayoutIsAsDocumented() {
        ByteBuf b = Unpooled.buffer();
        gateway.writeProbe(b, 0x0102030405060708L, 0x1112131415161718L);
        assertEquals(ProbeCodec.LENGTH, b.readableBytes());
        assertEquals("48415042" + "01" + "01" + "0000" + "0102030405060708" + "1112131415161718",
                io.netty.buffer.ByteBufUtil.hexDump(b, 0, 24));
        b.release();
    }

    @Test
    void theApAnswersAndTheGatewayAcceptsTheReply() {
        ProbeAuthenticator ap = new ProbeAuthenticator(new CookiePolicy(true, List.of("fleet-secret")));
        ByteBuf probe = Unpooled.buffer();
        gateway.writeProbe(probe, 42, 7);
        ByteBuf reply = Unpooled.buffer();
        assertNull(ap.answer(probe, reply));
        assertEquals(42, gateway.readReply(reply));
        assertEquals(-1, gateway.readReply(probe), "a probe is not a reply");
        probe.release();
        reply.release();
    }

    @Test
    void noCookieOnBothSides() {
        ProbeCodec anonymous = new ProbeCodec(ProbeCodec.key(null));
        ProbeAuthenticator ap = new ProbeAuthenticator(new CookiePolicy(false, List.of()));
        ByteBuf probe = Unpooled.buffer();
        anonymous.writeProbe(probe, 3, 9);
        ByteBuf reply = Unpooled.buffer();
        assertNull(ap.answer(probe, reply));
        assertEquals(3, anonymous.readReply(reply));
        assertEquals(-1, gateway.readReply(reply), "a reply under another key");
        probe.release();
        reply.release();
    }

    @Test
    void theApRejectsAProbeUnderAnotherCookie() {
        ProbeAuthenticator ap = new ProbeAuthenticator(new CookiePolicy(true, List.of("other")));
        ByteBuf probe = Unpooled.buffer();
        gateway.writeProbe(probe, 1, 1);
        ByteBuf reply = Unpooled.buffer();
        assertEquals(ProbeAuthenticator.Rejection.AUTH, ap.answer(probe, reply));
        assertEquals(0, reply.readableBytes());
        probe.release();
        reply.release();
    }

    @Test
    void forgedOrDamagedRepliesAreRejected() {
        ByteBuf good = Unpooled.buffer();
        gateway.write(good, ProbeCodec.TYPE_REPLY, 5, 5);
        assertEquals(5, gateway.readReply(good));
        for (int i = 0; i < ProbeCodec.LENGTH; i++) {
            ByteBuf bad = good.copy();
            bad.setByte(i, bad.getByte(i) ^ 0x01);
            assertEquals(-1, gateway.readReply(bad), "bit flipped in byte " + i);
            bad.release();
        }
        assertEquals(-1, gateway.readReply(good.copy(0, 39)));
        ByteBuf longer = Unpooled.buffer().writeBytes(good.duplicate()).writeByte(0);
        assertEquals(-1, gateway.readReply(longer));
        longer.release();
        good.release();
    }
}
