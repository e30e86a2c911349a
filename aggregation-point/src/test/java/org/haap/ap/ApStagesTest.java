package org.haap.ap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.Errors;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.haap.ap.internal.TcpOptionSupport;
import org.haap.config.ApConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConnectTlv;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.convert.ConvertTlv;
import org.haap.core.convert.CookieTlv;
import org.haap.core.convert.InfoTlv;
import org.haap.core.convert.PoolHelloTlv;
import org.haap.core.convert.TcpOption;
import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AP session's stages before any upstream connect (admission, header, warm pool, drain)
 * on {@link EmbeddedChannel}s with a real {@link ApContext}: what each connection is answered,
 * which budget slot it holds, what is counted. The upstream connect and the relay need real
 * sockets: {@code AggregationPointIT}.
 */
class ApStagesTest {

    private static final byte[] COOKIE = "fleet".getBytes(StandardCharsets.UTF_8);
    private static final InetSocketAddress DENIED = new InetSocketAddress("127.0.0.1", 80);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private ApContext ap;

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    /**
     * A client connection from {@code address} that reports it as its remote address, and
     * becomes active only when told (so its clock can be frozen before the stages start).
     */
    private static final class Client extends EmbeddedChannel {
        private final InetSocketAddress remote;
        private boolean up;

        Client(InetSocketAddress remote) {
            super(false, false);
            this.remote = remote;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }

        @Override
        public boolean isActive() {
            return up && super.isActive();
        }

        void activate() {
            up = true;
            pipeline().fireChannelActive();
        }
    }

    private void start(String settings) {
        start(settings, new TcpOptionSupport(true, true, true));
    }

