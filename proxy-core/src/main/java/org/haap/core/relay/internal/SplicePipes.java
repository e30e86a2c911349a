package org.haap.core.relay.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.netty.channel.EventLoop;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * The splice pipes of one event loop's relay sessions. A direction holds a pipe (two file
 * descriptors) only while it moves data: it {@linkplain #take takes} one when bytes arrive
 * and {@linkplain #give gives} it back once it has moved nothing for a whole {@linkplain
 * #TICK_NANOS tick} and the pipe is empty, so an idle session holds just its two sockets.
 * Given-back pipes are kept for the next direction, up to {@link #POOLED} per event loop;
 * the rest are closed. A pipe is pooled only after a non-blocking read found it empty, so no
 * byte of one session can reach another. Process-wide, at most the caller's limit of pipes
 * are open (in use or pooled); past it, or when {@code pipe(2)} fails (out of file
 * descriptors), a direction copies its bytes instead and counts a shortage.
 *
 * <p>Event loop only, except the process-wide counters, which metrics read from any thread.
 */
public final class SplicePipes {

    private static final InternalLogger logger = InternalLoggerFactory.getInstance(SplicePipes.class);

    /** Empty pipes kept per event loop for reuse. */
    static final int POOLED = 4;
    /** How often the directions holding a pipe are looked at; an idle one gives it back after one to two ticks. */
    static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final AtomicInteger OPEN = new AtomicInteger();
    private static final AtomicInteger IN_USE = new AtomicInteger();
    private static final LongAdder SHORTAGES = new LongAdder();
    private static final FastThreadLocal<SplicePipes> PER_LOOP = new FastThreadLocal<>();

    /** A direction holding a pipe, looked at once a tick. */
    interface Holder {
        /** Called once a tick; returns whether to be called again next tick. */
        boolean onTick();
    }

    private final EventLoop loop;
    private final ArrayDeque<FileDescriptor[]> pooled = new ArrayDeque<>(POOLED);
    private final ByteBuffer probe = ByteBuffer.allocateDirect(1);
    private ArrayList<Holder> watched = new ArrayList<>();
    private ArrayList<Holder> ticking = new ArrayList<>();
    private boolean scheduled;

    SplicePipes(EventLoop loop) {
        this.loop = loop;
    }

    /** The pipes of {@code loop}; call on that loop. Pooled pipes are closed when the loop terminates. */
    static SplicePipes of(EventLoop loop) {
        SplicePipes pipes = PER_LOOP.getIfExists();
        if (pipes == null) {
            SplicePipes created = new SplicePipes(loop);
            PER_LOOP.set(created);
            loop.terminationFuture().addListener(f -> created.closePooled());
            pipes = created;
        }
        return pipes;
    }

    /** Pipes held by relay directions now, in the whole process. */
    public static int inUse() {
        return IN_USE.get();
    }

    /** Empty pipes kept for reuse now, in the whole process. */
    public static int pooled() {
        return Math.max(0, OPEN.get() - IN_USE.get());
    }

    /** Times a direction had bytes to move but got no pipe (limit reached or {@code pipe(2)} failed), so copied them. */
    public static long shortages() {
        return SHORTAGES.sum();
    }

    /**
     * A pipe for a direction that has bytes to move, as {@code [read end, write end]}: a
     * pooled one, else a new one while fewer than {@code limit} are open in the process;
     * null (a shortage) when neither.
     */
    FileDescriptor[] take(int limit) {
        FileDescriptor[] pipe = pooled.poll();
        if (pipe == null) {
            if (OPEN.incrementAndGet() > limit) {
                OPEN.decrementAndGet();
                SHORTAGES.increment();
                return null;
            }
            try {
                pipe = FileDescriptor.pipe();
            } catch (IOException e) {
                OPEN.decrementAndGet();
                SHORTAGES.increment();
                logger.debug("no splice pipe, copying instead: {}", e.toString());
                return null;
            }
        }
        IN_USE.incrementAndGet();
        return pipe;
    }

    /**
     * Takes back a pipe that a direction no longer needs and that nothing reads from or
     * writes to any more: pooled if there is room and it is empty, else closed.
     */
    void give(FileDescriptor[] pipe) {
        IN_USE.decrementAndGet();
        if (pooled.size() < POOLED && isEmpty(pipe[0])) {
            pooled.push(pipe);
            return;
        }
        close(pipe);
    }

    /** Accounts for a pipe in use that its channel closed (Netty closes a channel's splice pipe with it). */
    void closedWithChannel() {
        IN_USE.decrementAndGet();
        OPEN.decrementAndGet();
    }

    /** Calls {@code holder.onTick()} every tick until it returns false. */
    void watch(Holder holder) {
        watched.add(holder);
        if (!scheduled) {
            scheduled = true;
            loop.schedule(this::tick, TICK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** Pipes pooled on this loop (tests). */
    int pooledHere() {
        return pooled.size();
    }

    private void tick() {
        ArrayList<Holder> now = watched;
        watched = ticking;
        ticking = now;
        for (Holder h : now) {
            if (h.onTick()) {
                watched.add(h);
            }
        }
        now.clear();
        if (watched.isEmpty()) {
            scheduled = false;
        } else {
            loop.schedule(this::tick, TICK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /** A non-blocking read of one byte: nothing there (EAGAIN) means empty; a byte read or an error means not reusable. */
    private boolean isEmpty(FileDescriptor readEnd) {
        try {
            probe.clear();
            int n = readEnd.read(probe, 0, 1);
            if (n == 0) {
                return true;
            }
            logger.debug("a splice pipe given back was not empty (read {}); closed, not pooled", n);
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private void closePooled() {
        for (FileDescriptor[] pipe; (pipe = pooled.poll()) != null; ) {
            close(pipe);
        }
    }

    private static void close(FileDescriptor[] pipe) {
        OPEN.decrementAndGet();
        for (FileDescriptor fd : pipe) {
            try {
                fd.close();
            } catch (IOException e) {
                logger.debug("closing a splice pipe failed: {}", e.toString());
            }
        }
    }
}
