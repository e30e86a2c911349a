package org.haap.core.relay.internal;

import java.nio.channels.ClosedChannelException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * Zero-copy forwarding of one direction: keeps one {@code spliceTo(peer, chunk)} request
 * queued on the reading channel, counts each completed chunk and queues the next. Netty's
 * splice path throttles itself (it stops reading while the pipe's bytes wait for the peer),
 * so user-space memory stays flat. End of stream is finished by {@link #onInputShutdown()}:
 * the unfinished request is counted and retired, and the ordinary read path drains the rest
 * of the stream (copying it) up to the real EOF. Event loop only.
 */
final class SpliceForwarder implements ChannelFutureListener {

    private final RelayHandler side;
    private final Channel src;
    private final Channel dst;
    private final int chunk;
    private ChannelFuture current;
    private boolean currentCounted;
    private boolean eof;

    SpliceForwarder(RelayHandler side, Channel src, Channel dst,
                    int chunk) {
        this.side = side;
        this.src = src;
        this.dst = dst;
        this.chunk = chunk;
    }

    void start() {
        queueNext();
    }

    private void queueNext() {
        currentCounted = false;
        current = SpliceInternals.spliceTo(src, dst, chunk);
        current.addListener(this);
    }

    @Override
    public void operationComplete(ChannelFuture future) {
        if (future != current) {
            return;
        }
        if (future.isSuccess()) {
            if (!currentCounted) {
                currentCounted = true;
                side.countSpliced(chunk);
            }
            if (!eof && !side.session().isTerminated() && src.isActive() && dst.isActive()) {
                queueNext();
            }
            return;
        }
        Throwable cause = future.cause();
        if (eof || side.session().isTerminated() || cause instanceof ClosedChannelException) {
            // A closed channel is reported by its own channelInactive.
            return;
        }
        // A failed splice-out closes the target; a failed splice-in leaves both open.
        RelayHandler failed = dst.isOpen() ? side : side.peer();
        side.session().onError(failed, cause);
    }

    /** The source saw end of stream: count and retire the unfinished request, drain the rest. */
    void onInputShutdown() {
        if (eof) {
            return;
        }
        eof = true;
        if (current != null && !current.isDone()) {
            int splicedIn = SpliceInternals.finishHead(src, current, chunk);
            if (splicedIn >= 0) {
                currentCounted = true;
                side.countSpliced(splicedIn);
            }
        }
        src.read();
    }

    boolean sawEof() {
        return eof;
    }
}
