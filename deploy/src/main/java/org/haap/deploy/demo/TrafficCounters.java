package org.haap.deploy.demo;

import java.util.concurrent.atomic.LongAdder;

/**
 * Application bytes counted where they are received, while transfers run: upload bytes by
 * the {@link TrafficServer}, download bytes by the {@link TrafficClient}. Sampling them
 * gives goodput at the receiving end.
 */
public final class TrafficCounters {

    private final LongAdder uploadReceived = new LongAdder();
    private final LongAdder downloadReceived = new LongAdder();

    /** The server's counter of upload bytes. */
    public LongAdder uploadReceived() {
        return uploadReceived;
    }

    /** The client's counter of download bytes. */
    public LongAdder downloadReceived() {
        return downloadReceived;
    }

    /** A snapshot: {@code [upload, download]} bytes received so far. */
    public long[] snapshot() {
        return new long[] {uploadReceived.sum(), downloadReceived.sum()};
    }
}
