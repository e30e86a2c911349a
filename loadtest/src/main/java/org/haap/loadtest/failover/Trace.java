package org.haap.loadtest.failover;

import java.util.List;
import java.util.Objects;

import org.haap.deploy.testbed.Wan;

/**
 * The samples of one transfer with the moments the fault took effect and was removed, and
 * the figures derived from them. Every time is in ms since the transfer started; a figure
 * that could not be observed is NaN.
 *
 * @param samples   the readings, oldest first, at least two
 * @param faultMs   when the fault was in effect (its command had returned)
 * @param restoreMs when it was removed (the repairing command had returned)
 */
public record Trace(List<Sample> samples, double faultMs, double restoreMs) {

    /** Windows shorter than this fraction of the asked length do not count (sampling jitter). */
    static final double WINDOW_TOLERANCE = 0.9;

    public Trace {
        samples = List.copyOf(Objects.requireNonNull(samples, "samples"));
        if (samples.size() < 2) {
            throw new IllegalArgumentException("samples: " + samples.size() + " (expected: >= 2)");
        }
        if (!(restoreMs > faultMs)) {
            throw new IllegalArgumentException("restoreMs: " + restoreMs + " (expected: > faultMs " + faultMs + ")");
        }
    }

    /**
     * Time from the fault until the client's goodput over a window of {@code windowMs}
     * (consecutive samples, starting at or after the fault and before the repair) is at
     * least {@code bytesPerSecond}: the end of the first such window minus the fault time.
     * NaN when goodput never got there before the repair.
     */
    public double recoverMs(double bytesPerSecond, double windowMs) {
        for (int i = 0; i < samples.size(); i++) {
            Sample a = samples.get(i);
            if (a.tMs() < faultMs) {
                continue;
            }
            if (a.tMs() >= restoreMs) {
                break;
            }
            for (int j = i + 1; j < samples.size(); j++) {
                Sample b = samples.get(j);
                double span = b.tMs() - a.tMs();
                if (span >= windowMs * WINDOW_TOLERANCE) {
                    if ((b.received() - a.received()) * 1000.0 / span >= bytesPerSecond) {
                        return b.tMs() - faultMs;
                    }
                    break;
                }
            }
        }
        return Double.NaN;
    }

    /**
     * Time from the repair until DSL carries data again: the end of the first sampling
     * interval starting at or after the repair in which the CPE received at least
     * {@code bytesPerSecond} on DSL, minus the repair time. NaN when it never did before
     * the transfer ended.
     */
    public double rejoinMs(double bytesPerSecond) {
        for (int i = 0; i + 1 < samples.size(); i++) {
            Sample a = samples.get(i);
            Sample b = samples.get(i + 1);
            if (a.tMs() < restoreMs) {
                continue;
            }
            double span = b.tMs() - a.tMs();
            if (span > 0 && (b.dslRx() - a.dslRx()) * 1000.0 / span >= bytesPerSecond) {
                return b.tMs() - restoreMs;
            }
        }
        return Double.NaN;
    }

    /** Bytes {@code wan} carried (both directions) from the first sample to the last. */
    public long bytes(Wan wan) {
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        return wan == Wan.DSL
                ? (last.dslRx() - first.dslRx()) + (last.dslTx() - first.dslTx())
                : (last.lteRx() - first.lteRx()) + (last.lteTx() - first.lteTx());
    }

    /** Bytes the CPE received on {@code wan} (the download direction) from the first sample to the last. */
    public long bytesDown(Wan wan) {
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        return wan == Wan.DSL ? last.dslRx() - first.dslRx() : last.lteRx() - first.lteRx();
    }

    /** Application bytes the client received from the first sample to the last. */
    public long received() {
        return samples.get(samples.size() - 1).received() - samples.get(0).received();
    }

    /** The end of every sampling interval, in ms since the transfer started. */
    public double[] intervalEndsMs() {
        double[] out = new double[samples.size() - 1];
        for (int i = 1; i < samples.size(); i++) {
            out[i - 1] = samples.get(i).tMs();
        }
        return out;
    }

    /** The client's goodput in each sampling interval, Mbit/s (10^6 bit/s). */
    public double[] goodputMbit() {
        return rates(s -> s.received());
    }

    /** What the CPE received on {@code wan} in each sampling interval, Mbit/s. */
    public double[] downMbit(Wan wan) {
        return rates(wan == Wan.DSL ? Sample::dslRx : Sample::lteRx);
    }

    private double[] rates(java.util.function.ToLongFunction<Sample> counter) {
        double[] out = new double[samples.size() - 1];
        for (int i = 1; i < samples.size(); i++) {
            Sample a = samples.get(i - 1);
            Sample b = samples.get(i);
            double span = b.tMs() - a.tMs();
            out[i - 1] = span > 0 ? (counter.applyAsLong(b) - counter.applyAsLong(a)) * 8 / (span * 1000) : 0;
        }
        return out;
    }
}
