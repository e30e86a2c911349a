package org.haap.loadtest.failover;

/**
 * When things happen in one measured transfer, in ms from its start: the download runs for
 * {@code transferMs}, the fault is injected at {@code faultAtMs} and removed at
 * {@code restoreAtMs}; counters are sampled every {@code sampleMs}.
 *
 * @param transferMs  how long the server sends
 * @param faultAtMs   when the fault is injected, &gt; 0
 * @param restoreAtMs when it is removed, after the fault and before the end
 * @param sampleMs    the sampling interval
 */
public record Timeline(long transferMs, long faultAtMs, long restoreAtMs, long sampleMs) {

    /** The scenario's timeline: 20 s transfer, fault at 5 s, repaired at 12 s, 100 ms samples. */
    public static final Timeline DEFAULT = new Timeline(20_000, 5_000, 12_000, 100);

    public Timeline {
        if (sampleMs < 10 || sampleMs > 1_000) {
            throw new IllegalArgumentException("sampleMs: " + sampleMs + " (expected: 10..1000)");
        }
        if (faultAtMs < 2 * sampleMs) {
            throw new IllegalArgumentException("faultAtMs: " + faultAtMs + " (expected: >= " + 2 * sampleMs + ")");
        }
        if (restoreAtMs <= faultAtMs) {
            throw new IllegalArgumentException("restoreAtMs: " + restoreAtMs + " (expected: > faultAtMs " + faultAtMs + ")");
        }
        if (transferMs <= restoreAtMs || transferMs > 600_000) {
            throw new IllegalArgumentException("transferMs: " + transferMs + " (expected: > restoreAtMs "
                    + restoreAtMs + ", <= 600000)");
        }
    }
}
