package org.haap.core.relay;

import java.util.Objects;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;

import org.haap.core.relay.internal.DefaultRelaySession;

/**
 * Entry point of the relay: joins two connected channels, {@code downstream} (client side)
 * and {@code upstream} (server side), until both are closed.
 *
 * <p>{@link #start} appends one relay handler to the tail of each pipeline (handlers of
 * earlier stages stay where they are and remain the caller's business), sets
 * {@code ALLOW_HALF_CLOSURE} and the configured write-buffer watermarks on both channels and
 * takes over {@code AUTO_READ}. Timers run on the downstream channel's event loop.
 * Callers should set {@code ALLOW_HALF_CLOSURE} already when the channels are created:
 * Netty's epoll transport reads a socket whose peer sent FIN even while {@code AUTO_READ}
 * is off, and without half-closure it then closes the channel. Bytes an earlier stage read
 * are that stage's to forward before calling {@link #start}; an input already shut down at
 * start is treated as end of stream.
 *
 * <p>Splice is used (and on by default) when {@link RelayConfig#splice()} is set, both channels
 * are epoll stream channels in level-triggered mode on the same event loop and the epoll
 * internals the splice accounting needs are reachable; otherwise bytes are copied through
 * pooled buffers and {@link RelayResult#spliced()} is {@code false}. Splice bypasses the
 * pipelines: with it, handlers left from earlier stages see no spliced payload. A spliced
 * direction still copies small messages and the first read of each burst: it borrows a splice
 * pipe (two file descriptors) only once a read fills its buffer, and gives it back after one
 * to two seconds without data, so an idle session holds just its two sockets; at most
 * {@link RelayConfig#splicePipes()} pipes are open in the process, past which a direction
 * copies ({@link SplicePipeMetrics}).
 *
 * <p>Memory per session is bounded by the high watermark plus one read while both peers
 * stream. One exception comes from Netty's epoll transport: once a peer's FIN has arrived
 * (EPOLLRDHUP) it reads the whole receive queue regardless of {@code AUTO_READ}, so during
 * that final drain the bound is the high watermark plus the socket's receive buffer.
 *
 * <p>Known transport issue (Netty 4.2.11 to 4.2.20 epoll; the project pins 4.2.10): when a FIN
 * arrives while a channel has no write pending, Netty drops the socket from epoll; a later
 * write to that channel that has to wait for EPOLLOUT then fails ({@code epoll_ctl ... ENOENT}).
 * The relay reports this as {@code IO_ERROR} and resets both sides; it cannot silently corrupt
 * a stream.
 */
public final class Relay {

    private Relay() {
    }

    /**
     * Starts relaying between two active channels. May be called from any thread; the work
     * is done on the downstream channel's event loop.
     *
     * @param downstream the client-side channel
     * @param upstream   the server-side channel
     * @param cfg        watermarks, timeouts and splice settings
     * @param listener   data-path observer ({@link RelayListener#NOOP} for none)
     * @return the running session
     */
    public static RelaySession start(Channel downstream, Channel upstream, RelayConfig cfg,
                                     RelayListener listener) {
        Objects.requireNonNull(downstream, "downstream");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(cfg, "cfg");
        Objects.requireNonNull(listener, "listener");
        if (downstream == upstream) {
            throw new IllegalArgumentException("downstream and upstream must be different channels");
        }
        return DefaultRelaySession.start(downstream, upstream, cfg, listener);
    }

    /** Closes {@code ch} once everything already written to it has been flushed. */
    public static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (ch.isOpen()) {
            ch.close();
        }
    }

    /**
     * Closes {@code ch} abortively: SO_LINGER 0 then close, so a TCP peer sees a reset
     * instead of a FIN (how a proxy tells its client that the other side reset or failed).
     */
    public static void abortiveClose(Channel ch) {
        if (!ch.isOpen()) {
            return;
        }
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException e) {
            // the socket may be gone already; closing is what matters
        }
        ch.close();
    }
}
