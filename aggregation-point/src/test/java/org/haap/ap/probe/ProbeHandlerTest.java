package org.haap.ap.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.haap.ap.probe.ProbeAuthenticator.Rejection;
import org.haap.config.CidrSet;
import org.haap.config.CookiePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The responder's handler on an EmbeddedChannel: what is answered, what is dropped and counted. */
class ProbeHandlerTest {

    private static final InetSocketAddress GATEWAY = new InetSocketAddress("192.0.2.7", 40000);
    private static final InetSocketAddress AP = new InetSocketAddress("192.0.2.1", 5124);
    private static final String COOKIE = "fleet-secret";

    private final AtomicLong clock = new AtomicLong();
    private final ProbeMetrics metrics = new ProbeMetrics(new SimpleMeterRegistry());
    private EmbeddedChannel channel;

    private EmbeddedChannel channel(CookiePolicy cookies, CidrSet allow, int perSecond) {
        channel = new EmbeddedChannel(new ProbeHandler(allow,
                new SourceRateLimiter(perSecond, 16, clock::get), new ProbeAuthenticator(cookies), metrics));
        return channel;
    }

    @AfterEach
    void finish() {
        if (channel != null) {
            assertFalse(channel.finishAndReleaseAll(), "nothing left unread");
        }
    }

