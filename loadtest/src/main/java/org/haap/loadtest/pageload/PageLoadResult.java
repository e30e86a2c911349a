package org.haap.loadtest.pageload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.haap.deploy.testbed.Node;
import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Stats;
import org.haap.loadtest.Table;
import org.haap.loadtest.aggregation.TcpProbe;
import org.haap.loadtest.hybrid.LoadMode;
import org.haap.loadtest.hybrid.ModeOutcome;
import org.haap.loadtest.hybrid.Timings;
import org.haap.loadtest.plot.BarChart;

/**
 * The result of {@code pageload}: page-load times per {@link LoadMode}, as a table
 * (median, p90, p99, failures, median relative to the direct fetch over the default WAN
 * and to the faster direct fetch, the bytes each WAN carried downstream per page, the time
 * the busiest WAN needs for its share at its rate, the retransmitted share and per-object
 * times), as JSON and as a PNG bar chart of the medians with p99 marks.
 *
 * @param profile    the testbed profile
 * @param defaultWan the CPE's default WAN in the profile
 * @param rttMs      the RTT each WAN adds, by WAN name
 * @param rateMbit   each WAN's shaped rate in Mbit/s per direction, by WAN name
 * @param page       the page loaded
 * @param runs       page loads per mode
 * @param results    one entry per mode, in the order measured
 */
