package org.haap.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.unix.Errors;

import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The listener's pause on EMFILE/ENFILE, on a frozen clock: the accept errors are the ones
 * Netty's epoll accept loop raises (built by its own factory), the accepted children plain
 * objects (the handler only passes them on). An embedded channel has no fd, so no spare
 * either: the pause is all it does. The resets with the spare are {@code
 * AcceptBackoffResetTest}'s, on a real listener.
 */
class AcceptBackoffTest {

    private final AtomicInteger counted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private AcceptBackoff backoff;
    private EmbeddedChannel listener;

    @BeforeEach
    void open() {
        Prerequisites.requireEpoll();
        backoff = new AcceptBackoff(listener());
        listener = new EmbeddedChannel();
        listener.freezeTime();
        listener.pipeline().addLast(backoff);
    }

    @AfterEach
    void close() {
        listener.finishAndReleaseAll();
    }

    private AcceptBackoff.Listener listener() {
        return AcceptBackoff.Listener.of(counted::incrementAndGet, refused::incrementAndGet);
    }

    private static IOException acceptError(int negativeErrno) {
        return Errors.newIOException("accept", negativeErrno);
    }

    /** Fails an accept with EMFILE; returns how many ms accepting stays paused. */
    private long failAndMeasurePause() {
        listener.pipeline().fireExceptionCaught(acceptError(-24));
        assertFalse(listener.config().isAutoRead(), "paused");
        long ms = 0;
        while (!listener.config().isAutoRead()) {
            advance(1);
            ms++;
            assertTrue(ms <= 2_000, "still paused after 2 s");
        }
        return ms;
    }

    private void advance(long ms) {
        listener.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
    }

    @Test
    void pausesAcceptingTenMillisecondsThenDoublesUpToOneSecond() {
        assertEquals(10, failAndMeasurePause());
        assertEquals(20, failAndMeasurePause());
        assertEquals(40, failAndMeasurePause());
        assertEquals(80, failAndMeasurePause());
        assertEquals(160, failAndMeasurePause());
        assertEquals(320, failAndMeasurePause());
        assertEquals(640, failAndMeasurePause());
        assertEquals(1000, failAndMeasurePause());
        assertEquals(1000, failAndMeasurePause());
        assertEquals(9, counted.get());
        assertEquals(0, refused.get(), "no fd, no spare, no resets");
        listener.checkException(); // consumed, not passed on to Netty's acceptor or the tail
    }

    @Test
    void anAcceptedConnectionMakesTheNextPauseShortAgain() {
        assertEquals(10, failAndMeasurePause());
        assertEquals(20, failAndMeasurePause()); // the next would be 40 ms ...
        Object child = new Object();
        listener.pipeline().fireChannelRead(child);
        assertSame(child, listener.readInbound(), "the accepted child goes on to the acceptor");
        assertEquals(10, failAndMeasurePause()); // ... but a connection was accepted meanwhile
        assertEquals(20, failAndMeasurePause());
    }

    @Test
    void theSystemWideLimitCountsAndPausesToo() {
        listener.pipeline().fireExceptionCaught(acceptError(-23)); // ENFILE
        assertFalse(listener.config().isAutoRead());
        assertEquals(1, counted.get());
        assertTrue(backoff.paused());
    }

    @Test
    void failuresWhilePausedAreCountedWithoutStretchingThePause() {
        listener.pipeline().fireExceptionCaught(acceptError(-24));
        listener.pipeline().fireExceptionCaught(acceptError(-24));
        assertEquals(2, counted.get());
        advance(10);
        assertTrue(listener.config().isAutoRead(), "resumed after the first pause");
        assertEquals(20, failAndMeasurePause(), "one step longer, not two");
    }

    @Test
    void otherAcceptErrorsPassOnUntouched() {
        IOException aborted = acceptError(-103); // ECONNABORTED
        listener.pipeline().fireExceptionCaught(aborted);
        assertTrue(listener.config().isAutoRead());
        assertEquals(0, counted.get());
        assertSame(aborted, assertThrows(IOException.class, listener::checkException));
    }

    @Test
    void aClosedListenerDropsItsPendingResume() {
        listener.pipeline().fireExceptionCaught(acceptError(-24));
        listener.close();
        assertFalse(backoff.paused());
        advance(10);
        assertFalse(listener.config().isAutoRead(), "not resumed after close");
    }
}
