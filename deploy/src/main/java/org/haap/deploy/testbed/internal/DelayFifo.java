package org.haap.deploy.testbed.internal;

/**
 * The packets of one queue waiting for their release time, oldest first. Because every
 * packet of a queue gets the same delay, release times grow with arrival order and a ring
 * of (packet id, release time) pairs suffices. Thread-safe: one thread adds, another
 * releases.
 */
public final class DelayFifo {
    private int[] ids = new int[1024];
    private long[] deadlines = new long[1024];
    private int head;
    private int size;

    /** Appends a packet; returns true if the FIFO was empty before. */
    public synchronized boolean add(int packetId, long deadlineNanos) {
        if (size == ids.length) {
            grow();
        }
        int tail = (head + size) & (ids.length - 1);
        ids[tail] = packetId;
        deadlines[tail] = deadlineNanos;
        size++;
        return size == 1;
    }

    /**
     * Removes every packet whose release time is not after {@code nowNanos}.
     *
     * @return the id of the last removed packet as a long, or -1 when none was due
     */
    public synchronized long pollExpired(long nowNanos) {
        long last = -1;
        while (size > 0 && deadlines[head] - nowNanos <= 0) {
            last = ids[head] & 0xffffffffL;
            head = (head + 1) & (ids.length - 1);
            size--;
        }
        return last;
    }

    /** The release time of the oldest packet, or {@link Long#MAX_VALUE} when empty. */
    public synchronized long nextDeadline() {
        return size == 0 ? Long.MAX_VALUE : deadlines[head];
    }

    /** The number of packets waiting. */
    public synchronized int size() {
        return size;
    }

    private void grow() {
        int n = ids.length;
        int[] newIds = new int[n * 2];
        long[] newDeadlines = new long[n * 2];
        for (int i = 0; i < size; i++) {
            newIds[i] = ids[(head + i) & (n - 1)];
            newDeadlines[i] = deadlines[(head + i) & (n - 1)];
        }
        ids = newIds;
        deadlines = newDeadlines;
        head = 0;
    }
}
