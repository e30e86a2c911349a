package org.haap.loadtest.hybrid;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.haap.loadtest.Stats;
import org.haap.loadtest.Table;

/**
 * What the page-load scenarios ({@code pageload}, {@code browser}) measured in one
 * {@link LoadMode}: its page-load times and the bytes each WAN carried per page; with the
 * comparisons their tables make against the direct single-WAN baselines.
 */
public interface ModeOutcome {

    /** The mode. */
    LoadMode mode();

    /** The page-load times. */
    Timings timings();

    /** By WAN name, the bytes the CPE received on it per page load. */
    Map<String, Long> downPerPage();

    /** Up to a few distinct failure messages. */
    List<String> errors();

    /**
     * The shortest time the busiest WAN needs for its share of a page at its rate
     * ({@code max over WANs of bytes x 8 / rate}): no split of these bytes over the links
     * loads the page faster. NaN without counters or rates.
     */
    default double floorMs(Map<String, Object> rateMbit) {
        double floor = Double.NaN;
        for (Map.Entry<String, Long> e : downPerPage().entrySet()) {
            if (rateMbit.get(e.getKey()) instanceof Number rate && rate.doubleValue() > 0) {
                double ms = e.getValue() * 8 / (rate.doubleValue() * 1e3);
                floor = Double.isNaN(floor) ? ms : Math.max(floor, ms);
            }
        }
        return floor;
    }

    /** The median of the direct fetch over WAN {@code wan} (by name), NaN when not measured. */
    static double directMedian(List<? extends ModeOutcome> results, String wan) {
        return results.stream().filter(r -> r.mode().direct() != null && r.mode().direct().interfaceName().equals(wan))
                .mapToDouble(r -> r.timings().median()).findFirst().orElse(Double.NaN);
    }

    /** The lower median of the direct fetches, NaN when none was measured. */
    static double bestDirectMedian(List<? extends ModeOutcome> results) {
        return results.stream().filter(r -> r.mode().direct() != null)
                .mapToDouble(r -> r.timings().median()).min().orElse(Double.NaN);
    }

    /** The median of {@code mode}, NaN when it was not measured. */
    static double median(List<? extends ModeOutcome> results, LoadMode mode) {
        return results.stream().filter(r -> r.mode().equals(mode))
                .mapToDouble(r -> r.timings().median()).findFirst().orElse(Double.NaN);
    }

    /**
     * The table's first cells of a mode: mode, runs, failures, the median, p90 and
     * {@code worst} (a percentile: 99, or 100 for the slowest) with {@code decimals}.
     */
    default List<String> leadingCells(int decimals, double worst) {
        return new java.util.ArrayList<>(List.of(mode().label(), Integer.toString(timings().attempts()),
                Integer.toString(timings().failures()), Table.number(timings().median(), decimals),
                Table.number(timings().percentile(90), decimals), Table.number(timings().percentile(worst), decimals)));
    }

    /** The median relative to {@code base} (the direct fetch over the default WAN) and to {@code best} (the faster one). */
    default List<String> ratioCells(double base, double best) {
        return List.of(Table.number(Stats.ratio(timings().median(), base), 2),
                Table.number(Stats.ratio(timings().median(), best), 2));
    }

    /** The cells of the WAN columns ({@link #wanHeaders}): KiB per page on each WAN of {@code rateMbit}, the floor. */
    default List<String> wanCells(Map<String, Object> rateMbit) {
        List<String> row = new java.util.ArrayList<>();
        for (String w : rateMbit.keySet()) {
            Long bytes = downPerPage().get(w);
            row.add(bytes == null ? "-" : Table.number(bytes / 1024.0, 0));
        }
        row.add(Table.number(floorMs(rateMbit), 0));
        return row;
    }

    /** The headers of the WAN columns: {@code dsl KiB/page}, ..., {@code floor ms}. */
    static List<String> wanHeaders(Map<String, Object> rateMbit) {
        List<String> h = new java.util.ArrayList<>();
        rateMbit.keySet().forEach(w -> h.add(w + " KiB/page"));
        h.add("floor ms");
        return h;
    }

    /** The JSON fields every mode has: mode, pool, the timings, the bytes per WAN and the floor. */
    default Map<String, Object> jsonFields(Map<String, Object> rateMbit) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("mode", mode().jsonMode());
        e.put("pool", mode().pool());
        e.putAll(timings().toJson());
        e.put("down_bytes_per_page", downPerPage());
        double floor = floorMs(rateMbit);
        if (!Double.isNaN(floor)) {
            e.put("floor_ms", Math.round(floor * 10) / 10.0);
        }
        return e;
    }

    /** The JSON fields both scenarios start with. */
    static Map<String, Object> jsonHead(String scenario, String profile, String defaultWan, Map<String, Object> rttMs,
                                        Map<String, Object> rateMbit, int runs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.put("profile", profile);
        m.put("default_wan", defaultWan);
        m.put("rtt_ms", rttMs);
        m.put("rate_mbit", rateMbit);
        m.put("runs", runs);
        return m;
    }

    /** One line per failure message, {@code "  MODE: MESSAGE"}. */
    static String errorLines(List<? extends ModeOutcome> results) {
        StringBuilder sb = new StringBuilder();
        for (ModeOutcome r : results) {
            for (String e : r.errors()) {
                sb.append(String.format(Locale.ROOT, "  %s: %s%n", r.mode().label(), e));
            }
        }
        return sb.toString();
    }
}