public record PageLoadResult(String profile, String defaultWan, Map<String, Object> rttMs,
                             Map<String, Object> rateMbit, Page page, int runs, List<ModeResult> results)
        implements ScenarioResult {

    /**
     * The page loads of one mode.
     *
     * @param mode        the mode
     * @param timings     the page-load times
     * @param errors      up to a few distinct failure messages
     * @param downPerPage by WAN name, the bytes the CPE received on it per page load (its
     *                    interface counter over the measured loads and the pauses between
     *                    them, divided by the loads): payload, headers, retransmissions and
     *                    the little control traffic of the pauses
     * @param segments    data segments sent and retransmitted over the measured loads by
     *                    {@link PageLoadScenario#senders}
     * @param firstObjectMs per object fetched first on a new connection: {@code connect()} to its last byte
     * @param laterObjectMs per object fetched on a connection in use: the request to its last byte
     * @param mptcpPerPage through the gateway, per page load: {@code mptcp_retransmissions} (the
     *                    AP's MPTCP-level retransmissions) and {@code mptcp_duplicates_received}
     *                    (the gateway's MPTCP-level duplicates); empty direct
     */
    public record ModeResult(LoadMode mode, Timings timings, List<String> errors, Map<String, Long> downPerPage,
                             TcpProbe.Segments segments, List<Double> firstObjectMs, List<Double> laterObjectMs,
                             Map<String, Long> mptcpPerPage) implements ModeOutcome {
        public ModeResult {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(timings, "timings");
            Objects.requireNonNull(segments, "segments");
            errors = List.copyOf(errors);
            downPerPage = new LinkedHashMap<>(downPerPage);
            firstObjectMs = List.copyOf(firstObjectMs);
            laterObjectMs = List.copyOf(laterObjectMs);
            mptcpPerPage = new LinkedHashMap<>(mptcpPerPage);
        }
    }

    public PageLoadResult {
        rttMs = new LinkedHashMap<>(rttMs);
        rateMbit = new LinkedHashMap<>(rateMbit);
        results = List.copyOf(results);
    }

    /** The median of the direct fetch over the default WAN, NaN when not measured. */
    double directDefaultMedian() {
        return ModeOutcome.directMedian(results, defaultWan);
    }

    /** The lower median of the direct fetches, NaN when none was measured. */
    double bestDirectMedian() {
        return ModeOutcome.bestDirectMedian(results);
    }

    /** classic's median over sim+pool's, NaN unless both were measured. */
    double poolSpeedup() {
        return Stats.ratio(ModeOutcome.median(results, LoadMode.parse("classic")),
                ModeOutcome.median(results, LoadMode.parse("sim+pool")));
    }

    @Override
    public String table() {
        double base = directDefaultMedian();
        double best = bestDirectMedian();
        List<String> header = new ArrayList<>(List.of("mode", "runs", "failures", "median ms", "p90 ms", "p99 ms",
                "mean ms", "vs direct-" + defaultWan, "vs best direct"));
        header.addAll(ModeOutcome.wanHeaders(rateMbit));
        header.addAll(List.of("retrans %", "mptcp rtx/page", "1st obj ms", "next obj ms"));
        Table t = new Table(header.toArray(String[]::new));
        for (ModeResult r : results) {
            List<String> row = r.leadingCells(1, 99);
            row.add(Table.number(r.timings().mean(), 1));
            row.addAll(r.ratioCells(base, best));
            row.addAll(r.wanCells(rateMbit));
            row.add(Table.number(r.segments().retransmittedPct(), 1));
            Long rtx = r.mptcpPerPage().get(PageLoadScenario.REINJECTIONS);
            row.add(rtx == null ? "-" : Long.toString(rtx));
            row.add(Table.number(Stats.median(r.firstObjectMs()), 0));
            row.add(Table.number(Stats.median(r.laterObjectMs()), 0));
            t.row(row.toArray(String[]::new));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "pageload: %d objects (%d KiB) on %d hosts, <= %d connections per host; profile %s "
                        + "(default route %s), RTT %s ms, rate %s Mbit/s, %d runs per mode%n%n",
                page.count(), page.bytes() / 1024, page.hosts(), PageLoader.MAX_PER_HOST, profile, defaultWan, rttMs,
                rateMbit, runs));
        sb.append(t.render());
        sb.append(String.format(Locale.ROOT, "KiB/page: received by the CPE on each WAN per page load; floor: "
                + "the busiest WAN's share at its rate, the fastest the page can load with that split%n"));
        sb.append(String.format(Locale.ROOT, "retrans %%: data segments retransmitted / sent, by the AP through the "
                + "gateway, by the server and the LAN client direct; mptcp rtx: the AP's MPTCP-level retransmissions "
                + "per page (data sent again, often on the other WAN); 1st obj: connect() to the last byte of a new "
                + "connection's first object, next obj: request to last byte on a connection in use (medians)%n"));
        double speedup = poolSpeedup();
        if (!Double.isNaN(speedup)) {
            sb.append(String.format(Locale.ROOT, "sim+pool loads the page %.2fx as fast as classic (medians)%n", speedup));
        }
        sb.append(ModeOutcome.errorLines(results));
        return sb.toString();
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = ModeOutcome.jsonHead(PageLoadScenario.NAME, profile, defaultWan, rttMs, rateMbit, runs);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objects", page.count());
        p.put("hosts", page.hosts());
        p.put("bytes", page.bytes());
        p.put("max_connections_per_host", PageLoader.MAX_PER_HOST);
        m.put("page", p);
        List<Object> rs = new ArrayList<>();
        for (ModeResult r : results) {
            Map<String, Object> e = r.jsonFields(rateMbit);
            e.put("segments_counted_at", PageLoadScenario.senders(r.mode()).stream().map(Node::suffix).toList());
            e.put("segments_sent", r.segments().original() + r.segments().retransmitted());
            e.put("segments_retransmitted", r.segments().retransmitted());
            e.put("retransmitted_pct", round(r.segments().retransmittedPct(), 100));
            e.put("mptcp_per_page", r.mptcpPerPage());
            e.put("first_object_ms", objectStats(r.firstObjectMs()));
            e.put("later_object_ms", objectStats(r.laterObjectMs()));
            e.put("errors", r.errors());
            rs.add(e);
        }
        m.put("results", rs);
        double speedup = poolSpeedup();
        if (!Double.isNaN(speedup)) {
            m.put("pool_speedup_vs_classic", Math.round(speedup * 100) / 100.0);
        }
        return m;
    }

    private static Map<String, Object> objectStats(List<Double> ms) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", ms.size());
        m.put("median", round(Stats.median(ms), 10));
        m.put("p90", round(Stats.percentile(ms, 90), 10));
        return m;
    }

    /** {@code v} rounded to {@code 1 / per} (NaN stays NaN: JSON null). */
    private static double round(double v, int per) {
        return Double.isFinite(v) ? Math.round(v * per) / (double) per : v;
    }

    @Override
    public Map<String, byte[]> files() {
        return Map.of("png", plot(1000, 620));
    }

    /** The chart: median page-load time per mode as bars, the p99 as marks. */
    public byte[] plot(int width, int height) {
        BarChart chart = new BarChart(String.format(Locale.ROOT, "Page-load time, %d objects on %d hosts (%s)",
                page.count(), page.hosts(), profile), "mode", "page-load time (ms)", "median", "p99");
        for (ModeResult r : results) {
            chart.add(new BarChart.Bar(r.mode().label(), r.timings().median(), r.timings().percentile(99)));
        }
        return chart.png(width, height);
    }
}
