package org.haap.robe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The strategies' decisions against a {@link FakeConnector}: no sockets, no kernel. */
class StrategiesTest {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.0.1", 5124);

    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
    private final EventLoop loop = group.next();
    private final FakeConnector connector = new FakeConnector();
    private final WanPath a = path("a", "10.1.0.1");
    private final WanPath b = path("b", "10.2.0.1");
    private final WanPath c = path("c", "10.3.0.1");
    private final WanState state = WanState.withDefaults(List.of(a, b, c));
    /** A history whose clock stands still: failure scores do not decay while a test runs, however slowly. */
    private final PathHistory history = new PathHistory(Duration.ofSeconds(30), () -> 0L);

    @AfterEach
    void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void simStartsEveryWanAtOnceTheFirstWinsTheOthersAreAborted() throws Exception {
        Future<Established> f = new RobeSim(connector, state, history).establish(loop, AP, List.of(a, b, c));
        await().until(() -> connector.dials().size() == 3);
        assertEquals(List.of("a", "b", "c"), connector.names());
        connector.dial("b").promise().setSuccess();
        Established e = f.get(5, TimeUnit.SECONDS);
        assertEquals(b, e.path());
        assertSame(connector.dial("b").channel(), e.channel());
        assertTrue(e.channel().isOpen(), "the winner stays open");
        await().until(() -> !connector.dial("a").channel().isOpen()); // loser a aborted (just after the hand-over)
        await().until(() -> !connector.dial("c").channel().isOpen()); // loser c aborted (just after the hand-over)
        assertEquals(List.of(Outcome.ABANDONED, Outcome.ESTABLISHED, Outcome.ABANDONED),
                e.attempts().stream().map(Attempt::outcome).toList());
        assertEquals(List.of(a, b, c), e.attempts().stream().map(Attempt::path).toList());
        assertTrue(history.smoothedSetup(b).isPresent(), "the winner's setup time is measured");
        assertTrue(history.smoothedSetup(a).isEmpty());
        assertEquals(0, history.recentFailures(a), "being abandoned is not a failure");
    }

    @Test
    void simLoserThatCompletesLaterIsClosedAndNeverHandedOut() throws Exception {
        Future<Established> f = new RobeSim(connector, state, history).establish(loop, AP, List.of(a, b));
        await().until(() -> connector.dials().size() == 2);
        connector.dial("a").promise().setSuccess();
        Established e = f.get(5, TimeUnit.SECONDS);
        connector.dial("b").promise().trySuccess();
        await().until(() -> !connector.dial("b").channel().isOpen());
        assertEquals(a, e.path());
        assertTrue(e.channel().isOpen());
    }

    @Test
    void simFailedAttemptDoesNotEndTheRaceWhileAnotherIsOpen() throws Exception {
        Future<Established> f = new RobeSim(connector, state, history).establish(loop, AP, List.of(a, b));
        await().until(() -> connector.dials().size() == 2);
        connector.dial("a").promise().setFailure(new ConnectTimeoutException("connection timed out"));
        await().until(() -> !state.isUp(a));
        assertFalse(f.isDone());
        connector.dial("b").promise().setSuccess();
        Established e = f.get(5, TimeUnit.SECONDS);
        assertEquals(b, e.path());
        assertEquals(List.of(Outcome.TIMEOUT, Outcome.ESTABLISHED), e.attempts().stream().map(Attempt::outcome).toList());
        assertEquals(1, history.recentFailures(a), 0.01);
    }

    @Test
    void simFailsListingEveryAttemptWhenAllFail() {
        Future<Established> f = new RobeSim(connector, state, history).establish(loop, AP, List.of(a, b));
        await().until(() -> connector.dials().size() == 2);
        connector.dial("b").promise().setFailure(new ConnectException("Connection refused"));
        connector.dial("a").promise().setFailure(new ConnectTimeoutException("connection timed out"));
        ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        EstablishException cause = assertInstanceOf(EstablishException.class, ex.getCause());
        assertEquals(List.of(Outcome.TIMEOUT, Outcome.REFUSED), cause.attempts().stream().map(Attempt::outcome).toList());
    }

    @Test
    void cancellingAbortsEveryAttemptInFlight() {
        Future<Established> f = new RobeSim(connector, state, history).establish(loop, AP, List.of(a, b));
        await().until(() -> connector.dials().size() == 2);
        f.cancel(false);
        await().until(() -> !connector.dial("a").channel().isOpen() && !connector.dial("b").channel().isOpen());
    }

