package org.haap.core.sys;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link NetlinkEventStream} dropped or lost, for metrics: messages dropped by
 * {@link Drop reason}, receive-queue overruns and socket errors that ended the loop. Made by
 * whoever exports the counts and handed to the stream (or a fresh one per stream); safe to
 * read from any thread.
 */
public final class NetlinkEventStats {

    /** Why a received message produced no delivered event. */
    public enum Drop {
        /** A message type or event the decoder does not know. */
        UNKNOWN,
        /** A message the decoder found malformed (truncated, overlong, an attribute missing). */
        MALFORMED,
        /** The decoder or the listener threw something other than a format error. */
        FAILED,
        /** A datagram from another process's netlink socket, not from the kernel. */
        FOREIGN_SENDER
    }

    private final Map<Drop, LongAdder> dropped = new EnumMap<>(Drop.class);
    private final LongAdder overruns = new LongAdder();
    private final LongAdder errors = new LongAdder();

    public NetlinkEventStats() {
        for (Drop d : Drop.values()) {
            dropped.put(d, new LongAdder());
        }
    }

    /** Messages (datagrams for {@link Drop#FOREIGN_SENDER}) dropped so far for {@code reason}. */
    public long dropped(Drop reason) {
        return dropped.get(reason).sum();
    }

    /** Messages dropped so far for any reason. */
    public long droppedTotal() {
        long n = 0;
        for (LongAdder a : dropped.values()) {
            n += a.sum();
        }
        return n;
    }

    /** Receive-queue overruns (ENOBUFS) so far: each lost an unknown number of events. */
    public long overruns() {
        return overruns.sum();
    }

    /** Socket errors that ended a receive loop. */
    public long errors() {
        return errors.sum();
    }

    /**
     * Counts {@code n} messages dropped for {@code reason}; for readers of the same socket
     * outside the stream (for example a dump read before the stream starts).
     */
    public void drop(Drop reason, long n) {
        dropped.get(reason).add(n);
    }

    void overrun() {
        overruns.increment();
    }

    void error() {
        errors.increment();
    }
}
