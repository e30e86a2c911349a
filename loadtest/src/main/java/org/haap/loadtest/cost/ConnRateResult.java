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

/** What {@code conn-rate} measured: per route, the rounds' medians, ratios to HAProxy, CPU, time to first byte. */
final class ConnRateResult implements ScenarioResult {

    private final int clients;
    private final int seconds;
    private final int answerBytes;
    private final List<ConnRateRun> runs;

    ConnRateResult(int clients, int seconds, int answerBytes, List<ConnRateRun> runs) {
        this.clients = clients;
        this.seconds = seconds;
        this.answerBytes = answerBytes;
        this.runs = List.copyOf(runs);
    }

    /** One route's figures over its rounds. */
    record Row(Route route, double medianRate, double minRate, double maxRate, double ttfbMedianMs, double ttfbP99Ms,
               double cpeCpuPct, double apCpuPct, double cpuUsPerConnection, double kernelUsPerConnection, int ok,
               int failed, String firstError) {
    }

    List<Row> rows() {
        List<Row> out = new ArrayList<>();
        for (Route r : Route.values()) {
            List<ConnRateRun> mine = runs.stream().filter(x -> x.route() == r).toList();
            if (mine.isEmpty()) {
                continue;
            }
            List<Double> rates = mine.stream().map(ConnRateRun::connectionsPerSecond).toList();
            List<Double> ttfb = mine.stream().flatMap(x -> x.ttfbMs().stream()).toList();
            List<Double> cpe = mine.stream().map(x -> 100 * x.cpeCpuSeconds() / x.seconds()).toList();
            List<Double> ap = mine.stream().map(x -> 100 * x.apCpuSeconds() / x.seconds()).toList();
            int ok = mine.stream().mapToInt(ConnRateRun::ok).sum();
            double cpuSeconds = mine.stream().mapToDouble(x -> x.cpeCpuSeconds() + x.apCpuSeconds()).sum();
            double kernelSeconds = mine.stream().mapToDouble(ConnRateRun::kernelCpuSeconds).sum();
            out.add(new Row(r, Stats.median(rates), rates.stream().mapToDouble(d -> d).min().orElse(Double.NaN),
                    rates.stream().mapToDouble(d -> d).max().orElse(Double.NaN), Stats.median(ttfb),
                    Stats.percentile(ttfb, 99), Stats.median(cpe), Stats.median(ap),
                    ok == 0 ? Double.NaN : cpuSeconds * 1e6 / ok, ok == 0 ? Double.NaN : kernelSeconds * 1e6 / ok, ok,
                    mine.stream().mapToInt(ConnRateRun::failed).sum(),
                    mine.stream().map(ConnRateRun::firstError).filter(e -> e != null).findFirst().orElse(null)));
        }
        return out;
    }

    private Row row(Route r) {
        return rows().stream().filter(x -> x.route() == r).findFirst().orElse(null);
    }

    /** HAAP's median rate over HAProxy's (NaN where either is missing). */
    double haapToHaproxy() {
        Row h = row(Route.HAAP);
        Row p = row(Route.HAPROXY);
        return h == null || p == null ? Double.NaN : Stats.ratio(h.medianRate(), p.medianRate());
    }

    @Override
    public String table() {
        Row haproxy = row(Route.HAPROXY);
        Table t = new Table("route", "conn/s median", "min", "max", "x haproxy", "ttfb median ms", "ttfb p99 ms",
                "cpe cpu %", "ap cpu %", "cpu us/conn", "kernel us/conn", "ok", "failed");
        for (Row r : rows()) {
            t.row(r.route().label(), Table.number(r.medianRate(), 0), Table.number(r.minRate(), 0),
                    Table.number(r.maxRate(), 0),
                    haproxy == null ? "-" : Table.number(Stats.ratio(r.medianRate(), haproxy.medianRate()), 2),
                    Table.number(r.ttfbMedianMs(), 2), Table.number(r.ttfbP99Ms(), 2), Table.number(r.cpeCpuPct(), 0),
                    Table.number(r.apCpuPct(), 0), Table.number(r.cpuUsPerConnection(), 0),
                    Table.number(r.kernelUsPerConnection(), 0), Integer.toString(r.ok()),
                    Integer.toString(r.failed()));
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "conn-rate: %d clients at once, each connection one %d-byte request and a %d-byte answer; "
                        + "%d rounds of %d s per route, alternating (profile fast, unshaped)%n",
                clients, CostServer.REQUEST_SIZE, answerBytes, runs.stream().filter(x -> x.route() == runs.get(0).route())
                        .count(), seconds));
        sb.append(t.render());
        sb.append("cpu %: of one core, the CPE-side process (HAAP gateway / CPE HAProxy) and the AP-side process;"
                + " cpu us/conn: both sides together; kernel us/conn: the part of it spent in the kernel"
                + " (system time: the system calls and the network stack work they do)\n");
        for (Row r : rows()) {
            if (r.firstError() != null) {
                sb.append(r.route().label()).append(": first failure: ").append(r.firstError()).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", "conn-rate");
        m.put("clients", clients);
        m.put("seconds", seconds);
        m.put("answer_bytes", answerBytes);
        m.put("haap_to_haproxy", haapToHaproxy());
        List<Object> rows = new ArrayList<>();
        for (Row r : rows()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("route", r.route().label());
            o.put("median_conn_per_s", r.medianRate());
            o.put("min_conn_per_s", r.minRate());
            o.put("max_conn_per_s", r.maxRate());
            o.put("ttfb_median_ms", r.ttfbMedianMs());
            o.put("ttfb_p99_ms", r.ttfbP99Ms());
            o.put("cpe_cpu_pct", r.cpeCpuPct());
            o.put("ap_cpu_pct", r.apCpuPct());
            o.put("cpu_us_per_conn", r.cpuUsPerConnection());
            o.put("kernel_us_per_conn", r.kernelUsPerConnection());
            o.put("ok", r.ok());
            o.put("failed", r.failed());
            o.put("first_error", r.firstError());
            rows.add(o);
        }
        m.put("rows", rows);
        List<Object> samples = new ArrayList<>();
        for (ConnRateRun x : runs) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("route", x.route().label());
            o.put("conn_per_s", x.connectionsPerSecond());
            o.put("ok", x.ok());
            o.put("failed", x.failed());
            o.put("seconds", x.seconds());
            o.put("ttfb_median_ms", Stats.median(x.ttfbMs()));
            o.put("cpe_cpu_s", x.cpeCpuSeconds());
            o.put("ap_cpu_s", x.apCpuSeconds());
            o.put("kernel_cpu_s", x.kernelCpuSeconds());
            samples.add(o);
        }
        m.put("samples", samples);
        return m;
    }

    @Override
    public Map<String, byte[]> files() {
        BarChart chart = new BarChart(String.format(Locale.ROOT, "New connections/s, %d clients, %d-byte answers",
                clients, answerBytes), "route", "connections/s", "median of the rounds", "slowest round");
        for (Row r : rows()) {
            chart.add(new BarChart.Bar(r.route().label(), r.medianRate(), r.minRate()));
        }
        return Map.of("png", chart.png(800, 500));
    }
}
