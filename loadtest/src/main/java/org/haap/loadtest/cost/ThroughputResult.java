package org.haap.loadtest.cost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Stats;
import org.haap.loadtest.Table;
import org.haap.loadtest.plot.BarChart;

/** What {@code throughput} measured: the median Mbit/s per direction, connections and route, and ratios. */
final class ThroughputResult implements ScenarioResult {

    private final int seconds;
    private final int repeat;
    private final List<ThroughputRun> runs;

    ThroughputResult(int seconds, int repeat, List<ThroughputRun> runs) {
        this.seconds = seconds;
        this.repeat = repeat;
        this.runs = List.copyOf(runs);
    }

    /** One direction, connection count and route over its rounds. */
    record Row(boolean download, int connections, Route route, double medianMbit, double minMbit, double maxMbit,
               double cpuSecondsPerGb) {
    }

    List<Row> rows() {
        List<Row> out = new ArrayList<>();
        for (boolean download : List.of(true, false)) {
            for (int n : ThroughputScenario.CONNECTIONS) {
                for (Route r : Route.values()) {
                    List<ThroughputRun> mine = runs.stream()
                            .filter(x -> x.download() == download && x.connections() == n && x.route() == r).toList();
                    if (mine.isEmpty()) {
                        continue;
                    }
                    List<Double> mbit = mine.stream().map(ThroughputRun::mbitPerSecond).toList();
                    out.add(new Row(download, n, r, Stats.median(mbit), mbit.stream().mapToDouble(d -> d).min().orElse(0),
                            mbit.stream().mapToDouble(d -> d).max().orElse(0),
                            Stats.median(mine.stream().map(ThroughputRun::cpuSecondsPerGb).toList())));
                }
            }
        }
        return out;
    }

    /** The median of {@code route} over that of HAProxy for the same direction and count. */
    double ratioToHaproxy(Row row) {
        return rows().stream().filter(x -> x.route() == Route.HAPROXY && x.download() == row.download()
                        && x.connections() == row.connections()).findFirst()
                .map(h -> Stats.ratio(row.medianMbit(), h.medianMbit())).orElse(Double.NaN);
    }

    @Override
    public String table() {
        Table t = new Table("transfer", "conns", "route", "median Mbit/s", "min", "max", "x haproxy", "cpu-s/GB");
        for (Row r : rows()) {
            t.row(r.download() ? "download" : "upload", Integer.toString(r.connections()), r.route().label(),
                    Table.number(r.medianMbit(), 0), Table.number(r.minMbit(), 0), Table.number(r.maxMbit(), 0),
                    Table.number(ratioToHaproxy(r), 2),
                    r.route().proxied() ? Table.number(r.cpuSecondsPerGb(), 2) : "-");
        }
        return String.format(Locale.ROOT, "throughput: the whole chain unshaped (profile fast), %d rounds of %d s, "
                + "routes alternating%n", repeat, seconds) + t.render()
                + "cpu-s/GB: user + system CPU seconds of both proxy processes per 10^9 payload bytes\n";
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", "throughput");
        m.put("seconds", seconds);
        m.put("repeat", repeat);
        List<Object> rows = new ArrayList<>();
        for (Row r : rows()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("transfer", r.download() ? "download" : "upload");
            o.put("connections", r.connections());
            o.put("route", r.route().label());
            o.put("median_mbit_per_s", r.medianMbit());
            o.put("min_mbit_per_s", r.minMbit());
            o.put("max_mbit_per_s", r.maxMbit());
            o.put("ratio_to_haproxy", ratioToHaproxy(r));
            o.put("cpu_seconds_per_gb", r.route().proxied() ? r.cpuSecondsPerGb() : null);
            rows.add(o);
        }
        m.put("rows", rows);
        return m;
    }

    @Override
    public Map<String, byte[]> files() {
        BarChart chart = new BarChart("Throughput through the whole chain, unshaped", "transfer x connections / route",
                "Mbit/s", "median", "slowest round");
        for (Row r : rows()) {
            chart.add(new BarChart.Bar((r.download() ? "down" : "up") + " x" + r.connections() + " " + r.route().label(),
                    r.medianMbit(), r.minMbit()));
        }
        return Map.of("png", chart.png(1100, 500));
    }
}
