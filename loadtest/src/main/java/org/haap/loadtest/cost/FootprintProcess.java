package org.haap.loadtest.cost;

import java.util.List;

/**
 * One proxy process's readings over a {@code footprint} run.
 *
 * @param route          the route it carries
 * @param side           {@code cpe} (the HAAP gateway, the CPE's HAProxy) or {@code ap}
 * @param seconds        when each RSS reading was taken, from the start of the traffic; the
 *                       first right after the process started, before any traffic, the last
 *                       once the traffic had stopped
 * @param rssKib         the RSS readings, KiB
 * @param heapAfterGcKib the live heap after a full GC at the end, KiB; -1 for a process that
 *                       is not a JVM
 * @param rssAfterGcKib  the RSS right after that full GC, KiB; -1 for a process that is not a JVM
 * @param endFds         open file descriptors at the end
 * @param cpuSeconds     CPU seconds the process used from the first reading to the last
 */
record FootprintProcess(Route route, String side, List<Double> seconds, List<Long> rssKib, long heapAfterGcKib,
                        long rssAfterGcKib, int endFds, double cpuSeconds) {

    FootprintProcess {
        seconds = List.copyOf(seconds);
        rssKib = List.copyOf(rssKib);
        if (seconds.size() != rssKib.size() || seconds.isEmpty()) {
            throw new IllegalArgumentException("readings: " + seconds.size() + " times and " + rssKib.size()
                    + " RSS values (expected: as many, at least one)");
        }
    }

    /** The RSS right after the start, KiB. */
    long startRssKib() {
        return rssKib.get(0);
    }

    /** The RSS at the end, once the traffic stopped, KiB: the figure the acceptance uses. */
    long endRssKib() {
        return rssKib.get(rssKib.size() - 1);
    }

    /** The largest RSS reading, KiB. */
    long peakRssKib() {
        return rssKib.stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /** When the largest RSS reading was taken (the first such reading). */
    double peakSeconds() {
        return seconds.get(rssKib.indexOf(peakRssKib()));
    }

    /** CPU from the first reading to the last, in percent of one core. */
    double cpuPercent() {
        double span = seconds.get(seconds.size() - 1) - seconds.get(0);
        return span > 0 ? 100 * cpuSeconds / span : Double.NaN;
    }

    /** Whether the process is a JVM (it has a heap reading). */
    boolean java() {
        return heapAfterGcKib >= 0;
    }
}
