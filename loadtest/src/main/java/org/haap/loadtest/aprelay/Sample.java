package org.haap.loadtest.aprelay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of one measurement.
 *
 * @param mode        how the client reached the server
 * @param transfer    upload or download
 * @param connections parallel connections
 * @param run         1-based repetition number
 * @param measurement what was moved, in how long
 * @param apCpuSeconds CPU seconds the AP process used during the run (NaN for the baseline)
 * @param lteShare    the share of the CPE's WAN bytes (in the transfer's direction) that
 *                    went over the LTE link, 0..1 (NaN when nothing was counted)
 * @param error       why the run failed, or null when it succeeded (a failed run's
 *                    measurement is empty and it is left out of medians)
 */
public record Sample(Mode mode, Transfer transfer, int connections, int run, Measurement measurement,
                     double apCpuSeconds, double lteShare, String error) {

    /** Whether the run completed. */
    public boolean ok() {
        return error == null;
    }

    /** AP CPU seconds per 10^9 payload bytes, NaN for the baseline or when nothing moved. */
    public double apCpuSecondsPerGb() {
        long bytes = measurement.bytes();
        return bytes == 0 ? Double.NaN : apCpuSeconds / (bytes / 1e9);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", mode.label());
        m.put("transfer", transfer.label());
        m.put("connections", connections);
        m.put("run", run);
        m.put("bytes", measurement.bytes());
        m.put("seconds", measurement.seconds());
        m.put("mbit_per_s", measurement.mbitPerSecond());
        m.put("min_subflows", measurement.minSubflows());
        m.put("ap_cpu_seconds", apCpuSeconds);
        m.put("ap_cpu_seconds_per_gb", apCpuSecondsPerGb());
        m.put("lte_share", lteShare);
        m.put("error", error);
        return m;
    }
}
