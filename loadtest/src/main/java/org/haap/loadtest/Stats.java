package org.haap.loadtest;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics over samples; the samples are never modified. */
public final class Stats {

    private Stats() {
    }

    /** The median: the mean of the two middle values for an even count; NaN when empty. */
    public static double median(Collection<? extends Number> samples) {
        return percentile(samples, 50);
    }

    /**
     * The {@code p}-th percentile with linear interpolation between closest ranks (the
     * definition spreadsheets call PERCENTILE.INC): rank {@code p/100 * (n-1)} in the sorted
     * samples. NaN when there are no samples.
     *
     * @param p 0..100
     */
    public static double percentile(Collection<? extends Number> samples, double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("p: " + p + " (expected: 0..100)");
        }
        double[] v = samples.stream().mapToDouble(Number::doubleValue).toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        double rank = p / 100 * (v.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return v[lo] + (v[hi] - v[lo]) * (rank - lo);
    }

    /** {@code numerator / denominator}, or NaN when either is NaN or the denominator is 0. */
    public static double ratio(double numerator, double denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }
}
