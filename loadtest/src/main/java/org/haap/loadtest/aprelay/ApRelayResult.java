package org.haap.loadtest.aprelay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Stats;
import org.haap.loadtest.Table;

/**
 * The figures of one {@code ap-relay} run: per transfer direction, connection count and
 * mode the median throughput over the repetitions, its range, the ratio of the median to
 * the baseline's median, the AP's CPU seconds per GB, the fewest subflows seen and the
 * share of bytes on the LTE link. Every sample is kept for the JSON.
 */
public final class ApRelayResult implements ScenarioResult {

    /**
     * One line of the table.
     *
     * @param ratio median / baseline median (1 for the baseline itself)
     */
    public record Row(Transfer transfer, int connections, Mode mode, double medianMbit, double minMbit,
                      double maxMbit, double ratio, double apCpuSecondsPerGb, int minSubflows, double lteShare,
                      long bytes, int okRuns, int runs) {
    }

    private final String profile;
    private final int seconds;
    private final int repeat;
    private final List<Integer> connectionCounts;
    private final List<Sample> samples;
    private final List<Row> rows;

    public ApRelayResult(String profile, int seconds, int repeat, List<Integer> connectionCounts,
                         List<Sample> samples) {
        this.profile = profile;
        this.seconds = seconds;
        this.repeat = repeat;
        this.connectionCounts = List.copyOf(connectionCounts);
        this.samples = List.copyOf(samples);
        this.rows = summarize(this.samples);
    }

    /** The summary rows, in table order. */
    public List<Row> rows() {
        return rows;
    }

    /** Every run. */
    public List<Sample> samples() {
        return samples;
    }

    static List<Row> summarize(List<Sample> samples) {
        List<Row> out = new ArrayList<>();
        for (Transfer t : Transfer.values()) {
            List<Integer> counts = samples.stream().filter(s -> s.transfer() == t)
                    .map(Sample::connections).distinct().sorted().toList();
            for (int n : counts) {
                double baseline = Double.NaN;
                for (Mode m : Mode.values()) {
                    List<Sample> all = samples.stream()
                            .filter(s -> s.transfer() == t && s.connections() == n && s.mode() == m).toList();
                    if (all.isEmpty()) {
                        continue;
                    }
                    List<Sample> group = all.stream().filter(Sample::ok).toList();
                    List<Double> mbit = group.stream().map(s -> s.measurement().mbitPerSecond()).toList();
                    double median = Stats.median(mbit);
                    if (m == Mode.BASELINE) {
                        baseline = median;
                    }
                    out.add(new Row(t, n, m, median, Stats.percentile(mbit, 0), Stats.percentile(mbit, 100),
                            Stats.ratio(median, baseline),
                            Stats.median(group.stream().map(Sample::apCpuSecondsPerGb).toList()),
                            group.stream().mapToInt(s -> s.measurement().minSubflows()).min().orElse(0),
                            Stats.median(group.stream().map(Sample::lteShare).toList()),
                            group.stream().mapToLong(s -> s.measurement().bytes()).sum(), group.size(), all.size()));
                }
            }
        }
        return out;
    }

    @Override
    public String table() {
        Table table = new Table("transfer", "conns", "mode", "median Mbit/s", "min", "max", "ratio",
                "AP cpu-s/GB", "subflows", "lte share", "ok runs");
        for (Row r : rows) {
            table.row(r.transfer().label(), Integer.toString(r.connections()), r.mode().label(),
                    Table.number(r.medianMbit(), 0), Table.number(r.minMbit(), 0), Table.number(r.maxMbit(), 0),
                    Table.number(r.ratio(), 2), Table.number(r.apCpuSecondsPerGb(), 2),
                    Integer.toString(r.minSubflows()), Table.number(r.lteShare() * 100, 0) + "%",
                    r.okRuns() + "/" + r.runs());
        }
        StringBuilder notes = new StringBuilder();
        for (Sample s : samples) {
            if (!s.ok()) {
                notes.append("failed: ").append(s.transfer().label()).append(" x").append(s.connections())
                        .append(' ').append(s.mode().label()).append(" run ").append(s.run()).append(": ")
                        .append(s.error()).append('\n');
            }
        }
        return "ap-relay: testbed profile " + profile + ", " + repeat + " x " + seconds
                + " s per mode, modes alternating; ratio = median / baseline median\n"
                + table.render() + notes;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", ApRelayScenario.NAME);
        m.put("profile", profile);
        m.put("seconds", seconds);
        m.put("repeat", repeat);
        m.put("connections", connectionCounts);
        List<Object> rowJson = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("transfer", r.transfer().label());
            o.put("connections", r.connections());
            o.put("mode", r.mode().label());
            o.put("median_mbit_per_s", r.medianMbit());
            o.put("min_mbit_per_s", r.minMbit());
            o.put("max_mbit_per_s", r.maxMbit());
            o.put("ratio_to_baseline", r.ratio());
            o.put("ap_cpu_seconds_per_gb", r.apCpuSecondsPerGb());
            o.put("min_subflows", r.minSubflows());
            o.put("lte_share", r.lteShare());
            o.put("bytes", r.bytes());
            o.put("ok_runs", r.okRuns());
            o.put("runs", r.runs());
            rowJson.add(o);
        }
        m.put("rows", rowJson);
        m.put("samples", samples.stream().map(Sample::toJson).toList());
        return m;
    }
}
