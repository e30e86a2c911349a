package org.haap.core.relay;

import io.netty.util.concurrent.Future;

import org.haap.core.session.Termination;

/**
 * Handle on one running relay, returned by {@link Relay#start}. All methods are thread-safe.
 */
public interface RelaySession {

    /**
     * Completes exactly once, when both channels are closed, with the byte counts and the
     * termination. Never fails.
     */
    Future<RelayResult> result();

    /** The phase the session is in now: {@code RELAY} or, after the first FIN, {@code HALF_CLOSE}. */
    Termination.Phase phase();

    /** Bytes taken in so far for one direction. */
    long bytes(Direction dir);

    /** Whether this session uses the zero-copy splice path. */
    boolean spliced();

    /**
     * Ends the session for a process shutdown: stops reading on both sides, lets what was
     * already written flush, then closes both channels (termination {@code PROXY/SHUTDOWN}).
     * A peer that never drains keeps its channel open: follow with {@link #abort()} after a
     * deadline.
     */
    void shutdownGracefully();

    /**
     * Ends the session at once, at a drain deadline: both channels are closed abortively
     * (SO_LINGER 0, so TCP peers see a reset, never a clean end of a cut stream); termination
     * {@code PROXY/DRAIN_ABORTED} unless the session had already ended (e.g. by
     * {@link #shutdownGracefully()}).
     */
    void abort();
}
