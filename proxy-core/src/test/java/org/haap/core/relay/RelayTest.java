package org.haap.core.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.Errors;

import org.haap.core.session.Termination;
import org.haap.core.session.Termination.Phase;
import org.haap.core.session.Termination.Reason;
import org.haap.core.session.Termination.Side;
import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay's copy path on {@link io.netty.channel.embedded.EmbeddedChannel}s. */
class RelayTest {

    private static final int LOW = 1024;
    private static final int HIGH = 4096;
    private static final Duration IDLE = Duration.ofMinutes(5);
    private static final Duration HALF_CLOSE = Duration.ofSeconds(60);
    private static final RelayConfig CFG = new RelayConfig(LOW, HIGH, IDLE, HALF_CLOSE, true, 65536);

    private TestChannel down;
    private TestChannel up;
    private RecordingListener listener;
    private RelaySession session;

    @BeforeEach
    void setUp() {
        down = new TestChannel();
        up = new TestChannel();
        down.freezeTime();
        up.freezeTime();
        listener = new RecordingListener();
        session = Relay.start(down, up, CFG, listener);
    }

    @AfterEach
    void tearDown() {
        down.finishAndReleaseAll();
        up.finishAndReleaseAll();
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String readString(TestChannel ch) {
        ByteBuf b = ch.readOutbound();
        if (b == null) {
            return null;
        }
        try {
            return b.toString(StandardCharsets.US_ASCII);
        } finally {
            b.release();
        }
    }

    private Termination termination() {
        assertTrue(session.result().isDone(), "result should be complete");
        return session.result().getNow().termination();
    }

    @Test
    void startsWithoutSpliceOnEmbeddedChannels() {
        assertFalse(session.spliced());
        assertEquals(Phase.RELAY, session.phase());
        assertTrue(down.config().isAutoRead());
        assertTrue(up.config().isAutoRead());
        assertEquals(HIGH, up.config().getWriteBufferHighWaterMark());
        assertEquals(LOW, down.config().getWriteBufferLowWaterMark());
    }

    @Test
    void forwardsBothWaysAndFlushesOnReadComplete() {
        down.pipeline().fireChannelRead(bytes("hel"));
        down.pipeline().fireChannelRead(bytes("lo"));
        assertNull(up.readOutbound(), "no flush before read-complete");
        down.pipeline().fireChannelReadComplete();
        assertEquals("hel", readString(up));
        assertEquals("lo", readString(up));

        assertTrue(up.writeInbound(bytes("world!")) || true);
        assertEquals("world!", readString(down));

        assertEquals(5, session.bytes(Direction.UPSTREAM));
        assertEquals(6, session.bytes(Direction.DOWNSTREAM));
        assertEquals(5, listener.bytes.get(Direction.UPSTREAM).get());
        assertEquals(6, listener.bytes.get(Direction.DOWNSTREAM).get());
        assertFalse(session.result().isDone());
    }

    @Test
    void unwritablePeerPausesReadingUntilItDrains() {
        up.blocked(true);
        int chunk = 1000;
        long produced = 0;
        long maxPending = 0;
        // A producer like Netty's read loop: it reads only while auto-read is on.
        while (down.config().isAutoRead() && produced < 1_000_000) {
            down.pipeline().fireChannelRead(Unpooled.wrappedBuffer(new byte[chunk]));
            down.pipeline().fireChannelReadComplete();
            produced += chunk;
            maxPending = Math.max(maxPending, up.pendingOutboundBytes());
        }
        assertFalse(down.config().isAutoRead(), "reading must stop while the peer is unwritable");
        assertEquals(1, listener.paused.get(Direction.UPSTREAM).get());
        assertTrue(maxPending <= HIGH + chunk, "pending " + maxPending + " > high + one read");
        assertTrue(produced < 1_000_000);

        up.blocked(false);
        assertTrue(up.isWritable());
        assertTrue(down.config().isAutoRead(), "reading resumes when the peer drains");
        assertEquals(1, listener.resumed.get(Direction.UPSTREAM).get());
        long received = 0;
        for (ByteBuf b; (b = up.readOutbound()) != null; ) {
            received += b.readableBytes();
            b.release();
        }
        assertEquals(produced, received);
        assertEquals(produced, session.bytes(Direction.UPSTREAM));
    }

    @Test
    void halfCloseShutsPeerOutputAfterDrainingAndCompletesWhenBothDone() {
        up.blocked(true);
        down.writeInbound(bytes("request"));
        down.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertFalse(up.isOutputShutdown(), "FIN must wait for pending data");
        assertEquals(Phase.HALF_CLOSE, session.phase());
        up.blocked(false);
        assertTrue(up.isOutputShutdown());
        assertEquals("request", readString(up));

        // The other direction still flows.
        up.writeInbound(bytes("response"));
        assertEquals("response", readString(down));
        assertFalse(session.result().isDone());

        up.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertTrue(down.isOutputShutdown());
        assertFalse(down.isOpen());
        assertFalse(up.isOpen());
        RelayResult r = session.result().getNow();
        assertEquals(new Termination(Side.CLIENT, Reason.COMPLETED, Phase.HALF_CLOSE), r.termination());
        assertEquals(7, r.bytesUpstream());
        assertEquals(8, r.bytesDownstream());
        assertFalse(r.spliced());
    }

    @Test
    void halfCloseTimeoutClosesBoth() {
        up.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertTrue(down.isOutputShutdown());
        down.advanceTimeBy(HALF_CLOSE.toMillis() - 1, TimeUnit.MILLISECONDS);
        down.runScheduledPendingTasks();
        assertTrue(down.isOpen());
        down.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        down.runScheduledPendingTasks();
        assertFalse(down.isOpen());
        assertFalse(up.isOpen());
        assertEquals(new Termination(Side.PROXY, Reason.TIMEOUT, Phase.HALF_CLOSE), termination());
    }

    @Test
    void idleTimeoutCountsFromLastActivity() {
        down.advanceTimeBy(4, TimeUnit.MINUTES);
        down.runScheduledPendingTasks();
        up.writeInbound(bytes("keepalive"));
        assertEquals("keepalive", readString(down));
        down.advanceTimeBy(2, TimeUnit.MINUTES);
        down.runScheduledPendingTasks();
        assertTrue(down.isOpen(), "activity 2 min ago must keep the session");
        down.advanceTimeBy(3, TimeUnit.MINUTES);
        down.runScheduledPendingTasks();
        assertFalse(down.isOpen());
        assertFalse(up.isOpen());
        assertEquals(new Termination(Side.PROXY, Reason.TIMEOUT, Phase.RELAY), termination());
    }

    @Test
    void brokenPipeOnClientSideResetsServerSide() {
        Prerequisites.requireEpoll();
        down.pipeline().fireExceptionCaught(Errors.newIOException("writev", Errors.ERRNO_EPIPE_NEGATIVE));
        assertFalse(up.isOpen());
        assertFalse(down.isOpen());
        assertEquals(new Termination(Side.CLIENT, Reason.RESET, Phase.RELAY), termination());
    }

    @Test
    void nativeResetByServerResetsClientSide() {
        // Errors needs the native transport library loaded, as it is wherever such errors occur.
        Prerequisites.requireEpoll();
        up.pipeline().fireExceptionCaught(
                Errors.newConnectionResetException("syscall:read", Errors.ERRNO_ECONNRESET_NEGATIVE));
        assertFalse(down.isOpen());
        assertEquals(new Termination(Side.SERVER, Reason.RESET, Phase.RELAY), termination());
    }

    /**
     * Any other I/O error ends the session as an I/O error; an unknown one (no errno) is a
     * warning without a stack trace.
     */
    @Test
    void otherErrorIsIoError() {
        try (LogCapture logs = new LogCapture("org.haap.core.relay")) {
            up.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            down.pipeline().fireExceptionCaught(new IOException("No route to host"));
            assertFalse(down.isOpen());
            assertFalse(up.isOpen());
            assertEquals(new Termination(Side.CLIENT, Reason.IO_ERROR, Phase.HALF_CLOSE), termination());
            List<LogRecord> warnings = logs.atLeast(Level.WARNING);
            assertEquals(1, warnings.size(), () -> LogCapture.describe(warnings));
            assertTrue(String.valueOf(warnings.get(0).getMessage()).contains("I/O error on the client side"),
                    () -> LogCapture.describe(warnings));
            assertNull(warnings.get(0).getThrown());
        }
    }

    /** A timeout is a socket error with a known cause: an I/O error, logged at debug only. */
    @Test
    void nativeTimeoutIsIoErrorLoggedAtDebug() {
        Prerequisites.requireEpoll();
        try (LogCapture logs = new LogCapture("org.haap.core.relay")) {
            up.pipeline().fireExceptionCaught(Errors.newIOException("read", -110)); // ETIMEDOUT
            assertEquals(new Termination(Side.SERVER, Reason.IO_ERROR, Phase.RELAY), termination());
            assertEquals(List.of(), logs.atLeast(Level.INFO));
            assertTrue(logs.below(Level.INFO).stream().anyMatch(r -> r.getThrown() == null
                    && String.valueOf(r.getMessage()).contains("timeout on the server side")),
                    () -> LogCapture.describe(logs.below(Level.INFO)));
        }
    }

    /** An exception that is not an I/O error is a bug: a warning with its stack trace. */
    @Test
    void unexpectedExceptionIsAWarningWithItsStackTrace() {
        try (LogCapture logs = new LogCapture("org.haap.core.relay")) {
            IllegalStateException bug = new IllegalStateException("bug");
            up.pipeline().fireExceptionCaught(bug);
            assertEquals(new Termination(Side.SERVER, Reason.IO_ERROR, Phase.RELAY), termination());
            List<LogRecord> warnings = logs.atLeast(Level.WARNING);
            assertEquals(1, warnings.size(), () -> LogCapture.describe(warnings));
            assertEquals(bug, warnings.get(0).getThrown());
        }
    }

    @Test
    void abruptCloseOfOneSideClosesTheOther() {
        up.close();
        assertFalse(down.isOpen());
        assertEquals(new Termination(Side.SERVER, Reason.RESET, Phase.RELAY), termination());
    }

    @Test
    void releasesWhatItCannotForward() {
        up.pretendInactive();
        ByteBuf buf = bytes("lost");
        down.pipeline().fireChannelRead(buf);
        down.pipeline().fireChannelReadComplete();
        assertEquals(0, buf.refCnt());
        assertNull(up.readOutbound());
        assertEquals(0, session.bytes(Direction.UPSTREAM));
    }

    @Test
    void releasesAfterTermination() {
        up.blocked(true);
        down.writeInbound(bytes("pending"));
        session.shutdownGracefully();
        assertTrue(up.isOpen(), "still flushing");
        ByteBuf buf = bytes("late");
        up.pipeline().fireChannelRead(buf);
        assertEquals(0, buf.refCnt());
        for (ByteBuf b; (b = down.readOutbound()) != null; ) {
            assertFalse(b.isReadable(), "nothing may be forwarded after termination");
            b.release();
        }
    }

    @Test
    void abortClosesBothOnceAsDrainAborted() {
        AtomicInteger notified = new AtomicInteger();
        session.result().addListener(f -> notified.incrementAndGet());
        session.abort();
        session.abort();
        assertFalse(down.isOpen());
        assertFalse(up.isOpen());
        assertEquals(new Termination(Side.PROXY, Reason.DRAIN_ABORTED, Phase.RELAY), termination());
        assertEquals(1, notified.get());
    }

    @Test
    void shutdownGracefullyFlushesThenCloses() {
        up.blocked(true);
        down.writeInbound(bytes("last words"));
        session.shutdownGracefully();
        assertFalse(down.config().isAutoRead());
        assertTrue(up.isOpen(), "pending data must flush first");
        up.blocked(false);
        assertEquals("last words", readString(up));
        assertFalse(up.isOpen());
        assertFalse(down.isOpen());
        assertEquals(new Termination(Side.PROXY, Reason.SHUTDOWN, Phase.RELAY), termination());
    }
}
