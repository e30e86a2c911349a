package org.haap.loadtest.browser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Stats;
import org.haap.loadtest.Table;
import org.haap.loadtest.hybrid.LoadMode;
import org.haap.loadtest.hybrid.ModeOutcome;
import org.haap.loadtest.hybrid.Timings;
import org.haap.loadtest.plot.BarChart;

/**
 * The result of {@code browser}: Chromium's page-load times per {@link LoadMode} (the
 * Navigation Timing {@code loadEventEnd - startTime}) as a table with the medians relative
 * to the direct fetch over the default WAN and to the faster direct fetch, the bytes each
 * WAN carried per page, the connections the browser opened per page and the packets the LAN
 * fence dropped; as JSON and as a PNG bar chart of the medians with p90 marks.
 *
 * @param chromium   {@code chromium --version}
 * @param profile    the testbed profile
 * @param defaultWan the CPE's default WAN in the profile
 * @param rttMs      the RTT each WAN adds, by WAN name
 * @param rateMbit   each WAN's shaped rate in Mbit/s per direction, by WAN name
 * @param page       {@link BrowserPage#describe()}
 * @param objects    the page's objects, document included
 * @param pageBytes  the page's bytes (bodies)
 * @param hosts      the hosts (server addresses) the page is on
 * @param runs       measured page loads per mode
 * @param batches    how the runs of each mode were split into batches, the modes taking
 *                   turns batch by batch (round-robin)
 * @param warmUp     unmeasured loads before each batch
 * @param results    one entry per mode, in the order asked for
 * @param machineLoad the 1-minute load average at the start and at the end of the run and
 *                   the CPUs: Chromium needs CPU, and on a small machine other work (not
 *                   counted as steal) makes every mode slower
 */