    /** A probe as the gateway builds it (the format written out independently of the AP's code). */
    static ByteBuf probe(String cookie, long seq, long timestamp, Consumer<byte[]> tamper) throws Exception {
        byte[] b = new byte[40];
        ByteBuf h = Unpooled.wrappedBuffer(b).writerIndex(0);
        h.writeInt(0x48415042).writeByte(1).writeByte(1).writeShort(0).writeLong(seq).writeLong(timestamp);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(org.haap.core.probe.ProbeFormat.key(cookie == null ? null
                : cookie.getBytes(StandardCharsets.UTF_8)), "HmacSHA256"));
        mac.update(b, 0, 24);
        System.arraycopy(mac.doFinal(), 0, b, 24, 16);
        tamper.accept(b);
        return Unpooled.wrappedBuffer(b);
    }

    private void send(ByteBuf content) {
        channel.writeInbound(new DatagramPacket(content, AP, GATEWAY));
    }

    @Test
    void aGoodProbeIsAnsweredWithTheSameSequenceAndTimestampAsAReply() throws Exception {
        channel(new CookiePolicy(true, List.of("other", COOKIE)), CidrSet.of("192.0.2.0/24"), 20);
        send(probe(COOKIE, 77, 123456789L, b -> { }));
        DatagramPacket reply = channel.readOutbound();
        try {
            assertEquals(GATEWAY, reply.recipient());
            ByteBuf c = reply.content();
            assertEquals(40, c.readableBytes(), "a reply is never larger than the probe");
            assertEquals(0x48415042, c.getInt(0));
            assertEquals(2, c.getByte(5), "type reply");
            assertEquals(77, c.getLong(8));
            assertEquals(123456789L, c.getLong(16));
            ByteBuf expected = probe(COOKIE, 77, 123456789L, b -> { });
            assertFalse(io.netty.buffer.ByteBufUtil.equals(expected.slice(24, 16), c.slice(24, 16)), "the reply carries its own MAC, not the probe's");
            expected.release();
        } finally {
            reply.release();
        }
        assertEquals(1.0, metrics.answeredCount());
    }

    @Test
    void withoutRequiredCookieAProbeWithoutCookieIsAnswered() throws Exception {
        channel(new CookiePolicy(false, List.of()), CidrSet.of("0.0.0.0/0"), 20);
        send(probe(null, 1, 1, b -> { }));
        DatagramPacket reply = channel.readOutbound();
        assertEquals(1, reply.content().getLong(8));
        reply.release();
    }

    @Test
    void malformedDatagramsGetNoReplyAndAreCounted() throws Exception {
        channel(new CookiePolicy(false, List.of()), CidrSet.of("0.0.0.0/0"), 1000);
        send(Unpooled.wrappedBuffer(new byte[39]));
        send(Unpooled.wrappedBuffer(new byte[41]));
        send(Unpooled.EMPTY_BUFFER);
        send(probe(null, 1, 1, b -> b[0] = 'X'));    // magic
        send(probe(null, 1, 1, b -> b[4] = 2));      // version
        send(probe(null, 1, 1, b -> b[5] = 2));      // a reply sent to the AP
        send(probe(null, 1, 1, b -> b[7] = 1));      // reserved
        assertNull(channel.readOutbound());
        assertEquals(7.0, metrics.rejectedCount(Rejection.MALFORMED));
        assertEquals(0.0, metrics.answeredCount());
    }

    @Test
    void unauthenticatedProbesGetNoReplyAndAreCounted() throws Exception {
        channel(new CookiePolicy(true, List.of(COOKIE)), CidrSet.of("0.0.0.0/0"), 1000);
        send(probe(null, 1, 1, b -> { }));            // no cookie while one is required
        send(probe("guess", 2, 1, b -> { }));         // wrong cookie
        send(probe(COOKIE, 3, 1, b -> b[39] ^= 1));   // MAC tampered
        send(probe(COOKIE, 4, 1, b -> b[8] ^= 1));    // sequence tampered
        assertNull(channel.readOutbound());
        assertEquals(4.0, metrics.rejectedCount(Rejection.AUTH));
    }

    @Test
    void sourcesOutsideClientsAllowAreDropped() throws Exception {
        channel(new CookiePolicy(false, List.of()), CidrSet.of("198.51.100.0/24"), 20);
        send(probe(null, 1, 1, b -> { }));
        assertNull(channel.readOutbound());
        assertEquals(1.0, metrics.rejectedCount(Rejection.CLIENT));
    }

    @Test
    void perSourceRateIsLimited() throws Exception {
        channel(new CookiePolicy(false, List.of()), CidrSet.of("0.0.0.0/0"), 5);
        for (int i = 0; i < 8; i++) {
            send(probe(null, i, 1, b -> { }));
        }
        for (int i = 0; i < 5; i++) {
            ((DatagramPacket) channel.readOutbound()).release();
        }
        assertNull(channel.readOutbound());
        assertEquals(3.0, metrics.rejectedCount(Rejection.RATE));
        clock.addAndGet(200_000_000L); // 0.2 s: one more token at 5/s
        send(probe(null, 9, 1, b -> { }));
        send(probe(null, 10, 1, b -> { }));
        ((DatagramPacket) channel.readOutbound()).release();
        assertNull(channel.readOutbound());
        assertEquals(4.0, metrics.rejectedCount(Rejection.RATE));
        assertTrue(metrics.answeredCount() == 6.0);
    }

    @Test
    void junkFromAGatewaysAddressDoesNotSpendItsRate() throws Exception {
        channel(new CookiePolicy(true, List.of(COOKIE)), CidrSet.of("0.0.0.0/0"), 5);
        for (int i = 0; i < 100; i++) {
            send(probe("guess", i, 1, b -> { }));               // spoofed, wrong key
            send(probe(COOKIE, i, 1, b -> b[30] ^= 1));         // spoofed, MAC garbled
            send(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})); // not a probe at all
        }
        assertEquals(200.0, metrics.rejectedCount(Rejection.AUTH));
        assertEquals(100.0, metrics.rejectedCount(Rejection.MALFORMED));
        assertEquals(0.0, metrics.rejectedCount(Rejection.RATE), "junk is never charged to the source's rate");
        for (int i = 0; i < 5; i++) {
            send(probe(COOKIE, 1000 + i, 1, b -> { }));
            DatagramPacket reply = channel.readOutbound();
            assertEquals(1000 + i, reply.content().getLong(8), "every probe of the burst answered");
            reply.release();
        }
        assertNull(channel.readOutbound());
        assertEquals(5.0, metrics.answeredCount());
    }

    @Test
    void aSourceOverItsRateStillHasItsJunkCountedAsJunk() throws Exception {
        channel(new CookiePolicy(true, List.of(COOKIE)), CidrSet.of("0.0.0.0/0"), 1);
        send(probe(COOKIE, 1, 1, b -> { }));
        ((DatagramPacket) channel.readOutbound()).release();
        send(probe(COOKIE, 2, 1, b -> { }));
        send(probe("guess", 3, 1, b -> { }));
        assertNull(channel.readOutbound());
        assertEquals(1.0, metrics.rejectedCount(Rejection.RATE));
        assertEquals(1.0, metrics.rejectedCount(Rejection.AUTH), "the MAC is checked before the rate");
    }
}
