package org.haap.loadtest.soak;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Table;
import org.haap.loadtest.plot.TimeSeriesPanels;

/**
 * The result of {@code soak}: the samples as a table, as JSON and as a PNG of each watched
 * figure relative to its value at the reference sample (the first one at or after one
 * minute), and the verdict: flat if no later sample differs from the reference by more than
 * {@link #TOLERANCE_PCT} percent.
 *
 * @param minutes        the requested length
 * @param validPerSecond target rate of valid sessions
 * @param invalidPerSecond target rate of mutated messages
 * @param samples        every sample, in time order
 * @param traffic        the final counters, by name
 * @param failures       the first failure descriptions
 * @param heapChanges    classes whose live bytes changed most from the reference sample to
 *                       the last (from their class histograms)
 * @param apAlive        whether the AP still ran at the end
 */
record SoakResult(int minutes, double validPerSecond, double invalidPerSecond, List<SoakSample> samples,
                  Map<String, Long> traffic, List<String> failures, List<String> heapChanges, boolean apAlive)
        implements ScenarioResult {

    static final double TOLERANCE_PCT = 5;
    static final double REFERENCE_SECONDS = 60;
    static final List<String> FIGURES = List.of("fds", "threads", "heap", "rss");

    SoakResult {
        samples = List.copyOf(samples);
        traffic = new LinkedHashMap<>(traffic);
        failures = List.copyOf(failures);
        heapChanges = List.copyOf(heapChanges);
    }

    /** The first sample at or after one minute (the last one if the run was shorter). */
    SoakSample reference() {
        return samples.stream().filter(s -> s.seconds() >= REFERENCE_SECONDS - 0.5).findFirst()
                .orElse(samples.get(samples.size() - 1));
    }

    /** The largest deviation, in percent, of a sample after the reference from it. */
    double maxDeviationPct(String figure) {
        return Math.max(maxChangePct(figure, 1), maxChangePct(figure, -1));
    }

    /**
     * The largest rise ({@code sign} 1) or fall ({@code sign} -1), in percent, of a sample
     * after the reference from it; 0 if there is none. A rise is what a leak looks like.
     */
    double maxChangePct(String figure, int sign) {
        SoakSample ref = reference();
        double base = ref.value(figure);
        double max = 0;
        for (SoakSample s : samples) {
            if (s.seconds() >= ref.seconds()) {
                max = Math.max(max, sign * (s.value(figure) - base) * 100 / base);
            }
        }
        return max;
    }

    /** Flat: every figure within the tolerance of its reference value. */
    boolean flat() {
        return FIGURES.stream().allMatch(f -> maxDeviationPct(f) <= TOLERANCE_PCT);
    }

    @Override
    public String table() {
        Table t = new Table("t s", "fds", "threads", "heap MiB", "rss MiB", "valid ok", "valid failed", "mutated sent");
        for (SoakSample s : samples) {
            t.row(Table.number(s.seconds(), 0), Integer.toString(s.fds()), Integer.toString(s.threads()),
                    Table.number(s.heapKib() / 1024.0, 2), Table.number(s.rssKib() / 1024.0, 1),
                    Long.toString(s.validOk()), Long.toString(s.validFailed()), Long.toString(s.invalidSent()));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "soak: %d min of valid sessions (target %.0f/s) and mutated Convert "
                        + "messages (target %.0f/s) against one AP (JVM heap %s);%nsampled every %d s while no "
                        + "operation is in flight: fds, threads (without JIT compiler threads), heap after a full "
                        + "GC (live objects), RSS%n%n",
                minutes, validPerSecond, invalidPerSecond, SoakBed.AP_HEAP, SoakScenario.SAMPLE_SECONDS));
        sb.append(t.render());
        SoakSample ref = reference();
        sb.append(String.format(Locale.ROOT, "%nlargest rise / fall from the sample at %.0f s: fds +%.1f / -%.1f %%, "
                        + "threads +%.1f / -%.1f %%, heap +%.1f / -%.1f %%, rss +%.1f / -%.1f %% -> %s (tolerance %.0f %%)%n",
                ref.seconds(), maxChangePct("fds", 1), maxChangePct("fds", -1), maxChangePct("threads", 1),
                maxChangePct("threads", -1), maxChangePct("heap", 1), maxChangePct("heap", -1),
                maxChangePct("rss", 1), maxChangePct("rss", -1), flat() ? "flat" : "NOT flat", TOLERANCE_PCT));
        sb.append("traffic: ").append(traffic).append('\n');
        sb.append("AP ").append(apAlive ? "still running at the end" : "NOT running at the end").append('\n');
        for (String f : failures) {
            sb.append("failure: ").append(f).append('\n');
        }
        if (!heapChanges.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "largest changes of live heap bytes from t = %.0f s to the end "
                    + "(jcmd GC.class_histogram):%n", ref.seconds()));
        }
        for (String h : heapChanges) {
            sb.append("  ").append(h).append('\n');
        }
        return sb.toString();
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", SoakScenario.NAME);
        m.put("minutes", minutes);
        m.put("sample_s", SoakScenario.SAMPLE_SECONDS);
        m.put("valid_per_s", validPerSecond);
        m.put("invalid_per_s", invalidPerSecond);
        m.put("ap_heap", SoakBed.AP_HEAP);
        m.put("reference_t_s", reference().seconds());
        Map<String, Object> dev = new LinkedHashMap<>();
        FIGURES.forEach(f -> dev.put(f, Math.round(maxDeviationPct(f) * 100) / 100.0));
        m.put("max_deviation_pct", dev);
        Map<String, Object> rise = new LinkedHashMap<>();
        FIGURES.forEach(f -> rise.put(f, Math.round(maxChangePct(f, 1) * 100) / 100.0));
        m.put("max_rise_pct", rise);
        Map<String, Object> fall = new LinkedHashMap<>();
        FIGURES.forEach(f -> fall.put(f, Math.round(maxChangePct(f, -1) * 100) / 100.0));
        m.put("max_fall_pct", fall);
        m.put("tolerance_pct", TOLERANCE_PCT);
        m.put("flat", flat());
        m.put("ap_alive", apAlive);
        m.put("traffic", new LinkedHashMap<String, Object>(traffic));
        m.put("failures", failures);
        m.put("heap_changes", heapChanges);
        List<Object> s = new ArrayList<>();
        samples.forEach(x -> s.add(x.toJson()));
        m.put("samples", s);
        return m;
    }

    @Override
    public Map<String, byte[]> files() {
        return Map.of("png", plot(560, 300));
    }

    /**
     * Each figure as a percentage of its value at the reference sample, over time: one panel
     * per figure, the reference marked.
     */
    byte[] plot(int panelWidth, int panelHeight) {
        SoakSample ref = reference();
        TimeSeriesPanels chart = new TimeSeriesPanels(String.format(Locale.ROOT,
                "Soak: the AP's figures relative to t = %.0f s (%d min, %s)", ref.seconds(), minutes,
                flat() ? "flat within " + (int) TOLERANCE_PCT + " %" : "NOT flat"),
                "time since start (min)", "% of the value at t = " + (int) ref.seconds() + " s", 2);
        Map<String, String> names = Map.of("fds", "file descriptors", "threads", "threads",
                "heap", "heap after GC", "rss", "RSS");
        Map<String, String> units = Map.of("fds", "", "threads", "", "heap", " MiB", "rss", " MiB");
        for (String f : FIGURES) {
            double[] x = new double[samples.size()];
            double[] y = new double[samples.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = samples.get(i).seconds() / 60;
                y[i] = samples.get(i).value(f) * 100 / ref.value(f);
            }
            double base = ref.value(f) / (units.get(f).isEmpty() ? 1 : 1024);
            String title = String.format(Locale.ROOT, "%s: %s%s at %.0f s, +%.1f / -%.1f %%", names.get(f),
                    Table.number(base, units.get(f).isEmpty() ? 0 : 1), units.get(f), ref.seconds(),
                    maxChangePct(f, 1), maxChangePct(f, -1));
            chart.add(new TimeSeriesPanels.Panel(title, List.of(new TimeSeriesPanels.Line(names.get(f), x, y)),
                    List.of(new TimeSeriesPanels.Marker("reference", ref.seconds() / 60))));
        }
        return chart.png(panelWidth, panelHeight);
    }
}
