package org.haap.loadtest.failover;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.haap.deploy.testbed.Wan;

/**
 * One measured transfer: the fault and path manager, the figures, the integrity verdict and
 * the samples they come from.
 *
 * @param fault           the injected fault
 * @param pathManager     the path manager asked for
 * @param effectiveMode   the path manager the gateway ran: {@code userspace}, {@code kernel}, or
 *                        {@code fallback} when it logged that the mode asked for is not
 *                        implemented yet
 * @param recoverMs       fault to goodput back above the threshold; NaN if not before the repair
 * @param rejoinMs        repair to DSL carrying data again; NaN if not before the end
 * @param faultCommandMs  how long the injecting command took (the fault counts from its end)
 * @param restoreCommandMs how long the repairing command took
 * @param streams         transfers started
 * @param integrity       {@code ok} (every transfer ended with matching SHA-256 at both ends),
 *                        {@code mismatch} (a digest or byte count differed) or {@code unknown}
 *                        (no transfer ended, so nothing could be compared)
 * @param connectionsLost transfers that failed before their end (reset, closed, not finished)
 * @param errors          one line per failed transfer
 * @param trace           the samples
 */
public record FailoverRun(Fault fault, PathManagerChoice pathManager, String effectiveMode, double recoverMs,
                          double rejoinMs, double faultCommandMs, double restoreCommandMs, int streams,
                          String integrity, int connectionsLost, List<String> errors, Trace trace) {

    public FailoverRun {
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(pathManager, "pathManager");
        Objects.requireNonNull(effectiveMode, "effectiveMode");
        Objects.requireNonNull(integrity, "integrity");
        errors = List.copyOf(errors);
        Objects.requireNonNull(trace, "trace");
    }

    /** The client's mean goodput over the whole transfer, Mbit/s. */
    public double meanGoodputMbit() {
        List<Sample> s = trace.samples();
        double ms = s.get(s.size() - 1).tMs() - s.get(0).tMs();
        return ms > 0 ? trace.received() * 8 / (ms * 1000) : Double.NaN;
    }

    /** Share of the download bytes that crossed LTE (0..1), NaN without any. */
    public double lteShare() {
        long d = trace.bytesDown(Wan.DSL);
        long l = trace.bytesDown(Wan.LTE);
        return d + l > 0 ? l / (double) (d + l) : Double.NaN;
    }

    /** The JSON object of this run; {@code series} adds the per-interval rates. */
    public Map<String, Object> toJson(boolean series) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fault", fault.label());
        m.put("policy", pathManager.label());
        m.put("path_manager", effectiveMode);
        m.put("recover_ms", round(recoverMs));
        m.put("rejoin_ms", round(rejoinMs));
        m.put("connections_lost", connectionsLost);
        m.put("integrity", integrity);
        Map<String, Object> bytes = new LinkedHashMap<>();
        Map<String, Object> down = new LinkedHashMap<>();
        for (Wan w : Wan.values()) {
            bytes.put(w.interfaceName(), trace.bytes(w));
            down.put(w.interfaceName(), trace.bytesDown(w));
        }
        m.put("bytes", bytes);
        m.put("bytes_down", down);
        m.put("received_bytes", trace.received());
        m.put("mean_goodput_mbit", round(meanGoodputMbit()));
        m.put("streams", streams);
        m.put("fault_at_ms", round(trace.faultMs()));
        m.put("restore_at_ms", round(trace.restoreMs()));
        m.put("fault_command_ms", round(faultCommandMs));
        m.put("restore_command_ms", round(restoreCommandMs));
        m.put("errors", errors);
        if (series) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("t_ms", rounded(trace.intervalEndsMs()));
            s.put("goodput_mbit", rounded(trace.goodputMbit()));
            for (Wan w : Wan.values()) {
                s.put(w.interfaceName() + "_down_mbit", rounded(trace.downMbit(w)));
            }
            m.put("series", s);
        }
        return m;
    }

    private static List<Double> rounded(double[] v) {
        List<Double> out = new java.util.ArrayList<>(v.length);
        for (double d : v) {
            out.add(round(d));
        }
        return out;
    }

    /** {@code v} rounded to 0.1 (NaN stays NaN, written as null). */
    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : v;
    }
}
