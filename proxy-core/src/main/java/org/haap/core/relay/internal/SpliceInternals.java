package org.haap.core.relay.internal;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Queue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.unix.FileDescriptor;

/**
 * The relay's only contact with Netty's epoll splice machinery, by reflection because
 * proxy-core sees the epoll transport at run time only.
 *
 * <p>Besides {@code AbstractEpollStreamChannel.spliceTo(target, len)} it reads the head of
 * the channel's splice queue: Netty's splice reports neither the bytes of an unfinished
 * request nor end of stream (splice(2) returning 0 means both EOF and EAGAIN), so at end of
 * stream the relay reads the remaining length of its unfinished request (to count the bytes
 * it did move) and sets it to zero (so the request completes and Netty's ordinary read path,
 * which does see EOF, drains the rest). It also sets and clears the target channel's splice
 * pipe ({@code pipeIn}, {@code pipeOut}), which Netty would otherwise create at the first
 * splice and keep until the channel closes: the relay lends each direction a pipe only while
 * it moves data ({@link SplicePipes}). When any of this is not reachable (no epoll, another
 * Netty version, a module system that forbids the access) {@link #AVAILABLE} is
 * {@code false} and the relay copies.
 */
final class SpliceInternals {

    private static final String STREAM_CHANNEL = "io.netty.channel.epoll.AbstractEpollStreamChannel";

    /** Whether splice, with exact accounting, can be used at all. */
    static final boolean AVAILABLE;
    private static final Class<?> STREAM_CLASS;
    private static final Method SPLICE_TO;
    private static final Method GET_EPOLL_MODE;
    private static final Field QUEUE;
    private static final Field LEN;
    private static final Field PROMISE;
    private static final Field PIPE_IN;
    private static final Field PIPE_OUT;

    static {
        Class<?> stream = null;
        Method spliceTo = null;
        Method mode = null;
        Field queue = null;
        Field len = null;
        Field promise = null;
        Field pipeIn = null;
        Field pipeOut = null;
        boolean ok;
        try {
            stream = Class.forName(STREAM_CHANNEL, false, Channel.class.getClassLoader());
            spliceTo = stream.getMethod("spliceTo", stream, int.class);
            Class<?> config = Class.forName("io.netty.channel.epoll.EpollChannelConfig", false,
                    stream.getClassLoader());
            mode = config.getMethod("getEpollMode");
            queue = stream.getDeclaredField("spliceQueue");
            Class<?> task = Class.forName(STREAM_CHANNEL + "$SpliceInTask", false, stream.getClassLoader());
            len = task.getDeclaredField("len");
            promise = task.getDeclaredField("promise");
            pipeIn = stream.getDeclaredField("pipeIn");
            pipeOut = stream.getDeclaredField("pipeOut");
            queue.setAccessible(true);
            len.setAccessible(true);
            promise.setAccessible(true);
            pipeIn.setAccessible(true);
            pipeOut.setAccessible(true);
            ok = len.getType() == int.class && Queue.class.isAssignableFrom(queue.getType())
                    && pipeIn.getType() == FileDescriptor.class && pipeOut.getType() == FileDescriptor.class;
        } catch (Throwable t) {
            ok = false;
        }
        AVAILABLE = ok;
        STREAM_CLASS = stream;
        SPLICE_TO = spliceTo;
        GET_EPOLL_MODE = mode;
        QUEUE = queue;
        LEN = len;
        PROMISE = promise;
        PIPE_IN = pipeIn;
        PIPE_OUT = pipeOut;
    }

    private SpliceInternals() {
    }

    /** Whether {@code ch} is an epoll stream channel in level-triggered mode. */
    static boolean isSpliceable(Channel ch) {
        if (!AVAILABLE || !STREAM_CLASS.isInstance(ch)) {
            return false;
        }
        try {
            Object mode = GET_EPOLL_MODE.invoke(ch.config());
            return mode instanceof Enum && "LEVEL_TRIGGERED".equals(((Enum<?>) mode).name());
        } catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }

    /** {@code src.spliceTo(dst, len)}; both must be {@linkplain #isSpliceable spliceable}. */
    static ChannelFuture spliceTo(Channel src, Channel dst, int len) {
        try {
            return (ChannelFuture) SPLICE_TO.invoke(src, dst, len);
        } catch (InvocationTargetException e) {
            return src.newFailedFuture(e.getCause());
        } catch (IllegalAccessException e) {
            return src.newFailedFuture(e);
        }
    }

    /**
     * If {@code ch}'s splice queue holds the request completing {@code request}, returns how
     * many of its {@code chunk} bytes were spliced in and makes it complete on the next read;
     * otherwise returns -1. The request need not be the head: when a chunk completes inside
     * Netty's read loop, the relay queues the next request before Netty removes the finished
     * one. Event loop only.
     */
    static int finishHead(Channel ch, ChannelFuture request, int chunk) {
        try {
            Queue<?> queue = (Queue<?>) QUEUE.get(ch);
            if (queue == null) {
                return -1;
            }
            for (Object task : queue) {
                if (PROMISE.get(task) == request) {
                    int remaining = LEN.getInt(task);
                    LEN.setInt(task, 0);
                    return chunk - remaining;
                }
            }
            return -1;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("splice internals became inaccessible", e);
        }
    }

    /**
     * Drops {@code src}'s splice queue if every request in it is retired (length 0), so that
     * a channel whose direction went idle does not keep Netty's queue (an array of 1,024
     * slots, about 4 KiB) for the rest of its life; Netty makes a new one at the next
     * request. Not from inside {@code src}'s read loop with live requests. Event loop only.
     */
    static void dropRetiredQueue(Channel src) {
        try {
            Queue<?> queue = (Queue<?>) QUEUE.get(src);
            if (queue == null) {
                return;
            }
            for (Object task : queue) {
                if (LEN.getInt(task) != 0) {
                    return;
                }
            }
            QUEUE.set(src, null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("splice internals became inaccessible", e);
        }
    }

    /**
     * Makes {@code pipe} ({@code [read end, write end]}) the pipe that splices into {@code
     * target} use; {@code target} must have none. Event loop only.
     */
    static void installPipe(Channel target, FileDescriptor[] pipe) {
        try {
            if (PIPE_OUT.get(target) != null || PIPE_IN.get(target) != null) {
                throw new IllegalStateException("channel already has a splice pipe: " + target);
            }
            PIPE_IN.set(target, pipe[0]);
            PIPE_OUT.set(target, pipe[1]);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("splice internals became inaccessible", e);
        }
    }

    /**
     * Takes {@code target}'s splice pipe away (without closing it) and returns it as {@code
     * [read end, write end]}, or null if it has none. Only when nothing written to {@code
     * target} still reads from the pipe (its outbound buffer is empty). Event loop only.
     */
    static FileDescriptor[] removePipe(Channel target) {
        try {
            FileDescriptor in = (FileDescriptor) PIPE_IN.get(target);
            FileDescriptor out = (FileDescriptor) PIPE_OUT.get(target);
            if (in == null && out == null) {
                return null;
            }
            PIPE_IN.set(target, null);
            PIPE_OUT.set(target, null);
            return new FileDescriptor[] {in, out};
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("splice internals became inaccessible", e);
        }
    }

    /** Whether {@code target} has a splice pipe. Event loop only. */
    static boolean hasPipe(Channel target) {
        try {
            return PIPE_OUT.get(target) != null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("splice internals became inaccessible", e);
        }
    }
}
