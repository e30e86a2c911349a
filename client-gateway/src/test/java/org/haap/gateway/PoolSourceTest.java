package org.haap.gateway;

import static org.haap.gateway.StageFixture.DSL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.haap.gateway.GatewayMetrics.PoolFailure;
import org.haap.gateway.UpstreamSource.Upstream;
import org.haap.robe.pool.PooledConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A warm-pool connection held a moment for the client's first bytes, on a frozen clock. */
class PoolSourceTest {

    private final StageFixture fx = new StageFixture();
    private final EmbeddedChannel lan = new EmbeddedChannel();
    private final EmbeddedChannel pooled = new EmbeddedChannel();
    private final PoolSource source = PoolSource.of(
            new PooledConnection(pooled, DSL, Duration.ofMillis(30), Duration.ofSeconds(1)), fx.record, fx.metrics);

    PoolSourceTest() {
        lan.freezeTime();
    }

    @AfterEach
    void release() {
        lan.finishAndReleaseAll();
        pooled.finishAndReleaseAll();
    }

    @Test
    void theClientsFirstBytesEndTheHoldAtOnce() {
        Future<Upstream> f = source.open(lan.eventLoop());
        assertFalse(f.isDone(), "held for the client's first bytes");
        source.lanReady();
        assertTrue(f.isSuccess());
        assertEquals(new Upstream(pooled, DSL, 0), f.getNow());
        lan.advanceTimeBy(1, TimeUnit.SECONDS);
        lan.runPendingTasks();
        assertSame(pooled, f.getNow().channel(), "the hold timer, cancelled, changes nothing");
    }

    @Test
    void aSilentClientGetsTheConnectionAfterTheHold() {
        Future<Upstream> f = source.open(lan.eventLoop());
        lan.advanceTimeBy(PoolSource.HOLD_MILLIS - 1, TimeUnit.MILLISECONDS);
        lan.runPendingTasks();
        assertFalse(f.isDone());
        lan.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        lan.runPendingTasks();
        assertTrue(f.isSuccess());
        assertTrue(pooled.isActive());
    }

    @Test
    void aConnectionClosedWhileItWaitedFailsWithNothingSentAndIsCountedAsRetried() {
        Future<Upstream> f = source.open(lan.eventLoop());
        pooled.close();
        source.lanReady();
        assertInstanceOf(ClosedChannelException.class, f.cause());
        assertEquals(1.0, fx.metrics.poolFailures(PoolFailure.RETRIED));
        assertEquals("pooled connection closed before use, establishing afresh", fx.note());
        assertNull(pooled.readOutbound(), "nothing written on it");
    }

    @Test
    void cancellingClosesThePooledConnection() {
        Future<Upstream> f = source.open(lan.eventLoop());
        f.cancel(false);
        assertFalse(pooled.isOpen());
        lan.advanceTimeBy(1, TimeUnit.SECONDS);
        lan.runPendingTasks();
        assertEquals(0.0, fx.metrics.poolFailures(PoolFailure.RETRIED), "the hold timer does not fire");
    }

    @Test
    void noPoolOrAnEmptyOneGivesNoSource() {
        assertNull(PoolSource.take(null, fx.record, fx.metrics));
        assertNull(fx.note(), "nothing noted");
    }
}
