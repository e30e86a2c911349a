package org.haap.robe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The first flight after an ordinary establishment ({@code FlightAfterHandshake}, what
 * {@link Classic} does with 0-RTT on) against a {@link FakeConnector}: the flight goes only
 * once the handshake completed, on that one connection, without Fast Open; its answer decides.
 */
class FlightAfterHandshakeTest {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.0.1", 5124);

    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
    private final EventLoop loop = group.next();
    private final FakeConnector connector = new FakeConnector();
    private final WanPath a = FakeConnector.path("a", "10.1.0.1");
    private final WanState state = WanState.withDefaults(List.of(a));
    private final PathHistory history = new PathHistory(Duration.ofSeconds(30), () -> 0L);
    private final ByteBuf bytes = Unpooled.copiedBuffer("CONNECT+request", StandardCharsets.US_ASCII);
    private final FirstFlight flight = new TestFlight(bytes);

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        assertEquals(1, bytes.refCnt(), "every attempt's duplicate was released");
        bytes.release();
    }

    /** Starts a classic establishment with the flight; returns once its one connect is dialled. */
    private Future<Established> start() {
        Future<Established> f = new Classic(connector, state, history).establish(loop, AP, List.of(a), flight);
        await().until(() -> connector.dials().size() == 1);
        return f;
    }

    private EmbeddedChannel channel() {
        return connector.dial(FakeConnector.DEFAULT_ROUTE).channel();
    }

    /** Completes the handshake and waits for the flight on the channel. */
    private void handshakeAndFlight() {
        connector.dial(FakeConnector.DEFAULT_ROUTE).promise().setSuccess();
        await().until(() -> !channel().outboundMessages().isEmpty());
        ByteBuf written = channel().readOutbound();
        assertEquals("CONNECT+request", written.toString(StandardCharsets.US_ASCII));
        written.release();
    }

    private void answer(String text) {
        channel().writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    @Test
    void theFlightGoesAfterTheHandshakeAndAWinningAnswerIsHandedOver() throws Exception {
        Future<Established> f = start();
        assertFalse(connector.fastOpenUsed(), "an ordinary connect, no Fast Open");
        assertTrue(channel().outboundMessages().isEmpty(), "nothing is sent before the handshake completes");
        handshakeAndFlight();
        answer("W");                  // one byte: not decided yet
        assertFalse(f.isDone());
        answer("1");
        Established e = f.get(5, TimeUnit.SECONDS);
        assertSame(channel(), e.channel());
        assertEquals("W1", e.answer().toString(StandardCharsets.US_ASCII), "the answer is handed over");
        e.answer().release();
        assertEquals(List.of(Outcome.ESTABLISHED), e.attempts().stream().map(Attempt::outcome).toList());
        assertTrue(e.channel().isOpen());
        assertTrue(e.channel().pipeline().names().stream().noneMatch(n -> n.contains("AnswerReader")),
                "the reader left the pipeline: " + e.channel().pipeline().names());
    }

    @Test
    void aLosingAnswerFailsTheEstablishmentAndAbortsTheConnection() {
        Future<Established> f = start();
        handshakeAndFlight();
        answer("Lx");                 // the AP acts on another connection with the same id
        ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        EstablishException ee = assertInstanceOf(EstablishException.class, ex.getCause());
        assertEquals(List.of(Outcome.ESTABLISHED), ee.attempts().stream().map(Attempt::outcome).toList(),
                "the one attempt did connect");
        await().until(() -> !channel().isOpen());
    }

    @Test
    void theConnectionClosedBeforeAnAnswerFailsIt() {
        Future<Established> f = start();
        handshakeAndFlight();
        answer("W");                  // undecided when the connection goes
        channel().pipeline().fireChannelInactive();
        ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertInstanceOf(ClosedChannelException.class, ex.getCause());
        await().until(() -> !channel().isOpen());
    }

    @Test
    void aFailedHandshakeFailsWithoutAFlight() {
        Future<Established> f = start();
        connector.dial(FakeConnector.DEFAULT_ROUTE).promise().setFailure(new IOException("Connection refused"));
        ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertInstanceOf(EstablishException.class, ex.getCause());
        assertNull(channel().readOutbound(), "no flight without a connection");
    }

    @Test
    void cancellingBeforeTheHandshakeClosesTheConnection() {
        Future<Established> before = start();
        before.cancel(false);
        await().until(() -> !channel().isOpen());
        assertNull(channel().readOutbound(), "cancelled before the handshake: no flight");
    }

    @Test
    void cancellingWhileWaitingForTheAnswerClosesTheConnection() {
        Future<Established> f = start();
        handshakeAndFlight();
        f.cancel(false);
        await().until(() -> !channel().isOpen());
    }
}
