package org.haap.robe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** 0-RTT races ({@link FirstFlight}) against a {@link FakeConnector}: who wins, who is aborted, what fails. */
class FirstFlightRaceTest {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.0.1", 5124);

    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
    private final EventLoop loop = group.next();
    private final FakeConnector connector = new FakeConnector();
    private final WanPath a = FakeConnector.path("a", "10.1.0.1");
    private final WanPath b = FakeConnector.path("b", "10.2.0.1");
    private final WanState state = WanState.withDefaults(List.of(a, b));
    private final PathHistory history = new PathHistory(Duration.ofSeconds(30), () -> 0L);
    private final ByteBuf bytes = Unpooled.copiedBuffer("CONNECT+request", StandardCharsets.US_ASCII);
    private final FirstFlight flight = new TestFlight(bytes);

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        bytes.release();
    }

    /** Connects both attempts and waits until each has written the flight. */
    private Future<Established> raceBothConnected() {
        Future<Established> f = new RobeSim(connector, state, history).establish(loop, AP, List.of(a, b), flight);
        await().until(() -> connector.dials().size() == 2);
        assertTrue(connector.fastOpenUsed(), "attempts are Fast Open connects");
        connector.dial("a").promise().setSuccess();
        connector.dial("b").promise().setSuccess();
        for (String name : List.of("a", "b")) {
            EmbeddedChannel ch = connector.dial(name).channel();
            await().until(() -> !ch.outboundMessages().isEmpty());
            ByteBuf written = ch.readOutbound();
            assertEquals("CONNECT+request", written.toString(StandardCharsets.US_ASCII), "the flight on " + name);
            written.release();
        }
        return f;
    }

    private void answer(String name, String text) {
        EmbeddedChannel ch = connector.dial(name).channel();
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    @Test
    void theFirstAnswerJudgedAWinWinsNotTheFirstHandshake() throws Exception {
        Future<Established> f = raceBothConnected();
        answer("b", "L");             // one byte: not decided yet
        answer("b", "x");             // "Lx": b lost (the AP acts on another attempt)
        await().until(() -> !connector.dial("b").channel().isOpen());
        assertFalse(f.isDone(), "a loss does not end the race while another attempt is open");
        answer("a", "W1");
        answer("a", "tail");          // after the decision: not the race's business
        Established e = f.get(5, TimeUnit.SECONDS);
        assertSame(connector.dial("a").channel(), e.channel());
        assertEquals(a, e.path());
        assertEquals("W1", e.answer().toString(StandardCharsets.US_ASCII), "the winner's answer is handed over");
        e.answer().release();
        assertEquals(List.of(Outcome.ESTABLISHED, Outcome.ABANDONED),
                e.attempts().stream().map(Attempt::outcome).toList());
        assertTrue(e.channel().isOpen());
        assertTrue(e.channel().pipeline().names().stream().noneMatch(n -> n.contains("AnswerReader")),
                "the reader left the winner's pipeline: " + e.channel().pipeline().names());
    }

    @Test
    void aWinAbortsTheAttemptsStillWaiting() throws Exception {
        Future<Established> f = raceBothConnected();
        answer("b", "Wb");
        Established e = f.get(5, TimeUnit.SECONDS);
        assertEquals(b, e.path());
        e.answer().release();
        await().until(() -> !connector.dial("a").channel().isOpen());
    }

    @Test
    void everyAttemptLostFailsListingThem() {
        Future<Established> f = raceBothConnected();
        answer("a", "La");
        answer("b", "Lb");
        ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        EstablishException ee = assertInstanceOf(EstablishException.class, ex.getCause());
        assertEquals(List.of(Outcome.ABANDONED, Outcome.ABANDONED),
                ee.attempts().stream().map(Attempt::outcome).toList());
    }

    @Test
    void anAttemptClosedBeforeItsAnswerFailsAndTheOtherCanStillWin() throws Exception {
        Future<Established> f = raceBothConnected();
        connector.dial("a").channel().pipeline().fireChannelInactive();
        await().until(() -> !connector.dial("a").channel().isOpen());
        answer("b", "Wb");
        Established e = f.get(5, TimeUnit.SECONDS);
        e.answer().release();
        assertEquals(List.of(Outcome.ERROR, Outcome.ESTABLISHED), e.attempts().stream().map(Attempt::outcome).toList());
    }

    @Test
    void noAnswerWithinTheAttemptTimeoutFailsOnlyWhileTheHandshakeIsPending() throws Exception {
        connector.handshake(Duration.ofMillis(50), false);
        Future<Established> f = new RobeSim(connector, state, history).establish(loop, AP, List.of(a, b), flight);
        await().until(() -> connector.dials().size() == 2);
        connector.dial("a").promise().setSuccess();
        connector.dial("b").promise().setSuccess();
        ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        EstablishException ee = assertInstanceOf(EstablishException.class, ex.getCause());
        assertEquals(List.of(Outcome.TIMEOUT, Outcome.TIMEOUT), ee.attempts().stream().map(Attempt::outcome).toList());
        assertEquals(Optional.empty(), history.smoothedSetup(a));
    }

    @Test
    void aConnectedAttemptWaitsForASlowAnswerPastTheAttemptTimeout() throws Exception {
        connector.handshake(Duration.ofMillis(20), true);
        Future<Established> f = raceBothConnected();
        Thread.sleep(100); // several attempt timeouts: a connected attempt is not failed by them
        assertFalse(f.isDone());
        answer("a", "Wa");
        Established e = f.get(5, TimeUnit.SECONDS);
        e.answer().release();
        assertEquals(a, e.path());
    }

    @Test
    void cancellingClosesEveryAttempt() {
        Future<Established> f = raceBothConnected();
        f.cancel(false);
        await().until(() -> !connector.dial("a").channel().isOpen() && !connector.dial("b").channel().isOpen());
    }
}
