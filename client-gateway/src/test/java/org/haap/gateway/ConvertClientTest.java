package org.haap.gateway;

import static org.haap.gateway.StageFixture.DESTINATION;
import static org.haap.gateway.StageFixture.ascii;
import static org.haap.gateway.StageFixture.nextOutbound;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertException;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.haap.gateway.GatewayMetrics.PoolFailure;
import org.haap.gateway.GatewayMetrics.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Convert client stage on EmbeddedChannels: what it sends, each kind of reply, the reply
 * timeout on a frozen clock, and when a pooled exchange may go again on a fresh connection.
 */
class ConvertClientTest {

    private static final byte[] COOKIE = "secret".getBytes(StandardCharsets.UTF_8);
    private static final Duration REPLY_TIMEOUT = Duration.ofMillis(500);

    private final StageFixture fx = new StageFixture();
    private final EmbeddedChannel lan = new EmbeddedChannel();
    private final EmbeddedChannel ap = new EmbeddedChannel();
    private final RelayHandover handover = new RelayHandover(lan, fx.record, fx.metrics, null);
    private final List<String> events = new ArrayList<>();
    private final List<ByteBuf> replays = new ArrayList<>();
    private boolean stopping;
    private final ConvertClient client = new ConvertClient(lan, handover, fx.record, fx.metrics, () -> stopping,
            REPLY_TIMEOUT, new ConvertClient.Listener() {
                @Override
                public void accepted(Channel channel, boolean apInputShut) {
                    events.add((channel == ap ? "" : "fresh ") + "accepted" + (apInputShut ? " input-shut" : ""));
                }

                @Override
                public void retry(CompositeByteBuf replay) {
                    replays.add(replay);
                    events.add("retry " + replay.toString(StandardCharsets.US_ASCII));
                }

                @Override
                public void failed(Result result, Termination termination) {
                    events.add(result + " " + termination);
                }
            });

    ConvertClientTest() {
        ap.freezeTime();
    }

    @AfterEach
    void release() {
        client.cancel();
        replays.forEach(ByteBuf::release);
        lan.finishAndReleaseAll();
        ap.finishAndReleaseAll();
    }

