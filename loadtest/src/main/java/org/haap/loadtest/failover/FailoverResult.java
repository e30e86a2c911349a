package org.haap.loadtest.failover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.haap.deploy.testbed.Wan;
import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Table;
import org.haap.loadtest.plot.TimeSeriesPanels;

/**
 * The result of {@code failover}: one {@link FailoverRun} per fault and path manager, as a
 * table, as JSON and as a PNG of goodput and per-WAN download rate over time, one panel per
 * run with the fault and the repair marked.
 *
 * @param profile             the testbed profile
 * @param ratesMbit           each WAN's shaped rate, Mbit/s, by WAN name
 * @param rttMs               the RTT each WAN adds, by WAN name
 * @param timeline            the planned times
 * @param recoverThresholdMbit goodput that counts as recovered (80 % of LTE's rate)
 * @param recoverWindowMs     the window goodput is averaged over for it
 * @param rejoinThresholdMbit DSL download rate that counts as DSL carrying data again
 * @param runs                every run, fault by fault
 * @param notes               remarks printed under the table and put in the JSON
 */
public record FailoverResult(String profile, Map<String, Object> ratesMbit, Map<String, Object> rttMs,
                             Timeline timeline, double recoverThresholdMbit, long recoverWindowMs,
                             double rejoinThresholdMbit, List<FailoverRun> runs, List<String> notes)
        implements ScenarioResult {

    public FailoverResult {
        ratesMbit = new LinkedHashMap<>(ratesMbit);
        rttMs = new LinkedHashMap<>(rttMs);
        runs = List.copyOf(runs);
        notes = List.copyOf(notes);
    }

    @Override
    public String table() {
        Table t = new Table("fault", "policy", "pm", "recover ms", "rejoin ms", "dsl MB", "lte MB", "lte share",
                "goodput Mbit/s", "integrity", "conns lost");
        for (FailoverRun r : runs) {
            t.row(r.fault().label(), r.pathManager().label(), r.effectiveMode(), ms(r.recoverMs()), ms(r.rejoinMs()),
                    Table.number(r.trace().bytes(Wan.DSL) / 1e6, 1), Table.number(r.trace().bytes(Wan.LTE) / 1e6, 1),
                    Table.number(r.lteShare(), 2), Table.number(r.meanGoodputMbit(), 1), r.integrity(),
                    Integer.toString(r.connectionsLost()));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "failover: a %.0f s download through the gateway; DSL fails at %.0f s, repaired at %.0f s;%n"
                        + "profile %s, rates %s Mbit/s, RTT %s ms; recovered = goodput >= %.1f Mbit/s "
                        + "(80 %% of LTE) over %d ms;%nrejoined = DSL receives >= %.1f Mbit/s in a %d ms "
                        + "sample; MB = 10^6 bytes per WAN, both directions%n%n",
                timeline.transferMs() / 1000.0, timeline.faultAtMs() / 1000.0, timeline.restoreAtMs() / 1000.0, profile,
                ratesMbit, rttMs, recoverThresholdMbit, recoverWindowMs, rejoinThresholdMbit, timeline.sampleMs()));
        sb.append(t.render());
        for (FailoverRun r : runs) {
            for (String e : r.errors()) {
                sb.append(String.format(Locale.ROOT, "  %s/%s: %s%n", r.fault().label(), r.pathManager().label(), e));
            }
        }
        for (String n : notes) {
            sb.append("note: ").append(n).append('\n');
        }
        return sb.toString();
    }

    private static String ms(double v) {
        return Double.isFinite(v) ? Table.number(v, 0) : "-";
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", FailoverScenario.NAME);
        m.put("profile", profile);
        m.put("rate_mbit", ratesMbit);
        m.put("rtt_ms", rttMs);
        m.put("transfer_ms", timeline.transferMs());
        m.put("fault_at_ms", timeline.faultAtMs());
        m.put("restore_at_ms", timeline.restoreAtMs());
        m.put("sample_ms", timeline.sampleMs());
        m.put("recover_threshold_mbit", FailoverRun.round(recoverThresholdMbit));
        m.put("recover_window_ms", recoverWindowMs);
        m.put("rejoin_threshold_mbit", FailoverRun.round(rejoinThresholdMbit));
        List<Object> fs = new ArrayList<>();
        runs.forEach(r -> fs.add(r.toJson(true)));
        m.put("faults", fs);
        m.put("notes", notes);
        return m;
    }

    @Override
    public Map<String, byte[]> files() {
        return Map.of("png", plot(620, 300));
    }

    /** Goodput and per-WAN download rate over time, one panel per run (faults in columns). */
    public byte[] plot(int panelWidth, int panelHeight) {
        List<Fault> faults = new ArrayList<>();
        runs.forEach(r -> {
            if (!faults.contains(r.fault())) {
                faults.add(r.fault());
            }
        });
        double sum = 0;
        StringBuilder rates = new StringBuilder();
        for (Map.Entry<String, Object> e : ratesMbit.entrySet()) {
            double v = ((Number) e.getValue()).doubleValue();
            sum += v;
            rates.append(rates.length() == 0 ? "" : " + ").append(e.getKey().toUpperCase(Locale.ROOT)).append(' ')
                    .append(Table.number(v, v == Math.rint(v) ? 0 : 1));
        }
        TimeSeriesPanels chart = new TimeSeriesPanels("Failover: client goodput and download rate per WAN ("
                + profile + " profile, " + rates + " Mbit/s)", "time since transfer start (s)", "Mbit/s",
                Math.max(1, faults.size()));
        if (sum > 0) {
            chart.yLimit(1.5 * sum); // goodput bursts after a stall would flatten everything else
        }
        List<FailoverRun> ordered = new ArrayList<>(runs);
        // one row per path manager, one column per fault
        ordered.sort(java.util.Comparator.comparingInt((FailoverRun r) -> policyIndex(r))
                .thenComparingInt(r -> faults.indexOf(r.fault())));
        for (FailoverRun r : ordered) {
            double[] x = r.trace().intervalEndsMs();
            for (int i = 0; i < x.length; i++) {
                x[i] /= 1000;
            }
            List<TimeSeriesPanels.Line> lines = List.of(
                    new TimeSeriesPanels.Line("client goodput", x, r.trace().goodputMbit()),
                    new TimeSeriesPanels.Line("DSL (down)", x, r.trace().downMbit(Wan.DSL)),
                    new TimeSeriesPanels.Line("LTE (down)", x, r.trace().downMbit(Wan.LTE)));
            List<TimeSeriesPanels.Marker> markers = List.of(
                    new TimeSeriesPanels.Marker(r.fault().label(), r.trace().faultMs() / 1000),
                    new TimeSeriesPanels.Marker("repaired", r.trace().restoreMs() / 1000));
            String title = String.format(Locale.ROOT, "%s, %s (%s): recover %s ms, rejoin %s ms, %s",
                    r.fault().label(), r.pathManager().label(), r.effectiveMode(), ms(r.recoverMs()), ms(r.rejoinMs()),
                    r.integrity().equals("ok") && r.connectionsLost() == 0 ? "intact"
                            : r.integrity() + ", " + r.connectionsLost() + " lost");
            chart.add(new TimeSeriesPanels.Panel(title, lines, markers));
        }
        return chart.png(panelWidth, panelHeight);
    }

    private int policyIndex(FailoverRun r) {
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).pathManager().label().equals(r.pathManager().label())) {
                return i;
            }
        }
        return runs.size();
    }
}
