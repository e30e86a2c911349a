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

/** What {@code idle-conns} measured: one row per route and side, per round. */
final class IdleConnsResult implements ScenarioResult {

    private static final double MIB = 1024;

    private final int connections;
    private final int afterCloseSeconds;
    private final List<IdleConnsRun> runs;

    IdleConnsResult(int connections, int afterCloseSeconds, List<IdleConnsRun> runs) {
        this.connections = connections;
        this.afterCloseSeconds = afterCloseSeconds;
        this.runs = List.copyOf(runs);
    }

    /** Every round, in the order measured. */
    List<IdleConnsRun> runs() {
        return runs;
    }

    /** The median time HAProxy took to open them all, over its complete rounds (NaN: none). */
    private double haproxyOpenSeconds() {
        return Stats.median(runs.stream().filter(r -> r.route() == Route.HAPROXY && r.opened() == r.target())
                .map(IdleConnsRun::openSeconds).toList());
    }

    @Override
    public String table() {
        double haproxyOpen = haproxyOpenSeconds();
        Table t = new Table("route", "side", "opened", "open s", "x haproxy", "idle RSS MiB", "RSS KiB/conn",
                "heap KiB/conn", "fds/conn", "RSS " + afterCloseSeconds + " s after MiB", "x idle RSS");
        for (IdleConnsRun r : runs) {
            String openRatio = Table.number(Stats.ratio(r.openSeconds(), haproxyOpen), 2);
            if (!r.route().proxied()) {
                t.row(r.route().label(), "-", Integer.toString(r.opened()), Table.number(r.openSeconds(), 1), openRatio,
                        "-", "-", "-", "-", "-", "-");
                continue;
            }
            for (Map.Entry<String, IdleConnsRun.Side> e : sides(r).entrySet()) {
                IdleConnsRun.Side s = e.getValue();
                t.row(r.route().label(), e.getKey(), Integer.toString(r.opened()), Table.number(r.openSeconds(), 1),
                        openRatio, Table.number(s.idleRssKib() / MIB, 1), Table.number(s.rssKibPerConnection(r.opened()), 1),
                        s.idleHeapKib() < 0 ? "-" : Table.number(s.heapKibPerConnection(r.opened()), 1),
                        Table.number(s.fdsPerConnection(r.opened()), 2), Table.number(s.afterCloseRssKib() / MIB, 1),
                        Table.number(s.afterCloseToIdle(), 2));
            }
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "idle-conns: %d idle relayed connections per route, opened by %d LAN clients at once "
                        + "(profile fast, unshaped); sides: cpe = HAAP gateway / CPE HAProxy, ap = HAAP AP / AP HAProxy%n",
                connections, IdleConnsScenario.OPENERS));
        sb.append(t.render());
        sb.append("per conn: (reading with the connections open - reading at rest) / opened; heap: live bytes after a "
                + "full GC; x haproxy: open time over HAProxy's; x idle RSS: RSS "
                + afterCloseSeconds + " s after the close over the RSS at rest\n");
        for (IdleConnsRun r : runs) {
            if (r.firstError() != null) {
                sb.append(r.route().label()).append(": first failure: ").append(r.firstError()).append('\n');
            }
        }
        return sb.toString();
    }

    private static Map<String, IdleConnsRun.Side> sides(IdleConnsRun r) {
        Map<String, IdleConnsRun.Side> m = new LinkedHashMap<>();
        m.put("cpe", r.cpe());
        m.put("ap", r.ap());
        return m;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", "idle-conns");
        m.put("connections", connections);
        m.put("after_close_seconds", afterCloseSeconds);
        List<Object> rows = new ArrayList<>();
        for (IdleConnsRun r : runs) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("route", r.route().label());
            o.put("target", r.target());
            o.put("opened", r.opened());
            o.put("open_seconds", r.openSeconds());
            o.put("first_error", r.firstError());
            if (r.route().proxied()) {
                for (Map.Entry<String, IdleConnsRun.Side> e : sides(r).entrySet()) {
                    IdleConnsRun.Side s = e.getValue();
                    Map<String, Object> side = new LinkedHashMap<>();
                    side.put("idle_rss_kib", s.idleRssKib());
                    side.put("idle_fds", s.idleFds());
                    side.put("idle_heap_kib", s.idleHeapKib() < 0 ? null : s.idleHeapKib());
                    side.put("open_rss_kib", s.openRssKib());
                    side.put("open_fds", s.openFds());
                    side.put("open_heap_kib", s.openHeapKib() < 0 ? null : s.openHeapKib());
                    side.put("after_close_rss_kib", s.afterCloseRssKib());
                    side.put("after_close_fds", s.afterCloseFds());
                    side.put("rss_kib_per_conn", s.rssKibPerConnection(r.opened()));
                    side.put("heap_kib_per_conn", s.heapKibPerConnection(r.opened()));
                    side.put("fds_per_conn", s.fdsPerConnection(r.opened()));
                    side.put("after_close_to_idle_rss", s.afterCloseToIdle());
                    o.put(e.getKey(), side);
                }
            }
            rows.add(o);
        }
        m.put("rows", rows);
        return m;
    }

    @Override
    public Map<String, byte[]> files() {
        BarChart chart = new BarChart(String.format(Locale.ROOT, "RSS per idle relayed connection, %d connections",
                connections), "route / side", "KiB per connection", "RSS", "heap after full GC");
        for (IdleConnsRun r : runs) {
            if (r.route().proxied()) {
                for (Map.Entry<String, IdleConnsRun.Side> e : sides(r).entrySet()) {
                    chart.add(new BarChart.Bar(r.route().label() + " " + e.getKey(),
                            e.getValue().rssKibPerConnection(r.opened()), e.getValue().heapKibPerConnection(r.opened())));
                }
            }
        }
        return Map.of("png", chart.png(900, 500));
    }
}