    private void start(String settings, TcpOptionSupport tcpOptions) {
        ApConfig config = HaapConfigLoader.aggregationPoint(ConfigFactory.parseString(
                "haap.aggregation-point { cookies = [fleet], clients.allow = [\"192.0.2.0/24\", \"2001:db8::/32\"], "
                        + settings + " }").withFallback(ConfigFactory.defaultReference()).resolve());
        ap = ApContext.create(config, new ApMetrics(registry), Set.of(),
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), tcpOptions);
    }

    private EmbeddedChannel connect(String address) throws Exception {
        Client ch = new Client(new InetSocketAddress(address, 40000 + channels.size()));
        channels.add(ch);
        ch.pipeline().addLast(new ApChannelInitializer(ap));
        ch.register();
        ch.freezeTime();
        ch.activate();
        return ch;
    }

    @AfterEach
    void closeAll() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
        if (ap != null) {
            assertEquals(0, ap.admission().size(), "every unauthenticated ticket returned");
            assertEquals(0, ap.limiter().total(), "every session slot returned");
            assertEquals(0, ap.pool().pooled(), "every pool slot returned");
        }
    }

    private double count(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }

    private double ended(String reason, String phase) {
        return registry.get("haap.ap.sessions.ended").tag("reason", reason).tag("phase", phase).counter().count();
    }

    private static byte[] reply(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        assertNotNull(out, "a reply");
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    private static byte[] error(ConvertErrorCode code) {
        return ConvertCodec.encode(ConvertMessage.error(code));
    }

    private static ByteBuf message(ConvertMessage m) {
        return Unpooled.wrappedBuffer(ConvertCodec.encode(m));
    }

    private static ByteBuf hello() {
        byte[] nonce = new byte[PoolHelloTlv.NONCE_BYTES];
        nonce[0] = (byte) System.nanoTime();
        nonce[1] = (byte) (System.nanoTime() >> 8);
        nonce[2] = (byte) (System.nanoTime() >> 16);
        return message(ConvertMessage.poolHello(PoolHelloTlv.sign(COOKIE, System.currentTimeMillis(), nonce)));
    }

    @Test
    void aClientOutsideTheAllowListIsNotAuthorizedAndHoldsNothing() throws Exception {
        start("");
        EmbeddedChannel ch = connect("198.51.100.7");
        assertArrayEquals(error(ConvertErrorCode.NOT_AUTHORIZED), reply(ch));
        assertFalse(ch.isOpen());
        assertEquals(1, count("haap.ap.rejected", "reason", "auth"));
        assertEquals(0, ap.admission().size());
    }

    @Test
    void unauthenticatedConnectionsAreCountedPerIpv6Slash64() throws Exception {
        start("limits { max-unauthenticated-per-client = 2 }");
        EmbeddedChannel a = connect("2001:db8:1:1::1");
        EmbeddedChannel b = connect("2001:db8:1:1::2");
        EmbeddedChannel c = connect("2001:db8:1:1:ffff::3");
        assertNull(a.readOutbound());
        assertNull(b.readOutbound());
        assertArrayEquals(error(ConvertErrorCode.RESOURCE_EXCEEDED), reply(c), "third of one /64");
        assertFalse(c.isOpen());
        EmbeddedChannel other = connect("2001:db8:1:2::1");
        assertTrue(other.isOpen(), "another /64 is another client");
        assertEquals(3, ap.admission().size());
        assertEquals(1, count("haap.ap.rejected", "reason", "unauthenticated_limit"));
        assertEquals(0, ap.limiter().total(), "no session slot before a valid header");
    }

    @Test
    void aFullUnauthenticatedBudgetResetsTheOldestForTheNewest() throws Exception {
        start("limits { max-unauthenticated = 2 }");
        EmbeddedChannel oldest = connect("192.0.2.1");
        connect("192.0.2.2");
        EmbeddedChannel newest = connect("192.0.2.3");
        oldest.runPendingTasks();
        assertFalse(oldest.isOpen(), "evicted");
        assertNull(oldest.readOutbound(), "with a reset, no reply");
        assertTrue(newest.isOpen());
        assertEquals(1, count("haap.ap.rejected", "reason", "unauthenticated_evicted"));
        assertEquals(1, ended("limit", "header"));
    }

    @Test
    void aDeniedDestinationIsRefusedBeforeTakingASessionSlot() throws Exception {
        start("");
        EmbeddedChannel ch = connect("192.0.2.1");
        ch.writeInbound(message(ConvertMessage.connect(DENIED, COOKIE)));
        assertArrayEquals(error(ConvertErrorCode.NOT_AUTHORIZED), reply(ch));
        assertFalse(ch.isOpen());
        assertEquals(1, count("haap.ap.rejected", "reason", "destination"));
        assertEquals(0, ap.limiter().total());
    }

    @Test
    void anAllowRuleWithAPortAllowsOnlyThatPortAndAnEmbeddedDeniedAddressStaysDenied() throws Exception {
        start("destinations.allow = [\"203.0.113.0/24:443\", \"64:ff9b::/96\"]");
        for (InetSocketAddress denied : List.of(new InetSocketAddress("203.0.113.5", 80),
                new InetSocketAddress("64:ff9b::a9fe:a9fe", 80), new InetSocketAddress("64:ff9b::7f00:1", 443))) {
            EmbeddedChannel ch = connect("192.0.2.1");
            ch.writeInbound(message(ConvertMessage.connect(denied, COOKIE)));
            assertArrayEquals(error(ConvertErrorCode.NOT_AUTHORIZED), reply(ch), denied::toString);
            assertFalse(ch.isOpen());
        }
        assertEquals(3, count("haap.ap.rejected", "reason", "destination"));
        assertEquals(0, registry.get("haap.ap.upstream.connect.attempts").counter().count());
        assertEquals(0, ap.limiter().total());
    }

    /** Allowed below (loopback, port 9): a refusal that failed would connect to nothing off the machine. */
    private static final String LOOPBACK_ALLOWED = "destinations.allow = [\"127.0.0.0/8\"]";

    private static ByteBuf connectWith(int port, byte[] options, ConvertTlv... more) {
        List<ConvertTlv> tlvs = new ArrayList<>(List.of(more));
        tlvs.add(new ConnectTlv(new InetSocketAddress("127.0.0.1", port), options));
        tlvs.add(new CookieTlv(COOKIE));
        return message(new ConvertMessage(tlvs));
    }

    private double upstreamAttempts() {
        return registry.get("haap.ap.upstream.connect.attempts").counter().count();
    }

    /** Refused in the header phase: closed, counted once under {@code reason} and {@code code}, no connect, no slot. */
    private void assertRefusedBeforeConnect(EmbeddedChannel ch, String reason, String code) {
        assertFalse(ch.isOpen());
        assertEquals(1, count("haap.ap.rejected", "reason", reason));
        assertEquals(1, count("haap.ap.convert.errors.sent", "code", code));
        assertEquals(0, upstreamAttempts());
        assertEquals(0, ap.limiter().total());
    }

    /** RFC 8803 section 6.2.3: an authorized client's Info TLV gets the Supported TCP Extensions TLV, then a close. */
    @Test
    void anInfoTlvIsAnsweredWithTheSupportedExtensionsOnceTheCookieIsAccepted() throws Exception {
        start("", new TcpOptionSupport(true, false, true));
        EmbeddedChannel ch = connect("192.0.2.1");
        ch.writeInbound(message(new ConvertMessage(List.of(new InfoTlv(), new CookieTlv(COOKIE)))));
        // Supported TCP Extensions: type 21, 2 words, timestamps, MPTCP; no SACK (off), never window scale.
        assertEquals("0103226315020000081e0000", ByteBufUtil.hexDump(reply(ch)));
        assertFalse(ch.isOpen());
        assertEquals(1, ended("completed", "header"));
        assertEquals(0, upstreamAttempts());

        EmbeddedChannel noCookie = connect("192.0.2.2");
        noCookie.writeInbound(message(new ConvertMessage(List.of(new InfoTlv()))));
        assertArrayEquals(error(ConvertErrorCode.MISSING_COOKIE), reply(noCookie), "authorized clients only");
    }

    @Test
    void aConverterWithoutMptcpOrKernelOptionsAnnouncesAnEmptyListAndAPooledClientNeedsNoCookie() throws Exception {
        start("", new TcpOptionSupport(false, false, false));
        EmbeddedChannel pooled = connect("192.0.2.1");
        pooled.writeInbound(hello());
        reply(pooled);
        pooled.writeInbound(message(new ConvertMessage(List.of(new InfoTlv()))));
        assertEquals("0102226315010000", ByteBufUtil.hexDump(reply(pooled)));
        assertFalse(pooled.isOpen());
    }

    /** Port 0 names no service: Error 1 before the cookie, the policy or any upstream connect. */
    @Test
    void aConnectToPortZeroIsMalformed() throws Exception {
        start(LOOPBACK_ALLOWED);
        EmbeddedChannel ch = connect("192.0.2.1");
        ch.writeInbound(connectWith(0, null));
        assertArrayEquals(error(ConvertErrorCode.MALFORMED_MESSAGE), reply(ch));
        assertRefusedBeforeConnect(ch, "malformed", "malformed_message");

        EmbeddedChannel noCookie = connect("192.0.2.2");
        noCookie.writeInbound(message(ConvertMessage.connect(new InetSocketAddress("127.0.0.1", 0))));
        assertArrayEquals(error(ConvertErrorCode.MALFORMED_MESSAGE), reply(noCookie), "checked before the cookie");
    }

    /** The order of docs/convert.md: the destination policy answers before the options are judged. */
    @Test
    void aDeniedDestinationIsRefusedAsSuchWhateverItsOptions() throws Exception {
        start("");
        EmbeddedChannel ch = connect("192.0.2.1");
        ch.writeInbound(connectWith(9, TcpOption.encodeList(List.of(new TcpOption(19, new byte[16])))));
        assertArrayEquals(error(ConvertErrorCode.NOT_AUTHORIZED), reply(ch));
        assertRefusedBeforeConnect(ch, "destination", "not_authorized");
    }

    /**
     * RFC 8803 sections 6.2.5 and 6.2.8: options the AP cannot put in its SYN are refused with
     * Error 33 listing their kinds once each; MSS, Window Scale and SACK are ignored (sections
     * 7.1 to 7.3), SACK Permitted refused here because the namespace has it off.
     */
    @Test
    void optionsTheApCannotUseGetError33ListingTheirKinds() throws Exception {
        start(LOOPBACK_ALLOWED, new TcpOptionSupport(true, false, true));
        EmbeddedChannel ch = connect("192.0.2.1");
        byte[] options = TcpOption.encodeList(List.of(new TcpOption(TcpOption.MSS, new byte[] {4, (byte) 0xb0}),
                new TcpOption(TcpOption.WINDOW_SCALE, new byte[] {7}), new TcpOption(5, new byte[8]),
                TcpOption.of(TcpOption.SACK_PERMITTED), new TcpOption(19, new byte[16]),
                TcpOption.of(TcpOption.TIMESTAMPS), new TcpOption(28, new byte[] {0, 10}),
                new TcpOption(19, new byte[16])));
        ch.writeInbound(connectWith(9, options));
        assertEquals("010322631e022104131c0000", ByteBufUtil.hexDump(reply(ch)));
        assertRefusedBeforeConnect(ch, "tcp_option", "unsupported_tcp_option");
        assertEquals(1, ended("protocol_error", "header"));
    }

    @Test
    void aPooledConnectionsOptionsAreJudgedAlike() throws Exception {
        start(LOOPBACK_ALLOWED, new TcpOptionSupport(true, true, true));
        EmbeddedChannel ch = connect("192.0.2.1");
        ch.writeInbound(hello());
        reply(ch);
        ch.writeInbound(message(new ConvertMessage(List.of(new ConnectTlv(new InetSocketAddress("127.0.0.1", 9),
                TcpOption.encodeList(List.of(TcpOption.of(TcpOption.MPTCP))))))));
        assertArrayEquals(ConvertCodec.encode(ConvertMessage.unsupportedTcpOptions(List.of(TcpOption.MPTCP))),
                reply(ch), "MPTCP towards the server: not a service the AP offers");
        assertEquals(0, upstreamAttempts());
    }

    @Test
    void cookiesConfiguredMeanCookieRequired() throws Exception {
        start("");
        EmbeddedChannel none = connect("192.0.2.1");
        none.writeInbound(message(ConvertMessage.connect(DENIED)));
        assertArrayEquals(error(ConvertErrorCode.MISSING_COOKIE), reply(none));
        EmbeddedChannel wrong = connect("192.0.2.1");
        wrong.writeInbound(message(ConvertMessage.connect(DENIED, "other".getBytes(StandardCharsets.UTF_8))));
        assertArrayEquals(error(ConvertErrorCode.NOT_AUTHORIZED), reply(wrong));
        assertEquals(1, count("haap.ap.rejected", "reason", "missing_cookie"));
        assertEquals(1, count("haap.ap.rejected", "reason", "auth"));
    }

    @Test
    void aSilentConnectionEndsAtTheHeaderTimeout() throws Exception {
        start("timeouts.header = 2s");
        EmbeddedChannel ch = connect("192.0.2.1");
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        ch.advanceTimeBy(1999, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(1, count("haap.ap.rejected", "reason", "header_timeout"));
        assertEquals(1, ended("timeout", "header"));
    }

    @Test
    void aConnectionClosedBeforeAnyByteIsAbandoned() throws Exception {
        start("");
        EmbeddedChannel ch = connect("192.0.2.1");
        ch.close();
        assertEquals(1, registry.get("haap.ap.sessions.abandoned").counter().count());
        assertEquals(0, ap.metrics().activeSessions());
    }

    @Test
    void aPoolHelloAuthenticatesAndTakesASessionSlotTheNextOneOverTheLimitIsRefused() throws Exception {
        start("limits { max-sessions = 1 }");
        EmbeddedChannel pooled = connect("192.0.2.1");
        pooled.writeInbound(hello());
        assertEquals(ConvertMessage.poolAck(120_000), ConvertCodec.decode(Unpooled.wrappedBuffer(reply(pooled)), 1020));
        assertTrue(pooled.isOpen());
        assertEquals(1, ap.limiter().total());
        assertEquals(1, ap.pool().pooled());
        assertEquals(0, ap.admission().size(), "authenticated: no longer unauthenticated");

        EmbeddedChannel second = connect("192.0.2.2");
        second.writeInbound(hello());
        assertArrayEquals(error(ConvertErrorCode.RESOURCE_EXCEEDED), reply(second));
        assertEquals(1, ap.pool().pooled(), "the refused hello's pool slot is returned");
    }

    @Test
    void aMalformedMessageOnAPooledConnectionIsAHeaderPhaseRefusal() throws Exception {
        start("");
        EmbeddedChannel ch = connect("192.0.2.1");
        ch.writeInbound(hello());
        reply(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {9, 1, 0, 0}));
        assertArrayEquals(error(ConvertErrorCode.UNSUPPORTED_VERSION), reply(ch));
        assertFalse(ch.isOpen());
        assertEquals(1, ended("protocol_error", "header"));
    }

    @Test
    void aPooledConnectionIsJudgedAsAFreshOneButMayOmitItsCookie() throws Exception {
        start("");
        EmbeddedChannel ch = connect("192.0.2.1");
        ch.writeInbound(hello());
        reply(ch);
        ch.writeInbound(message(ConvertMessage.connect(DENIED)));
        assertArrayEquals(error(ConvertErrorCode.NOT_AUTHORIZED), reply(ch), "no cookie needed, destination denied");
        assertEquals(1, count("haap.ap.rejected", "reason", "destination"));
        assertEquals(1, registry.get("haap.ap.pool.used").counter().count());
    }

    @Test
    void drainClosesPooledAndHeaderPhaseConnectionsAndAdmitsNoNewSession() throws Exception {
        start("");
        EmbeddedChannel pooled = connect("192.0.2.1");
        pooled.writeInbound(hello());
        reply(pooled);
        EmbeddedChannel header = connect("192.0.2.2");
        header.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2}));
        EmbeddedChannel late = connect("192.0.2.3");

        ap.draining().set(true);
        for (EmbeddedChannel ch : List.of(pooled, header)) {
            ch.attr(ApSession.KEY).get().drainStart();
            ch.runPendingTasks();
            assertFalse(ch.isOpen());
        }
        assertEquals(1, count("haap.ap.pool.closed", "reason", "drain"));
        assertEquals(1, ended("shutdown", "header"));

        late.writeInbound(message(ConvertMessage.connect(DENIED, COOKIE)));
        assertFalse(late.isOpen(), "a header that arrives during the drain starts no session");
        assertNull(late.readOutbound());
        assertEquals(0, ap.limiter().total());
    }

    /**
     * A client's failure in the header phase ends the session as a reset only when its errno
     * says so (ECONNRESET); an I/O error whose text merely mentions a reset is an I/O error.
     */
    @Test
    void aClientFailureIsAResetByItsErrnoNotItsMessage() throws Exception {
        Prerequisites.requireEpoll(); // Netty's Errors needs the native transport
        start("");
        EmbeddedChannel reset = connect("192.0.2.1");
        reset.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        reset.pipeline().fireExceptionCaught(
                Errors.newConnectionResetException("syscall:read", Errors.ERRNO_ECONNRESET_NEGATIVE));
        assertFalse(reset.isOpen());
        assertEquals(1, ended("reset", "header"));

        EmbeddedChannel other = connect("192.0.2.2");
        other.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        other.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertFalse(other.isOpen());
        assertEquals(1, ended("io_error", "header"));
        assertEquals(1, ended("reset", "header"));
    }
}