    private static ByteBuf reply(ConvertMessage m, String after) {
        return Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(ConvertCodec.encode(m)), ascii(after));
    }

    /** Decodes the Convert message the client wrote first on {@code ch}. */
    private static ConvertMessage sentMessage(EmbeddedChannel ch) throws ConvertException {
        ByteBuf b = ch.readOutbound();
        try {
            ConvertMessage m = ConvertCodec.decode(b);
            assertFalse(b.isReadable(), "the Convert message is a write of its own");
            return m;
        } finally {
            b.release();
        }
    }

    private double upstreamBytes() {
        return fx.counter("haap.gateway.relay.bytes", "direction", "upstream");
    }

    private static String failed(Result r, Side side, Reason reason) {
        return r + " " + new Termination(side, reason, Phase.CONNECT);
    }

    @Test
    void sendsConnectCookieAndEarlyBytesThenHandsOverOnSuccess() throws Exception {
        client.send(ap, DESTINATION, COOKIE, ascii("GET / HTTP/1.1\r\n"), 0, false);
        client.lanBytes(ascii("Host: x\r\n\r\n"));
        ConvertMessage sent = sentMessage(ap);
        assertEquals(DESTINATION, sent.connectTlv().orElseThrow().destination());
        byte[] cookie = sent.cookieTlv().orElseThrow().opaque();
        assertArrayEquals(COOKIE, Arrays.copyOf(cookie, COOKIE.length), "the Cookie TLV (padded)");
        assertEquals("GET / HTTP/1.1\r\n", nextOutbound(ap), "early bytes, once, right after Convert");
        assertEquals("Host: x\r\n\r\n", nextOutbound(ap), "then what the client sent meanwhile");
        assertNull(ap.readOutbound());
        assertEquals(27.0, upstreamBytes());

        ap.writeInbound(reply(ConvertMessage.success(), "HTTP/1.1 200 OK\r\n"));
        assertEquals(List.of("accepted"), events);
        assertEquals("HTTP/1.1 200 OK\r\n", nextOutbound(lan), "the bytes that came with the reply, flushed");
        assertNull(ap.pipeline().get(ConvertReplyReader.class), "the reader left the pipeline");
        assertTrue(fx.line().contains(" up=27 down=17 "), fx.line());
        ap.advanceTimeBy(1, TimeUnit.MINUTES);
        ap.runPendingTasks();
        assertEquals(List.of("accepted"), events, "no timeout after the reply");
    }

    @Test
    void anApThatShutItsOutputWithItsReplyIsHandedOverSo() {
        client.send(ap, DESTINATION, COOKIE, null, 0, false);
        ap.pipeline().fireChannelRead(reply(ConvertMessage.success(), ""));
        ap.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        ap.pipeline().fireChannelReadComplete();
        assertEquals(List.of("accepted input-shut"), events);
    }

    @Test
    void anErrorTlvFailsTheExchangeAndIsCounted() {
        client.send(ap, DESTINATION, COOKIE, ascii("GET"), 0, false);
        ap.writeInbound(reply(ConvertMessage.error(ConvertErrorCode.DESTINATION_UNREACHABLE), ""));
        assertEquals(List.of(failed(Result.CONVERT_ERROR, Side.SERVER, Reason.CONNECT_FAILED)), events);
        assertEquals("convert error destination_unreachable", fx.note());
        assertEquals(1.0, fx.counter("haap.gateway.convert.errors.received", "code", "destination_unreachable"));
    }

    @Test
    void aMalformedReplyIsAProtocolError() {
        client.send(ap, DESTINATION, COOKIE, null, 0, false);
        ap.writeInbound(ascii("HTTP/1.1 400 Bad Request\r\n\r\n"));
        assertEquals(List.of(failed(Result.AP_PROTOCOL_ERROR, Side.SERVER, Reason.PROTOCOL_ERROR)), events);
        assertTrue(fx.note().startsWith("aggregation point: "), fx.note());
    }

    @Test
    void noReplyWithinTheTimeoutIsAProtocolError() {
        client.send(ap, DESTINATION, COOKIE, null, 0, false);
        ap.advanceTimeBy(REPLY_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
        ap.runPendingTasks();
        assertEquals(List.of(), events);
        ap.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ap.runPendingTasks();
        assertEquals(List.of(failed(Result.AP_PROTOCOL_ERROR, Side.SERVER, Reason.TIMEOUT)), events);
        assertEquals("no Convert reply within 500 ms", fx.note());
    }

    @Test
    void theApShuttingItsOutputBeforeTheReplyIsAProtocolError() {
        client.send(ap, DESTINATION, COOKIE, null, 0, false);
        ap.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals(List.of(failed(Result.AP_PROTOCOL_ERROR, Side.SERVER, Reason.PROTOCOL_ERROR)), events);
        assertEquals("aggregation point closed before its Convert reply", fx.note());
    }

    @Test
    void theApClosingBeforeTheReplyIsItsReset() {
        client.send(ap, DESTINATION, COOKIE, null, 0, false);
        ap.close();
        assertEquals(List.of(failed(Result.AP_PROTOCOL_ERROR, Side.SERVER, Reason.RESET)), events);
        assertEquals("aggregation point closed before the relay started", fx.note());
        assertEquals(0.0, fx.metrics.poolFailures(PoolFailure.RESET), "not a pooled connection");
    }

    @Test
    void aPooledConnectionGoneBeforeAnythingWasWrittenHandsTheBytesOverOnce() {
        ap.close();
        client.send(ap, DESTINATION, null, ascii("GET /"), 0, true);
        assertEquals(List.of("retry GET /"), events);
        assertEquals(1.0, fx.metrics.poolFailures(PoolFailure.RETRIED));
        assertTrue(fx.note().endsWith("before anything was written on it, establishing afresh"), fx.note());
    }

    @Test
    void aPooledRefusalWorthAFreshConnectionSendsTheSameBytesOnceInOrder() throws Exception {
        client.send(ap, DESTINATION, null, ascii("GET /"), 0, true);
        client.lanBytes(ascii(" HTTP/1.1"));
        assertFalse(sentMessage(ap).cookieTlv().isPresent(), "a pooled Connect carries no Cookie");
        assertEquals("GET /", nextOutbound(ap));
        assertEquals(" HTTP/1.1", nextOutbound(ap));
        ap.writeInbound(reply(ConvertMessage.error(ConvertErrorCode.RESOURCE_EXCEEDED), ""));
        assertEquals(List.of("retry GET / HTTP/1.1"), events);
        assertFalse(ap.isOpen(), "the pooled connection is closed");
        assertEquals(1.0, fx.metrics.poolFailures(PoolFailure.RETRIED));
        assertEquals("pooled connection refused (resource_exceeded) before any upstream connect, establishing afresh",
                fx.note());
        assertEquals(14.0, upstreamBytes());

        // the session sends the copy on a fresh connection: the same bytes, in order, counted once
        EmbeddedChannel fresh = new EmbeddedChannel();
        try {
            CompositeByteBuf replay = (CompositeByteBuf) replays.remove(0);
            client.send(fresh, DESTINATION, COOKIE, replay, replay.readableBytes(), false);
            assertTrue(sentMessage(fresh).cookieTlv().isPresent());
            assertEquals("GET / HTTP/1.1", nextOutbound(fresh));
            assertEquals(14.0, upstreamBytes());
            fresh.writeInbound(reply(ConvertMessage.success(), ""));
            assertEquals("fresh accepted", events.get(events.size() - 1));
        } finally {
            fresh.finishAndReleaseAll();
        }
    }

    @Test
    void aPooledConnectionClosedAfterTheMessageWasWrittenIsNotRetried() {
        client.send(ap, DESTINATION, null, ascii("POST /pay"), 0, true);
        ap.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals(List.of(failed(Result.AP_PROTOCOL_ERROR, Side.SERVER, Reason.PROTOCOL_ERROR)), events);
        assertEquals(1.0, fx.metrics.poolFailures(PoolFailure.RESET));
        assertEquals(0.0, fx.metrics.poolFailures(PoolFailure.RETRIED));
        assertTrue(fx.note().startsWith("pooled connection closed after the Convert message was written"), fx.note());
    }

    @Test
    void aPooledRefusalAfterAnUpstreamConnectIsNotRetried() {
        client.send(ap, DESTINATION, null, ascii("GET"), 0, true);
        ap.writeInbound(reply(ConvertMessage.error(ConvertErrorCode.CONNECTION_RESET), ""));
        assertEquals(List.of(failed(Result.CONVERT_ERROR, Side.SERVER, Reason.CONNECT_FAILED)), events);
        assertEquals(0.0, fx.metrics.poolFailures(PoolFailure.RETRIED));
    }

    @Test
    void noRetryWhileTheGatewayStops() {
        stopping = true;
        client.send(ap, DESTINATION, null, ascii("GET"), 0, true);
        ap.writeInbound(reply(ConvertMessage.error(ConvertErrorCode.RESOURCE_EXCEEDED), ""));
        assertEquals(List.of(failed(Result.CONVERT_ERROR, Side.SERVER, Reason.CONNECT_FAILED)), events);
    }

    @Test
    void aFreshConnectionsRefusalIsNeverRetried() {
        client.send(ap, DESTINATION, COOKIE, ascii("GET"), 0, false);
        ap.writeInbound(reply(ConvertMessage.error(ConvertErrorCode.MISSING_COOKIE), ""));
        assertEquals(List.of(failed(Result.CONVERT_ERROR, Side.SERVER, Reason.CONNECT_FAILED)), events);
    }

    @Test
    void aZeroRttReplyAlreadyReadIsActedOnAndTheFlownBytesCountOnce() {
        client.answered(ap, reply(ConvertMessage.success(), "HTTP/1.1 200 OK\r\n"), 16, ascii("more"));
        assertEquals(List.of("accepted"), events);
        assertEquals("more", nextOutbound(ap), "LAN bytes read after the flight follow it on the winner");
        assertNull(ap.readOutbound(), "the flight itself is not sent again");
        assertEquals("HTTP/1.1 200 OK\r\n", nextOutbound(lan), "the bytes that came with the reply");
        assertEquals(20.0, upstreamBytes(), "16 in the SYN + 4 after it");
    }

    @Test
    void aZeroRttErrorReplyEndsTheSession() {
        client.answered(ap, reply(ConvertMessage.error(ConvertErrorCode.NOT_AUTHORIZED), ""), 3, null);
        assertEquals(List.of(failed(Result.CONVERT_ERROR, Side.SERVER, Reason.CONNECT_FAILED)), events);
    }

    @Test
    void aZeroRttAnswerCutShortIsReadOnUnderTheReplyTimeout() {
        ByteBuf whole = reply(ConvertMessage.success(), "");
        client.answered(ap, whole.readRetainedSlice(2), 0, null);
        assertEquals(List.of(), events);
        ap.writeInbound(whole);
        assertEquals(List.of("accepted"), events);
    }
}
