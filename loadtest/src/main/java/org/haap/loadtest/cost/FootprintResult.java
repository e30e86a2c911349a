package org.haap.loadtest.cost;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Stats;
import org.haap.loadtest.Table;
import org.haap.loadtest.plot.TimeSeriesPanels;

/**
 * What {@code footprint} measured: per proxy process the RSS at the start, its peak and at
 * the end, HAAP beside HAProxy; the traffic each route carried; issue 13's acceptance
 * (the gateway's and the AP's RSS at the end against {@value #GATEWAY_LIMIT_MIB} and
 * {@value #AP_LIMIT_MIB} MiB); the RSS over time as a PNG.
 */
final class FootprintResult implements ScenarioResult {

    /** Issue 13: the gateway's RSS after the light traffic, at most (MiB). */
    static final int GATEWAY_LIMIT_MIB = 64;
    /** Issue 13: the AP's RSS after the light traffic, at most (MiB). */
    static final int AP_LIMIT_MIB = 128;
    private static final double MIB = 1024;

    private final FootprintScenario.Load load;
    private final List<Route> routes;
    private final List<FootprintProcess> processes;
    private final List<FootprintTraffic> traffic;

    FootprintResult(FootprintScenario.Load load, List<Route> routes, List<FootprintProcess> processes,
                    List<FootprintTraffic> traffic) {
        this.load = load;
        this.routes = List.copyOf(routes);
        this.processes = List.copyOf(processes);
        this.traffic = List.copyOf(traffic);
    }

    /** Every proxy process, in route order, {@code cpe} before {@code ap}. */
    List<FootprintProcess> processes() {
        return processes;
    }

    /** Each route's traffic. */
    List<FootprintTraffic> traffic() {
        return traffic;
    }

    private Optional<FootprintProcess> process(Route route, String side) {
        return processes.stream().filter(p -> p.route() == route && p.side().equals(side)).findFirst();
    }

    /** A process's RSS at the end over that of HAProxy on the same side (NaN without HAProxy). */
    double endToHaproxy(FootprintProcess p) {
        return process(Route.HAPROXY, p.side()).map(h -> Stats.ratio(p.endRssKib(), h.endRssKib()))
                .orElse(Double.NaN);
    }

    /** The acceptance line for HAAP's process on {@code side}, or empty when HAAP was not measured. */
    private Optional<String> acceptance(String side, String name, int limitMib) {
        return process(Route.HAAP, side).map(p -> String.format(Locale.ROOT, "%s %.1f MiB (<= %d: %s)", name,
                p.endRssKib() / MIB, limitMib, p.endRssKib() <= limitMib * 1024L ? "met" : "NOT met"));
    }

    private String duration() {
        return load.runSeconds() % 60 == 0 ? load.runSeconds() / 60 + " min" : load.runSeconds() + " s";
    }

    private static String mib(long kib) {
        return kib < 0 ? "-" : Table.number(kib / MIB, 1);
    }