    @Test
    void wanWithoutAnAddressOfTheApFamilyIsSkipped() throws Exception {
        WanPath v6 = new WanPath("v6", "v6", InetAddress.getByName("2001:db8::1"), null);
        Future<Established> f = new RobeSim(connector, state, history).establish(loop, AP, List.of(v6, b));
        await().until(() -> connector.dials().size() == 1);
        connector.dial("b").promise().setSuccess();
        Established e = f.get(5, TimeUnit.SECONDS);
        assertEquals(List.of(Outcome.NO_SOURCE_ADDRESS, Outcome.ESTABLISHED),
                e.attempts().stream().map(Attempt::outcome).toList());
    }

    @Test
    void timerStartsTheNextWanAfterTheSynTimeoutAndKeepsTheFirstAlive() throws Exception {
        RobeTimer timer = new RobeTimer(connector, state, history, Optional.of(Duration.ofMillis(20)));
        Future<Established> f = timer.establish(loop, AP, List.of(a, b));
        await().until(() -> connector.dials().size() == 2);
        assertTrue(connector.dial("a").channel().isOpen(), "the first attempt stays alive");
        assertEquals(List.of("a", "b"), connector.names());
        connector.dial("a").promise().setSuccess(); // the slow primary answers after all
        Established e = f.get(5, TimeUnit.SECONDS);
        assertEquals(a, e.path());
        await().until(() -> !connector.dial("b").channel().isOpen()); // the later attempt is aborted (just after the hand-over)
        assertEquals(Outcome.ABANDONED, e.attempts().get(1).outcome());
        assertTrue(history.recentFailures(a) > 0, "being overtaken counts against the WAN");
    }

    @Test
    void timerStartsTheNextWanAtOnceWhenAnAttemptFails() throws Exception {
        RobeTimer timer = new RobeTimer(connector, state, history, Optional.of(Duration.ofHours(1)));
        Future<Established> f = timer.establish(loop, AP, List.of(a, b));
        await().until(() -> connector.dials().size() == 1);
        connector.dial("a").promise().setFailure(new java.net.NoRouteToHostException("No route to host"));
        await().until(() -> connector.dials().size() == 2);
        connector.dial("b").promise().setSuccess();
        Established e = f.get(5, TimeUnit.SECONDS);
        assertEquals(b, e.path());
        assertEquals(List.of(Outcome.UNREACHABLE, Outcome.ESTABLISHED),
                e.attempts().stream().map(Attempt::outcome).toList());
    }

    @Test
    void timerWithOneWanWaitsForIt() throws Exception {
        RobeTimer timer = new RobeTimer(connector, state, history, Optional.of(Duration.ofMillis(1)));
        Future<Established> f = timer.establish(loop, AP, List.of(a));
        await().until(() -> connector.dials().size() == 1);
        connector.dial("a").promise().setSuccess();
        assertEquals(a, f.get(5, TimeUnit.SECONDS).path());
    }

    @Test
    void timerAutoSynTimeoutFollowsTheHistory() {
        RobeTimer timer = new RobeTimer(connector, state, history, Optional.empty());
        assertEquals(PathHistory.MAX_SYN_TIMEOUT, timer.synTimeout(a));
        history.success(a, Duration.ofMillis(40));
        assertEquals(Duration.ofMillis(120), timer.synTimeout(a));
        assertEquals(Duration.ofMillis(300),
                new RobeTimer(connector, state, history, Optional.of(Duration.ofMillis(300))).synTimeout(a));
    }

    @Test
    void ipsStartsWithTheWanWithTheBestHistory() throws Exception {
        history.success(a, Duration.ofMillis(40));
        history.success(b, Duration.ofMillis(20));
        RobeIps ips = new RobeIps(history, new RobeTimer(connector, state, history, Optional.of(Duration.ofHours(1))));
        Future<Established> f = ips.establish(loop, AP, List.of(a, b));
        await().until(() -> connector.dials().size() == 1);
        assertEquals(List.of("b"), connector.names());
        connector.dial("b").promise().setSuccess();
        assertEquals(b, f.get(5, TimeUnit.SECONDS).path());
    }

    @Test
    void classicMakesOneAttemptOnTheDefaultRouteOnly() {
        Future<Established> f = new Classic(connector, state, history).establish(loop, AP, List.of(a, b));
        await().until(() -> connector.dials().size() == 1);
        assertEquals(List.of(FakeConnector.DEFAULT_ROUTE), connector.names());
        connector.dial(FakeConnector.DEFAULT_ROUTE).promise()
                .setFailure(new ConnectTimeoutException("connection timed out"));
        ExecutionException ex = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        EstablishException cause = assertInstanceOf(EstablishException.class, ex.getCause());
        assertEquals(1, cause.attempts().size());
        assertEquals(Outcome.TIMEOUT, cause.attempts().get(0).outcome());
        assertEquals(1, connector.dials().size(), "no second attempt");
    }

    private static WanPath path(String name, String source) {
        try {
            return new WanPath(name, name, InetAddress.getByName(source), null);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
