package org.haap.core.relay.internal;

import java.nio.channels.ClosedChannelException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.FileDescriptor;

/**
 * Zero-copy forwarding of one direction, with a splice pipe only while bytes flow.
 *
 * <p>An idle direction holds no pipe and has no splice request queued, so the first bytes of
 * a burst arrive by the ordinary read path and are copied; when a read fills its buffer (more
 * is waiting: not a small request or reply) the direction takes a pipe ({@link SplicePipes#take}), installs it on the target channel and keeps
 * one {@code spliceTo(peer, chunk)} request queued on the reading channel, counting each
 * completed chunk and queueing the next, so the rest of the burst is spliced (in the same
 * read loop). Netty's splice path throttles itself (it stops reading while the pipe's bytes
 * wait for the peer), so user-space memory stays flat. Once a tick has passed with no read
 * and nothing left in the pipe (the target's outbound buffer empty: each spliced-in batch is
 * a write that completes only when its bytes left the pipe), the request is retired and the
 * pipe given back ({@link #onTick}), and Netty's splice queue of the reading channel dropped
 * (it is recreated at the next request); bytes never wait in a pipe that is given back, so
 * none is lost or reordered. Short of pipes, the direction copies and tries again on its next read.
 *
 * <p>End of stream is finished by {@link #onInputShutdown()}: the unfinished request is
 * counted and retired, and the ordinary read path drains the rest of the stream (copying it)
 * up to the real EOF. A pipe still installed when its channel closes is closed by Netty with
 * the channel ({@link #onTargetClosed()}). Event loop only.
 */
final class SpliceForwarder implements ChannelFutureListener, SplicePipes.Holder {

    private final RelayHandler side;
    private final Channel src;
    private final Channel dst;
    private final int chunk;
    private final int maxPipes;
    private final SplicePipes pipes;
    /** The pipe installed on {@code dst}, while this direction holds one. */
    private FileDescriptor[] pipe;
    private ChannelFuture current;
    private boolean currentCounted;
    private boolean eof;
    /** Bytes were read since the last tick. */
    private boolean active;

    SpliceForwarder(RelayHandler side, Channel src, Channel dst, int chunk, int maxPipes, SplicePipes pipes) {
        this.side = side;
        this.src = src;
        this.dst = dst;
        this.chunk = chunk;
        this.maxPipes = maxPipes;
        this.pipes = pipes;
    }

    /**
     * A read of this direction filled its buffer (more is probably waiting) and was written to
     * the target by the copy path: if this direction holds no pipe yet, take one so that what
     * follows is spliced.
     */
    void onCopied() {
        if (pipe != null || eof || side.session().isTerminated() || !src.isActive() || !dst.isActive()
                || DefaultRelaySession.isInputShutdown(src)) {
            return;
        }
        FileDescriptor[] p = pipes.take(maxPipes);
        if (p == null) {
            return; // copy, and try again on the next read
        }
        SpliceInternals.installPipe(dst, p);
        pipe = p;
        active = true;
        pipes.watch(this);
        queueNext();
    }

    /** A read batch on the source ended (spliced or copied). */
    void onReadComplete() {
        active = true;
    }

    /** Whether this direction holds a pipe now. */
    boolean holdsPipe() {
        return pipe != null;
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
            active = true;
            side.session().touch();
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
        retire();
        src.read();
    }

    /** Counts the bytes the unfinished request moved and makes it complete, unused, on the next read. */
    private boolean retire() {
        if (current != null && !current.isDone() && !currentCounted) {
            int splicedIn = SpliceInternals.finishHead(src, current, chunk);
            if (splicedIn < 0) {
                return false;
            }
            currentCounted = true;
            side.countSpliced(splicedIn);
        }
        return true;
    }

    /** Gives the pipe back after a tick without reads, once it is empty. */
    @Override
    public boolean onTick() {
        if (pipe == null) {
            return false;
        }
        if (active) {
            active = false;
            return true;
        }
        return !giveBack();
    }

    /** This direction's output is finished and flushed: give the pipe back now. */
    void onFinished() {
        giveBack();
    }

    /**
     * Retires the request and gives the pipe back, if it is empty: nothing left in the
     * target's outbound buffer (which holds each spliced-in batch until its bytes left the
     * pipe), or no outbound buffer any more (the target's output is shut: nothing reads from
     * the pipe again; {@link SplicePipes#give} pools it only if it is empty). Returns whether
     * it did.
     */
    private boolean giveBack() {
        if (pipe == null || !dst.isOpen()) {
            return false; // a closing target closes its pipe (onTargetClosed)
        }
        ChannelOutboundBuffer out = dst.unsafe().outboundBuffer();
        if (out != null && !out.isEmpty() || !retire()) {
            return false;
        }
        current = null;
        SpliceInternals.dropRetiredQueue(src);
        SpliceInternals.removePipe(dst);
        FileDescriptor[] p = pipe;
        pipe = null;
        pipes.give(p);
        return true;
    }

    /** The target channel closed, and Netty closed the pipe installed on it. */
    void onTargetClosed() {
        if (pipe != null) {
            pipe = null;
            pipes.closedWithChannel();
        }
    }

    boolean sawEof() {
        return eof;
    }
}