public record BrowserResult(String chromium, String profile, String defaultWan, Map<String, Object> rttMs,
                            Map<String, Object> rateMbit, String page, int objects, long pageBytes, int hosts,
                            int runs, List<Integer> batches, int warmUp, List<ModeResult> results,
                            String machineLoad) implements ScenarioResult {

    /**
     * The page loads of one mode.
     *
     * @param mode            the mode
     * @param timings         the page-load times (loadEventEnd - startTime)
     * @param errors          up to a few distinct failure messages
     * @param downPerPage     by WAN name, the bytes the CPE received on it per measured load
     *                        (its interface counter from the browser's start to its end)
     * @param ttfbMs          per measured load, responseStart - startTime (the document's first byte)
     * @param dclMs           per measured load, domContentLoadedEventEnd - startTime
     * @param connectionsPerPage connections the servers accepted per measured load
     * @param fewestServed    the fewest objects the servers served during a measured load
     *                        until its report came (the page's count, document included, when
     *                        the load event waited for every object)
     * @param escaped         packets the LAN fence dropped during this mode's loads (warm-ups included)
     * @param offPort         packets to the server net on another port during this mode's loads
     */
    public record ModeResult(LoadMode mode, Timings timings, List<String> errors, Map<String, Long> downPerPage,
                             List<Double> ttfbMs, List<Double> dclMs, double connectionsPerPage, long fewestServed,
                             long escaped, long offPort) implements ModeOutcome {
        public ModeResult {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(timings, "timings");
            errors = List.copyOf(errors);
            downPerPage = new LinkedHashMap<>(downPerPage);
            ttfbMs = List.copyOf(ttfbMs);
            dclMs = List.copyOf(dclMs);
        }
    }

    public BrowserResult {
        rttMs = new LinkedHashMap<>(rttMs);
        rateMbit = new LinkedHashMap<>(rateMbit);
        batches = List.copyOf(batches);
        results = List.copyOf(results);
    }

    /** Packets the fence dropped over the whole run. */
    long escaped() {
        return results.stream().mapToLong(ModeResult::escaped).sum();
    }

    /** Packets to the server net on other ports over the whole run. */
    long offPort() {
        return results.stream().mapToLong(ModeResult::offPort).sum();
    }

    @Override
    public String table() {
        double base = ModeOutcome.directMedian(results, defaultWan);
        double best = ModeOutcome.bestDirectMedian(results);
        List<String> header = new ArrayList<>(List.of("mode", "runs", "failures", "median ms", "p90 ms", "max ms",
                "vs direct-" + defaultWan, "vs best direct"));
        header.addAll(ModeOutcome.wanHeaders(rateMbit));
        header.addAll(List.of("conns/page", "ttfb ms", "dcl ms", "escaped"));
        Table t = new Table(header.toArray(String[]::new));
        for (ModeResult r : results) {
            List<String> row = r.leadingCells(0, 100);
            row.addAll(r.ratioCells(base, best));
            row.addAll(r.wanCells(rateMbit));
            row.add(Table.number(r.connectionsPerPage(), 1));
            row.add(Table.number(Stats.median(r.ttfbMs()), 0));
            row.add(Table.number(Stats.median(r.dclMs()), 0));
            row.add(Long.toString(r.escaped()));
            t.row(row.toArray(String[]::new));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "browser: %s, headless, a fresh profile per load%n"
                        + "page: %s; HTTP/1.1 keep-alive, no-store%n"
                        + "profile %s (default route %s), RTT %s ms, rate %s Mbit/s; %d measured loads per mode in "
                        + "batches of %s, the modes taking turns batch by batch, %d unmeasured load(s) before each "
                        + "batch; machine: %s%n%n",
                chromium, page, profile, defaultWan, rttMs, rateMbit, runs, batches, warmUp, machineLoad));
        sb.append(t.render());
        sb.append(String.format(Locale.ROOT, "page-load time: Navigation Timing loadEventEnd - startTime, reported by "
                + "the page; ttfb: responseStart, dcl: domContentLoadedEventEnd (medians)%n"
                + "KiB/page: received by the CPE on each WAN from the browser's start to its end; floor: the busiest "
                + "WAN's share at its rate; conns/page: TCP connections the servers accepted per load%n"));
        sb.append(String.format(Locale.ROOT, "escaped: packets from the LAN namespace not addressed to the server net, "
                + "dropped and counted (%d in all); to the server net on other ports than the page's: %d%n",
                escaped(), offPort()));
        for (ModeResult r : results) {
            if (r.timings().samplesMs().size() > 0 && r.fewestServed() < objects) {
                sb.append(String.format(Locale.ROOT, "  %s: a load reported after only %d of %d objects%n",
                        r.mode().label(), r.fewestServed(), objects));
            }
        }
        sb.append(ModeOutcome.errorLines(results));
        return sb.toString();
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = ModeOutcome.jsonHead(BrowserScenario.NAME, profile, defaultWan, rttMs, rateMbit, runs);
        m.put("chromium", chromium);
        m.put("batches", batches);
        m.put("warm_up_per_batch", warmUp);
        m.put("machine_load", machineLoad);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objects", objects);
        p.put("hosts", hosts);
        p.put("bytes", pageBytes);
        p.put("description", page);
        m.put("page", p);
        List<Object> rs = new ArrayList<>();
        for (ModeResult r : results) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("label", r.mode().label());
            e.putAll(r.jsonFields(rateMbit));
            e.put("connections_per_page", Math.round(r.connectionsPerPage() * 10) / 10.0);
            e.put("ttfb_median_ms", round(Stats.median(r.ttfbMs())));
            e.put("dcl_median_ms", round(Stats.median(r.dclMs())));
            e.put("fewest_objects_served", r.fewestServed());
            e.put("escaped_packets", r.escaped());
            e.put("off_port_packets", r.offPort());
            e.put("errors", r.errors());
            rs.add(e);
        }
        m.put("results", rs);
        m.put("escaped_packets", escaped());
        return m;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10) / 10.0 : v;
    }

    @Override
    public Map<String, byte[]> files() {
        return Map.of("png", plot(1000, 620));
    }

    /** The chart: median page-load time per mode as bars, the p90 as marks. */
    public byte[] plot(int width, int height) {
        String title = String.format(Locale.ROOT, "Chromium page-load time, %d objects on %d hosts (%s, %s Mbit/s)",
                objects, hosts, profile, rateMbit.values().iterator().next());
        BarChart chart = new BarChart(title, "mode", "page-load time (ms)", "median", "p90");
        for (ModeResult r : results) {
            chart.add(new BarChart.Bar(r.mode().label(), r.timings().median(), r.timings().percentile(90)));
        }
        return chart.png(width, height);
    }
}
