package org.haap.core.sys;

import java.io.Closeable;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Typed events from a netlink socket subscribed to multicast groups: each received message
 * goes through a {@link Decoder}, which emits zero or more events. Nothing a message does
 * stops the stream: unknown messages, malformed ones, ones whose decoder or listener throws
 * and datagrams that did not come from the kernel are dropped and counted by reason
 * ({@link NetlinkEventStats}), and with a listener every thrown exception reaches
 * {@link Listener#onFailure} while the loop goes on. Only a socket error other than an
 * overrun ends the loop. Either pollable ({@link #poll}) or run by a receive loop on its own
 * thread ({@link #start}); not both. {@link #close()} stops the loop and closes the socket.
 *
 * @param <E> the event type
 */
public final class NetlinkEventStream<E> implements Closeable {

    private static final System.Logger LOG = System.getLogger(NetlinkEventStream.class.getName());
    private static final int ENOBUFS = 105;
    private static final int EIO = 5;
    private static final Duration LOOP_TICK = Duration.ofMillis(100);

    /** Turns one received message into events. */
    @FunctionalInterface
    public interface Decoder<E> {
        /**
         * Emits the events {@code message} carries to {@code out}; emits nothing for a message
         * it does not know. Throws {@link IllegalArgumentException} (for example a
         * {@link NetlinkFormatException} from {@link NetlinkAttributes}) for a malformed one.
         */
        void decode(NetlinkMessage message, Consumer<? super E> out);
    }

    /** What the receive loop of {@link #start} reports. Called on the loop's thread. */
    public interface Listener<E> {
        /** One decoded event, in the kernel's order. */
        void onEvent(E event);

        /**
         * The socket's receive queue overran (ENOBUFS): events were lost. The loop goes on;
         * a consumer that keeps state should re-read it from the kernel.
         */
        default void onEventsLost() {
        }

        /**
         * Something failed on the loop's thread. A {@link NetlinkMessageException}: one message
         * was malformed, or its decoder or this listener's {@link #onEvent} threw (the cause);
         * it was dropped and counted, its events are lost, and the loop goes on. Any other
         * {@link NetlinkException}: a socket error other than an overrun; the loop has stopped.
         */
        default void onFailure(NetlinkException cause) {
        }
    }

    private final NetlinkSocket socket;
    private final Decoder<E> decoder;
    private final String name;
    private final Deque<E> pending = new ArrayDeque<>();
    private final ByteBuffer rx = ByteBuffer.allocate(256 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    private final NetlinkEventStats stats;
    private long foreignSeen;
    private final Object lock = new Object();
    private Thread thread;
    private volatile boolean closed;

    /**
     * A stream over {@code socket} (already subscribed). {@code initial} events, for example
     * ones received while a dump was read, are delivered first. The stream owns the socket.
     */
    public NetlinkEventStream(String name, NetlinkSocket socket, Decoder<E> decoder, Collection<? extends E> initial) {
        this(name, socket, decoder, initial, new NetlinkEventStats());
    }

    /** As {@link #NetlinkEventStream(String, NetlinkSocket, Decoder, Collection)}, counting into {@code stats}. */
    public NetlinkEventStream(String name, NetlinkSocket socket, Decoder<E> decoder, Collection<? extends E> initial,
            NetlinkEventStats stats) {
        this.stats = Objects.requireNonNull(stats, "stats");
        this.name = Objects.requireNonNull(name, "name");
        this.socket = Objects.requireNonNull(socket, "socket");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.pending.addAll(initial);
    }

    /**
     * Waits up to {@code timeout} for at least one event and returns every event then
     * available (empty when the timeout passed first). Not for use after {@link #start}.
     *
     * @throws NetlinkException on a socket error; errno ENOBUFS (105) means events were lost,
     *         EBADF (9) that the stream is closed
     */
    public List<E> poll(Duration timeout) throws NetlinkException {
        synchronized (lock) {
            if (thread != null) {
                throw new IllegalStateException(name + ": events are delivered to a listener");
            }
            if (closed) {
                throw new NetlinkException(name + ": closed", 9);
            }
        }
        List<E> out = new ArrayList<>();
        drainPending(out::add);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                break;
            }
            receiveOnce(Duration.ofNanos(left), out::add, failure -> { });
        }
        return out;
    }

    /**
     * Starts the receive loop on a new daemon thread named after this stream; events go to
     * {@code listener}. A listener that throws is logged, counted, told through
     * {@link Listener#onFailure} and the loop goes on.
     */
    public void start(Listener<? super E> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            if (thread != null || closed) {
                throw new IllegalStateException(name + ": already started or closed");
            }
            thread = new Thread(() -> loop(listener), name);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Messages dropped so far for any reason (see {@link #stats()}). */
    public long skipped() {
        return stats.droppedTotal();
    }

    /** What this stream dropped or lost, by reason. */
    public NetlinkEventStats stats() {
        return stats;
    }

    /** The port id of the underlying socket. */
    public int portId() {
        return socket.portId();
    }

    /**
     * Stops the receive loop (waiting for it unless called from a listener) and closes the
     * socket. Idempotent.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        if (t == null) {
            socket.close();
        } else if (t != Thread.currentThread()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop(Listener<? super E> listener) {
        Consumer<NetlinkMessageException> failures = e -> report(listener, e);
        Consumer<E> deliver = e -> {
            try {
                listener.onEvent(e);
            } catch (RuntimeException ex) {
                stats.drop(NetlinkEventStats.Drop.FAILED, 1);
                LOG.log(Level.WARNING, name + ": listener failed on " + e, ex);
                report(listener, new NetlinkMessageException(name + ": listener failed on " + e, ex));
            }
        };
        try {
            drainPending(deliver);
            while (!closed) {
                try {
                    receiveOnce(LOOP_TICK, deliver, failures);
                } catch (NetlinkException e) {
                    if (e.errno() != ENOBUFS) {
                        if (!closed) {
                            stats.error();
                            report(listener, e);
                        }
                        return;
                    }
                    stats.overrun();
                    try {
                        listener.onEventsLost();
                    } catch (RuntimeException ex) {
                        LOG.log(Level.WARNING, name + ": listener failed on an overrun", ex);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            // a defect of this loop itself: say so rather than let the thread die silently
            stats.error();
            LOG.log(Level.ERROR, name + ": receive loop failed", e);
            NetlinkException failure = new NetlinkException(name + ": receive loop failed: " + e, EIO);
            failure.initCause(e);
            report(listener, failure);
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            closed = true;
            socket.close();
        }
    }

    private void report(Listener<?> listener, NetlinkException cause) {
        try {
            listener.onFailure(cause);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, name + ": listener failed in onFailure", ex);
        }
    }

    private void drainPending(Consumer<? super E> out) {
        E e;
        while ((e = pending.poll()) != null) {
            out.accept(e);
        }
    }

    private void receiveOnce(Duration timeout, Consumer<? super E> out,
            Consumer<NetlinkMessageException> failures) throws NetlinkException {
        int n;
        try {
            n = socket.receive(rx, timeout);
        } finally {
            long foreign = socket.foreignDropped();
            stats.drop(NetlinkEventStats.Drop.FOREIGN_SENDER, foreign - foreignSeen);
            foreignSeen = foreign;
        }
        if (n > 0) {
            dispatch(name, decoder, stats, rx, out, failures);
        }
    }

    /**
     * Decodes every message of one received {@code datagram} (position to limit) and emits
     * its events to {@code out}; counts each message that yields none, and reports each one
     * that is malformed or whose decoder throws to {@code failures}. Never throws for what the
     * datagram holds.
     */
    static <E> void dispatch(String name, Decoder<E> decoder, NetlinkEventStats stats, ByteBuffer datagram,
            Consumer<? super E> out, Consumer<NetlinkMessageException> failures) {
        List<NetlinkMessage> messages;
        try {
            messages = NetlinkMessage.parseAll(datagram);
        } catch (IllegalArgumentException e) {
            stats.drop(NetlinkEventStats.Drop.MALFORMED, 1);
            LOG.log(Level.DEBUG, name + ": malformed datagram of " + datagram.remaining() + " bytes", e);
            failures.accept(new NetlinkMessageException(name + ": malformed datagram of " + datagram.remaining()
                    + " bytes: " + e.getMessage(), e));
            return;
        }
        for (NetlinkMessage m : messages) {
            int[] count = {0};
            try {
                decoder.decode(m, ev -> {
                    count[0]++;
                    out.accept(ev);
                });
            } catch (IllegalArgumentException e) {
                stats.drop(NetlinkEventStats.Drop.MALFORMED, 1);
                LOG.log(Level.DEBUG, name + ": malformed " + m, e);
                failures.accept(new NetlinkMessageException(name + ": malformed " + m + ": " + e.getMessage(), e));
                continue;
            } catch (RuntimeException e) {
                stats.drop(NetlinkEventStats.Drop.FAILED, 1);
                LOG.log(Level.WARNING, name + ": decoder failed on " + m, e);
                failures.accept(new NetlinkMessageException(name + ": decoder failed on " + m + ": " + e, e));
                continue;
            }
            if (count[0] == 0) {
                stats.drop(NetlinkEventStats.Drop.UNKNOWN, 1);
            }
        }
    }
}
