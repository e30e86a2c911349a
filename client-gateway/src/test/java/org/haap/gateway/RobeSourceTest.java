package org.haap.gateway;

import static org.haap.gateway.StageFixture.DSL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.haap.gateway.UpstreamSource.Upstream;
import org.haap.robe.Attempt;
import org.haap.robe.EstablishException;
import org.haap.robe.Established;
import org.haap.robe.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A connection established afresh by the session's strategy, with a fake establisher. */
class RobeSourceTest {

    private static final InetSocketAddress AP = new InetSocketAddress(StageFixture.address("192.0.2.10"), 5124);

    private final StageFixture fx = new StageFixture();
    private final EmbeddedChannel lan = new EmbeddedChannel();
    private final EmbeddedChannel ap = new EmbeddedChannel();
    private final Promise<Established> establishing = lan.eventLoop().newPromise();
    private final RobeSource source = new RobeSource((loop, target, paths) -> {
        assertEquals(AP, target);
        assertEquals(List.of(DSL), paths);
        return establishing;
    }, AP, () -> List.of(DSL), fx.metrics.establishment("sim"), fx.record);

    @AfterEach
    void release() {
        lan.finishAndReleaseAll();
        ap.finishAndReleaseAll();
    }

    private double winners() {
        return fx.registry.get("haap.gateway.establish.winners").tag("mode", "sim").tag("wan", "dsl").counter()
                .count();
    }

    private double attempts(String result) {
        return fx.registry.get("haap.gateway.establish.attempts").tag("mode", "sim").tag("wan", "dsl")
                .tag("result", result).counter().count();
    }

    @Test
    void theWinnerIsTheUpstreamAndCounted() {
        Future<Upstream> f = source.open(lan.eventLoop());
        establishing.setSuccess(new Established(ap, DSL, Duration.ofMillis(42),
                List.of(new Attempt(DSL, Outcome.ESTABLISHED, Duration.ofMillis(42), ""))));
        assertEquals(new Upstream(ap, DSL, 42), f.getNow());
        assertEquals(1.0, winners());
        assertEquals(1.0, attempts("established"));
    }

    @Test
    void aFailedEstablishmentIsNotedAndItsAttemptsCounted() {
        Future<Upstream> f = source.open(lan.eventLoop());
        EstablishException e = new EstablishException("192.0.2.10:5124",
                List.of(new Attempt(DSL, Outcome.TIMEOUT, Duration.ofSeconds(1), "")));
        establishing.setFailure(e);
        assertSame(e, f.cause());
        assertEquals(e.getMessage(), fx.note());
        assertEquals(1.0, attempts("timeout"));
        assertEquals(0.0, winners());
    }

    @Test
    void cancellingAbandonsTheEstablishment() {
        Future<Upstream> f = source.open(lan.eventLoop());
        f.cancel(false);
        assertTrue(establishing.isCancelled());
        assertEquals(0.0, attempts("timeout") + attempts("established"), "nothing counted");
    }

    @Test
    void aWinnerThatComesAfterTheSessionGaveUpIsClosed() {
        establishing.setUncancellable();
        Future<Upstream> f = source.open(lan.eventLoop());
        f.cancel(false);
        establishing.setSuccess(new Established(ap, DSL, Duration.ofMillis(42), List.of()));
        assertFalse(ap.isOpen());
        assertTrue(f.isCancelled());
    }

    /** An establisher that records the flight it was given. */
    private final class FlightEstablisher implements org.haap.robe.Establisher {
        org.haap.robe.FirstFlight flight;

        @Override
        public Future<Established> establish(io.netty.channel.EventLoop loop, InetSocketAddress target,
                                             List<org.haap.robe.WanPath> paths) {
            throw new AssertionError("a Fast Open source establishes with its flight");
        }

        @Override
        public Future<Established> establish(io.netty.channel.EventLoop loop, InetSocketAddress target,
                                             List<org.haap.robe.WanPath> paths, org.haap.robe.FirstFlight f) {
            flight = f;
            return establishing;
        }
    }

    private org.haap.gateway.internal.ConvertFlight flightOf(String client) {
        return org.haap.gateway.internal.ConvertFlight.of(lan.alloc(), StageFixture.DESTINATION, null,
                StageFixture.ascii(client));
    }

    @Test
    void withFastOpenItHoldsForTheFirstBytesThenRacesTheFlight() {
        lan.freezeTime();
        FlightEstablisher e = new FlightEstablisher();
        RobeSource fast = new RobeSource(e, AP, () -> List.of(DSL), fx.metrics.establishment("sim"), fx.record)
                .withFlight(() -> flightOf("GET"), Duration.ofMillis(5));
        Future<Upstream> f = fast.open(lan.eventLoop());
        assertEquals(null, e.flight, "held for the client's first bytes");
        fast.lanReady();
        assertEquals(3, ((org.haap.gateway.internal.ConvertFlight) e.flight).clientBytes());
        io.netty.buffer.ByteBuf answer = StageFixture.ascii("reply");
        establishing.setSuccess(new Established(ap, DSL, Duration.ofMillis(21),
                List.of(new Attempt(DSL, Outcome.ESTABLISHED, Duration.ofMillis(21), "")), answer));
        Upstream u = f.getNow();
        assertSame(answer, u.answer());
        assertEquals(3, u.flownClientBytes());
        assertEquals(0, e.flight.bytes().refCnt(), "the flight is released once the race is over");
        u.answer().release();
    }

    @Test
    void withFastOpenASilentClientGetsTheFlightWhenTheWaitPasses() {
        lan.freezeTime();
        FlightEstablisher e = new FlightEstablisher();
        new RobeSource(e, AP, () -> List.of(DSL), fx.metrics.establishment("sim"), fx.record)
                .withFlight(() -> flightOf(""), Duration.ofMillis(5)).open(lan.eventLoop());
        lan.advanceTimeBy(4, java.util.concurrent.TimeUnit.MILLISECONDS);
        lan.runPendingTasks();
        assertEquals(null, e.flight, "not before the wait");
        lan.advanceTimeBy(1, java.util.concurrent.TimeUnit.MILLISECONDS);
        lan.runPendingTasks();
        assertEquals(0, ((org.haap.gateway.internal.ConvertFlight) e.flight).clientBytes());
        establishing.cancel(false);
    }
}