    @Override
    public String table() {
        Table t = new Table("route", "side", "start MiB", "peak MiB", "peak at min", "end MiB", "end x haproxy",
                "heap after GC MiB", "RSS after GC MiB", "fds", "cpu %");
        for (Route r : routes) {
            if (!r.proxied()) {
                t.row(r.label(), "-", "-", "-", "-", "-", "-", "-", "-", "-", "-");
                continue;
            }
            for (FootprintProcess p : processes) {
                if (p.route() == r) {
                    t.row(r.label(), p.side(), mib(p.startRssKib()), mib(p.peakRssKib()),
                            Table.number(p.peakSeconds() / 60, 1), mib(p.endRssKib()),
                            Table.number(endToHaproxy(p), 2), mib(p.heapAfterGcKib()), mib(p.rssAfterGcKib()),
                            Integer.toString(p.endFds()), Table.number(p.cpuPercent(), 1));
                }
            }
        }
        Table tt = new Table("route", "short ok", "short failed", "downloads ok", "downloads failed", "MiB received");
        for (FootprintTraffic x : traffic) {
            tt.row(x.route().label(), Long.toString(x.shortOk()), Long.toString(x.shortFailed()),
                    Long.toString(x.downloadsOk()), Long.toString(x.downloadsFailed()),
                    Table.number(x.bytes() / MIB / MIB, 1));
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "footprint: %s of light traffic through every route at once (profile fast, unshaped); per route "
                        + "%s short connections/s (a %d-byte request, a %d-byte answer) and a %.0f MiB download "
                        + "every %d s; RSS read after the start, every %d s and once the traffic stopped (end);%n"
                        + "HAAP with the shipped JVM options (deploy/jvm/); sides: cpe = HAAP gateway / CPE HAProxy, "
                        + "ap = HAAP AP / AP HAProxy%n",
                duration(), Table.number(load.shortPerSecond(), load.shortPerSecond() % 1 == 0 ? 0 : 1),
                CostServer.REQUEST_SIZE, load.shortAnswerBytes(), load.downloadBytes() / MIB / MIB,
                load.downloadSeconds(), load.sampleSeconds()));
        sb.append(t.render());
        sb.append("heap after GC: live objects after a full GC at the end (jcmd GC.class_histogram; JVMs only), "
                + "RSS after GC: right after it; cpu %: of one core over the run\n\n");
        sb.append(tt.render());
        for (FootprintTraffic x : traffic) {
            if (x.firstError() != null) {
                sb.append(x.route().label()).append(": first failure: ").append(x.firstError()).append('\n');
            }
        }
        List<String> met = new ArrayList<>();
        acceptance("cpe", "gateway", GATEWAY_LIMIT_MIB).ifPresent(met::add);
        acceptance("ap", "AP", AP_LIMIT_MIB).ifPresent(met::add);
        if (!met.isEmpty()) {
            sb.append("issue 13 acceptance, RSS at the end: ").append(String.join(", ", met)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", "footprint");
        m.put("run_s", load.runSeconds());
        m.put("sample_s", load.sampleSeconds());
        m.put("short_per_s", load.shortPerSecond());
        m.put("short_answer_bytes", load.shortAnswerBytes());
        m.put("download_every_s", load.downloadSeconds());
        m.put("download_bytes", load.downloadBytes());
        m.put("routes", routes.stream().map(Route::label).toList());
        m.put("gateway_limit_mib", GATEWAY_LIMIT_MIB);
        m.put("ap_limit_mib", AP_LIMIT_MIB);
        List<Object> ps = new ArrayList<>();
        for (FootprintProcess p : processes) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("route", p.route().label());
            o.put("side", p.side());
            o.put("start_rss_kib", p.startRssKib());
            o.put("peak_rss_kib", p.peakRssKib());
            o.put("peak_t_s", Math.round(p.peakSeconds() * 10) / 10.0);
            o.put("end_rss_kib", p.endRssKib());
            o.put("end_to_haproxy", endToHaproxy(p));
            o.put("heap_after_gc_kib", p.java() ? p.heapAfterGcKib() : null);
            o.put("rss_after_gc_kib", p.java() ? p.rssAfterGcKib() : null);
            o.put("end_fds", p.endFds());
            o.put("cpu_pct", p.cpuPercent());
            o.put("t_s", p.seconds().stream().map(s -> Math.round(s * 10) / 10.0).toList());
            o.put("rss_kib", p.rssKib());
            ps.add(o);
        }
        m.put("processes", ps);
        List<Object> ts = new ArrayList<>();
        for (FootprintTraffic x : traffic) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("route", x.route().label());
            o.put("short_ok", x.shortOk());
            o.put("short_failed", x.shortFailed());
            o.put("downloads_ok", x.downloadsOk());
            o.put("downloads_failed", x.downloadsFailed());
            o.put("bytes", x.bytes());
            o.put("first_error", x.firstError());
            ts.add(o);
        }
        m.put("traffic", ts);
        return m;
    }

    @Override
    public Map<String, byte[]> files() {
        TimeSeriesPanels chart = new TimeSeriesPanels(String.format(Locale.ROOT,
                "RSS of each proxy process under light traffic (%s), HAAP with the shipped JVM options", duration()),
                "time since the start (min)", "RSS (MiB)", 2);
        chart.add(panel("CPE side: HAAP gateway vs CPE HAProxy", "cpe", GATEWAY_LIMIT_MIB));
        chart.add(panel("AP side: HAAP AP vs AP HAProxy", "ap", AP_LIMIT_MIB));
        return Map.of("png", chart.png(560, 360));
    }

    private TimeSeriesPanels.Panel panel(String title, String side, int limitMib) {
        List<TimeSeriesPanels.Line> lines = new ArrayList<>();
        double last = 0;
        for (FootprintProcess p : processes) {
            if (p.side().equals(side)) {
                double[] x = p.seconds().stream().mapToDouble(s -> s / 60).toArray();
                double[] y = p.rssKib().stream().mapToDouble(k -> k / MIB).toArray();
                lines.add(new TimeSeriesPanels.Line(p.route().label(), x, y));
                last = Math.max(last, x[x.length - 1]);
            }
        }
        lines.add(new TimeSeriesPanels.Line("issue 13 limit for HAAP", new double[] {0, last},
                new double[] {limitMib, limitMib}));
        return new TimeSeriesPanels.Panel(title, lines, List.of());
    }
}
