package org.haap.loadtest.robeloss;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Table;
import org.haap.loadtest.hybrid.GatewayMode;
import org.haap.loadtest.hybrid.Timings;
import org.haap.loadtest.plot.LineChart;

/**
 * The result of {@code robe-loss}: one {@link LossPoint} per mode and SYN loss, as a table
 * (median, p90, p99, failures), as JSON and as a PNG line chart of the median set-up time
 * (whiskers p10..p90) against the SYN loss, one line per mode. With server-first
 * connections measured ({@code --server-first}) the table also has their failures, median
 * and p99 beside the client-first ones, and the median's difference.
 *
 * @param profile     the testbed profile
 * @param lossyWan    the WAN whose SYNs were dropped (the CPE's default WAN)
 * @param rttMs       the RTT each WAN adds, by WAN name
 * @param connections connections per point
 * @param timeoutMs   per-connection timeout
 * @param points      every measured point, mode by mode
 */
public record RobeLossResult(String profile, String lossyWan, Map<String, Object> rttMs, int connections,
                             long timeoutMs, List<LossPoint> points) implements ScenarioResult {

    public RobeLossResult {
        rttMs = new LinkedHashMap<>(rttMs);
        points = List.copyOf(points);
    }

    @Override
    public String table() {
        boolean serverFirst = points.stream().anyMatch(p -> p.serverFirst() != null);
        List<String> columns = new ArrayList<>(List.of("mode", "SYN loss %", "attempts", "failures", "median ms",
                "p90 ms", "p99 ms", "mean ms"));
        if (serverFirst) {
            columns.addAll(List.of("s-first failures", "s-first median ms", "s-first p99 ms", "s-first - c-first ms"));
        }
        Table t = new Table(columns.toArray(String[]::new));
        for (LossPoint p : points) {
            List<String> row = new ArrayList<>(List.of(p.mode().label(), Integer.toString(p.lossPct()),
                    Integer.toString(p.timings().attempts()), Integer.toString(p.timings().failures()),
                    Table.number(p.timings().median(), 1), Table.number(p.timings().percentile(90), 1),
                    Table.number(p.timings().percentile(99), 1), Table.number(p.timings().mean(), 1)));
            if (serverFirst) {
                Timings s = p.serverFirst();
                row.addAll(s == null ? List.of("-", "-", "-", "-") : List.of(Integer.toString(s.failures()),
                        Table.number(s.median(), 1), Table.number(s.percentile(99), 1),
                        Table.number(s.median() - p.timings().median(), 1)));
            }
            t.row(row.toArray(String[]::new));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "robe-loss: connection set-up time (LAN connect() -> first answer byte) vs SYN loss on %s;%n"
                        + "profile %s, RTT %s ms, %d connections per point, timeout %d ms (failure)%n%s%n",
                lossyWan, profile, rttMs, connections, timeoutMs, serverFirst
                        ? "client first: the client asks, the clock stops at the answer's first byte; s-first (server"
                        + " first): the client sends nothing,\nthe clock stops at the first byte of the banner the server"
                        + " writes at accept; both kinds interleaved at every point\n" : ""));
        sb.append(t.render());
        for (LossPoint p : points) {
            for (String e : p.errors()) {
                sb.append(String.format(Locale.ROOT, "  %s at %d %%: %s%n", p.mode().label(), p.lossPct(), e));
            }
        }
        return sb.toString();
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", RobeLossScenario.NAME);
        m.put("profile", profile);
        m.put("lossy_wan", lossyWan);
        m.put("rtt_ms", rttMs);
        m.put("connections", connections);
        m.put("timeout_ms", timeoutMs);
        List<Object> ps = new ArrayList<>();
        points.forEach(p -> ps.add(p.toJson()));
        m.put("points", ps);
        return m;
    }

    @Override
    public Map<String, byte[]> files() {
        return Map.of("png", plot(1000, 620));
    }

    /** The chart: median set-up time with p10..p90 whiskers against SYN loss, one line per mode. */
    public byte[] plot(int width, int height) {
        LineChart chart = new LineChart("Connection set-up time vs SYN loss on " + lossyWan + " (" + profile + ")",
                "SYN loss on " + lossyWan + " (%)", "set-up time (ms), median, p10-p90");
        Map<GatewayMode, List<LineChart.Point>> byMode = new LinkedHashMap<>();
        for (LossPoint p : points) {
            byMode.computeIfAbsent(p.mode(), k -> new ArrayList<>()).add(new LineChart.Point(p.lossPct(),
                    p.timings().median(), p.timings().percentile(10), p.timings().percentile(90)));
        }
        byMode.forEach((mode, pts) -> chart.add(new LineChart.Series(mode.label(), pts)));
        return chart.png(width, height);
    }
}
