package org.haap.loadtest.hybrid;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.haap.loadtest.Stats;

/**
 * Order statistics of the successful attempts of one measured point (milliseconds), with
 * the count of attempts and of failures (timed out or reset; not in the statistics).
 *
 * @param attempts how many attempts were made
 * @param failures how many of them failed
 * @param samplesMs the successful attempts' times, in the order measured
 */
public record Timings(int attempts, int failures, List<Double> samplesMs) {

    public Timings {
        samplesMs = List.copyOf(samplesMs);
        if (failures < 0 || attempts != failures + samplesMs.size()) {
            throw new IllegalArgumentException("attempts: " + attempts + " (expected: failures " + failures
                    + " + successes " + samplesMs.size() + ")");
        }
    }

    /** The median of the successes; NaN when there are none. */
    public double median() {
        return Stats.median(samplesMs);
    }

    /** The {@code p}-th percentile of the successes; NaN when there are none. */
    public double percentile(double p) {
        return Stats.percentile(samplesMs, p);
    }

    /** The mean of the successes; NaN when there are none. */
    public double mean() {
        return samplesMs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The JSON fields: attempts, failures, median/p10/p90/p99/mean in ms (null when NaN), samples. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempts", attempts);
        m.put("failures", failures);
        m.put("median_ms", round(median()));
        m.put("p10_ms", round(percentile(10)));
        m.put("p90_ms", round(percentile(90)));
        m.put("p99_ms", round(percentile(99)));
        m.put("mean_ms", round(mean()));
        m.put("samples_ms", samplesMs.stream().map(Timings::round).toList());
        return m;
    }

    /** {@code v} rounded to 0.1 ms (NaN stays NaN). */
    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : v;
    }
}
