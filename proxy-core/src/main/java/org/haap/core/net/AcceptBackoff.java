package org.haap.core.net;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.ScheduledFuture;

import org.haap.core.sys.internal.ErrnoException;
import org.haap.core.sys.internal.Posix;

/**
 * On a listener's pipeline ({@code ServerBootstrap.handler}): what happens when {@code
 * accept(2)} fails because the process or the system is out of file descriptors ({@link
 * SocketFailure#FD_LIMIT}), so that the listener neither spins nor leaves clients hanging.
 *
 * <p>The listener keeps one spare descriptor (on {@code /dev/null}). On the failure it gives
 * the spare up, takes the pending connections off the backlog one by one and resets each
 * at once ({@link Listener#refused}), up to {@value #MAX_RESETS} at a time, then takes the
 * spare back: a client learns in a round trip that it was refused instead of waiting in
 * the backlog. When that is not possible (no spare: another thread took the freed slot, or
 * the listener is not a native one) or more connections are pending, accepting stops for
 * a while: {@link #MIN_PAUSE} at first, doubling on each failure in a row up to {@link
 * #MAX_PAUSE}; a connection accepted normally makes the next pause short again. Open
 * connections are served as before throughout.
 *
 * <p>The failure is consumed here: Netty's own acceptor would otherwise pause one second
 * whatever happened and log a warning per failure at the pipeline's tail. Other accept
 * errors pass on unchanged. One instance per listener (it holds that listener's spare and
 * pause); all of it runs on the listener's event loop.
 */
public final class AcceptBackoff extends ChannelInboundHandlerAdapter {

    /** What a listener reports. */
    public interface Listener {
        /** An {@code accept(2)} failed for want of file descriptors. */
        void acceptFailed();

        /** A pending connection was taken off the backlog with the spare descriptor and reset. */
        void refused();

        /** A listener that runs {@code acceptFailed} and {@code refused} (counters' increments, say). */
        static Listener of(Runnable acceptFailed, Runnable refused) {
            return new Listener() {
                @Override
                public void acceptFailed() {
                    acceptFailed.run();
                }

                @Override
                public void refused() {
                    refused.run();
                }
            };
        }
    }

    /** The first pause after a failed accept. */
    public static final Duration MIN_PAUSE = Duration.ofMillis(10);
    /** The longest pause, reached after seven failures in a row. */
    public static final Duration MAX_PAUSE = Duration.ofSeconds(1);
    /** Connections reset per failed accept at most, before pausing. */
    public static final int MAX_RESETS = 64;

    private static final Logger LOG = System.getLogger(AcceptBackoff.class.getName());
    private static final String SPARE = "/dev/null";

    private final Listener listener;
    private long pauseNanos = MIN_PAUSE.toNanos();
    /** Failed accepts since the last accepted connection. */
    private long failures;
    private ScheduledFuture<?> resume;
    /** The spare descriptor, or -1. */
    private int spare = -1;

    public AcceptBackoff(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof UnixChannel) {
            spare = openSpare();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closeSpare();
        cancelResume();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
        if (failures > 0) {
            LOG.log(Level.INFO, ctx.channel().localAddress() + ": accepting again after " + failures
                    + " accepts failed for want of file descriptors");
            failures = 0;
        }
        pauseNanos = MIN_PAUSE.toNanos();
        ctx.fireChannelRead(child);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (SocketFailure.classify(cause) != SocketFailure.FD_LIMIT) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        listener.acceptFailed();
        if (failures++ == 0) {
            LOG.log(Level.WARNING, ctx.channel().localAddress() + ": accept failed, out of file descriptors ("
                    + cause.getMessage() + "); resetting new connections and pausing accepts ("
                    + MIN_PAUSE.toMillis() + " ms up to " + MAX_PAUSE.toMillis()
                    + " ms) until one is accepted; open sessions go on");
        }
        if (resume != null || resetPending(ctx)) {
            return;
        }
        ctx.channel().config().setAutoRead(false);
        resume = ctx.executor().schedule(() -> resume(ctx), pauseNanos, TimeUnit.NANOSECONDS);
        pauseNanos = Math.min(pauseNanos * 2, MAX_PAUSE.toNanos());
    }

    /**
     * Resets the connections pending on the listener with the spare descriptor's slot;
     * whether the backlog is empty now (so that no pause is needed: the next connection
     * wakes the listener again).
     */
    private boolean resetPending(ChannelHandlerContext ctx) {
        if (!(ctx.channel() instanceof UnixChannel unix)) {
            return false;
        }
        if (spare < 0) {
            spare = openSpare(); // for the next time: fds may have been freed meanwhile
            return false;
        }
        int listenerFd = unix.fd().intValue();
        closeSpare();
        boolean drained = false;
        try {
            for (int i = 0; i < MAX_RESETS; i++) {
                int fd = Posix.accept(listenerFd);
                if (fd < 0) {
                    drained = true;
                    break;
                }
                Posix.resetAndClose(fd);
                listener.refused();
            }
        } catch (ErrnoException e) {
            // another thread took the freed slot first: pause instead
        } finally {
            spare = openSpare();
        }
        return drained;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelResume();
        closeSpare();
        ctx.fireChannelInactive();
    }

    private void resume(ChannelHandlerContext ctx) {
        resume = null;
        if (ctx.channel().isOpen()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void cancelResume() {
        if (resume != null) {
            resume.cancel(false);
            resume = null;
        }
    }

    private static int openSpare() {
        try {
            return Posix.openReadOnly(SPARE);
        } catch (ErrnoException e) {
            return -1;
        }
    }

    private void closeSpare() {
        Posix.closeQuietly(spare);
        spare = -1;
    }

    /** Whether accepting is paused now. */
    public boolean paused() {
        return resume != null;
    }

    /** Whether the listener holds its spare descriptor now. */
    boolean holdsSpare() {
        return spare >= 0;
    }
}
