package org.haap.loadtest.aggregation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Stats;
import org.haap.loadtest.Table;
import org.haap.loadtest.aprelay.Transfer;
import org.haap.loadtest.plot.BarChart;

/**
 * The result of {@code aggregation}: one row per cell (LTE loss, direction, connections,
 * route) with goodput, its ratio to the same cell without loss and to the better WAN alone,
 * the bytes each WAN carried, the retransmitted share of the sender's data segments,
 * goodput over wire bytes, the loss the LTE link really dropped and the congestion control
 * seen on the sender's sockets; the acceptance figures for HAAP under them; JSON and
 * a PNG bar chart.
 *
 * @param profile          the testbed profile
 * @param rateMbit         each WAN's shaped rate, by WAN name
 * @param rttMs            each WAN's RTT, by WAN name
 * @param transferSeconds  how long each transfer sends
 * @param hostCongestion   the namespaces' default congestion control, by namespace role
 * @param cells            the cells in the order measured
 * @param measuredLossPct  per asked LTE loss, the share LTE's rule dropped over all its cells
 */
record AggregationResult(String profile, Map<String, Object> rateMbit, Map<String, Object> rttMs,
                         int transferSeconds, Map<String, String> hostCongestion, List<Cell> cells,
                         Map<Integer, Double> measuredLossPct) implements ScenarioResult {

    AggregationResult {
        Objects.requireNonNull(profile, "profile");
        rateMbit = new LinkedHashMap<>(rateMbit);
        rttMs = new LinkedHashMap<>(rttMs);
        hostCongestion = new LinkedHashMap<>(hostCongestion);
        cells = List.copyOf(cells);
        measuredLossPct = new LinkedHashMap<>(measuredLossPct);
    }

    /** The cell for these coordinates, or null. */
    Cell cell(int loss, Transfer t, int connections, Route route) {
        for (Cell c : cells) {
            if (c.lossPct() == loss && c.transfer() == t && c.connections() == connections && c.route() == route) {
                return c;
            }
        }
        return null;
    }

    private double goodput(int loss, Transfer t, int connections, Route route) {
        Cell c = cell(loss, t, connections, route);
        return c == null ? Double.NaN : c.goodputMbit();
    }

    /** The cell's goodput over the same route's without loss (NaN when either is missing). */
    double vsLossFree(Cell c) {
        return Stats.ratio(c.goodputMbit(), goodput(0, c.transfer(), c.connections(), c.route()));
    }

    /** The cell's goodput over the better of DSL alone and LTE alone at the same loss. */
    double vsBestSingle(Cell c) {
        double dsl = goodput(c.lossPct(), c.transfer(), c.connections(), Route.DSL);
        double lte = goodput(c.lossPct(), c.transfer(), c.connections(), Route.LTE);
        double best = Double.isNaN(dsl) ? lte : Double.isNaN(lte) ? dsl : Math.max(dsl, lte);
        return Stats.ratio(c.goodputMbit(), best);
    }

    @Override
    public String table() {
        Table t = new Table("lte loss", "dir", "conns", "route", "goodput Mbit/s", "vs 0 %", "vs best WAN",
                "dsl MB", "lte MB", "retrans %", "goodput/wire", "lte drop %", "sender cc", "intact");
        for (Cell c : cells) {
            t.row(c.lossPct() + "%", c.transfer().label(), Integer.toString(c.connections()), c.route().label(),
                    Table.number(c.goodputMbit(), 1), Table.number(vsLossFree(c), 2),
                    c.route().single() ? "-" : Table.number(vsBestSingle(c), 2),
                    Table.number(c.dslBytes() / 1e6, 1), Table.number(c.lteBytes() / 1e6, 1),
                    Table.number(c.segments().retransmittedPct(), 1), Table.number(c.efficiency(), 3),
                    Table.number(c.lteLoss().percent(), 2), c.congestion().isEmpty() ? "-"
                            : String.join("+", new java.util.TreeSet<>(c.congestion())),
                    c.intact() + "/" + c.connections());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "aggregation: profile %s, rate %s Mbit/s, RTT %s ms, random loss on LTE in both directions, "
                        + "%d s bulk transfers%nnamespaces' default congestion control, set by the scenario (the "
                        + "host's default named last does not apply): %s%n%n",
                profile, rateMbit, rttMs, transferSeconds, hostCongestion));
        sb.append(t.render());
        sb.append(String.format(Locale.ROOT,
                "MB: bytes the sender put on the WAN in the data's direction, before the link's loss (payload, "
                        + "headers, retransmissions): the CPE's WAN interface for uploads, the WAN router's interface "
                        + "towards the AP for downloads%n"
                        + "retrans %%: Tcp RetransSegs over all data segments (TcpExt TCPOrigDataSent + RetransSegs) "
                        + "in the sending namespace (haap: AP for downloads, CPE for uploads)%n"
                        + "lte drop %%: what LTE's loss rule dropped of the packets it saw during the cell (both "
                        + "directions); sender cc: ss -ti on the sender's sockets of the measured connections%n"));
        measuredLossPct.forEach((asked, got) -> sb.append(String.format(Locale.ROOT,
                "LTE loss asked %d %%, dropped %s %% of its packets over all cells%n", asked, Table.number(got, 2))));
        for (String line : acceptance()) {
            sb.append(line).append('\n');
        }
        for (Cell c : cells) {
            for (String e : c.errors()) {
                sb.append(String.format(Locale.ROOT, "  %d%% %s x%d %s: %s%n", c.lossPct(), c.transfer().label(),
                        c.connections(), c.route().label(), e));
            }
        }
        return sb.toString();
    }

    /**
     * The acceptance figures for HAAP (and kernel-only MPTCP beside them), one line
     * per lossy cell: share of its loss-free goodput (target 90 % at 1 %, 75 % at 3 %) and
     * ratio to the better WAN alone (target 1.5 at 1 %).
     */
    List<String> acceptance() {
        List<String> out = new ArrayList<>();
        for (Cell c : cells) {
            if (c.route() != Route.HAAP || c.lossPct() == 0) {
                continue;
            }
            double share = vsLossFree(c);
            double best = vsBestSingle(c);
            double need = c.lossPct() <= 1 ? 0.90 : 0.75;
            String verdict = Double.isNaN(share) || (c.lossPct() <= 1 && Double.isNaN(best)) ? "not measured"
                    : share >= need && (c.lossPct() > 1 || best >= 1.5) ? "meets" : "MISSES";
            Cell k = cell(c.lossPct(), c.transfer(), c.connections(), Route.KERNEL);
            out.add(String.format(Locale.ROOT,
                    "haap %d %% loss %s x%d: %s %% of loss-free (target %.0f %%), %sx the better WAN%s -> %s"
                            + "; kernel-only: %s %%, %sx",
                    c.lossPct(), c.transfer().label(), c.connections(), Table.number(share * 100, 0), need * 100,
                    Table.number(best, 2), c.lossPct() <= 1 ? " (target 1.5x)" : "", verdict,
                    k == null ? "-" : Table.number(vsLossFree(k) * 100, 0), k == null ? "-" : Table.number(vsBestSingle(k), 2)));
        }
        return out;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", AggregationScenario.NAME);
        m.put("profile", profile);
        m.put("rate_mbit", rateMbit);
        m.put("rtt_ms", rttMs);
        m.put("transfer_seconds", transferSeconds);
        m.put("namespace_congestion_control", hostCongestion);
        Map<String, Object> loss = new LinkedHashMap<>();
        measuredLossPct.forEach((k, v) -> loss.put(Integer.toString(k), round(v, 2)));
        m.put("lte_loss_measured_pct", loss);
        List<Object> rows = new ArrayList<>();
        for (Cell c : cells) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("lte_loss_pct", c.lossPct());
            e.put("transfer", c.transfer().label());
            e.put("connections", c.connections());
            e.put("route", c.route().label());
            e.put("goodput_mbit", round(c.goodputMbit(), 2));
            e.put("vs_loss_free", round(vsLossFree(c), 3));
            e.put("vs_best_single_wan", c.route().single() ? null : round(vsBestSingle(c), 3));
            e.put("seconds", round(c.seconds(), 3));
            e.put("payload_bytes", c.bytes());
            e.put("intact", c.intact());
            Map<String, Object> wire = new LinkedHashMap<>();
            wire.put("dsl", c.dslBytes());
            wire.put("lte", c.lteBytes());
            e.put("wire_bytes", wire);
            e.put("data_segments", c.segments().original());
            e.put("retransmitted_segments", c.segments().retransmitted());
            e.put("retransmitted_pct", round(c.segments().retransmittedPct(), 2));
            e.put("goodput_per_wire_byte", round(c.efficiency(), 4));
            e.put("lte_packets", c.lteLoss().packets());
            e.put("lte_dropped", c.lteLoss().dropped());
            e.put("sender_congestion_control", new ArrayList<>(new java.util.TreeSet<>(c.congestion())));
            e.put("errors", c.errors());
            rows.add(e);
        }
        m.put("cells", rows);
        m.put("acceptance", acceptance());
        return m;
    }

    private static Object round(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    @Override
    public Map<String, byte[]> files() {
        return Map.of("png", plot(1600, 640));
    }

    /**
     * Goodput per cell with one connection as bars and with four as marks, grouped by
     * direction and loss: label {@code D1 haap} is a download at 1 % LTE loss through HAAP.
     */
    byte[] plot(int width, int height) {
        List<Integer> counts = cells.stream().map(Cell::connections).distinct().sorted().toList();
        int bar = counts.isEmpty() ? 1 : counts.get(0);
        int mark = counts.isEmpty() ? 1 : counts.get(counts.size() - 1);
        BarChart chart = new BarChart(String.format(Locale.ROOT,
                "Goodput under random LTE loss (%s, namespaces' default cc %s); D/U = download/upload, "
                        + "digit = LTE loss %%", profile, String.join(",", new java.util.TreeSet<>(hostCongestion.values()))),
                "direction, LTE loss, route", "goodput (Mbit/s)", connections(bar),
                mark == bar ? "-" : connections(mark));
        for (Transfer t : List.of(Transfer.DOWNLOAD, Transfer.UPLOAD)) {
            for (int loss : cells.stream().map(Cell::lossPct).distinct().sorted().toList()) {
                for (Route r : Route.ALL) {
                    Cell b = cell(loss, t, bar, r);
                    Cell k = cell(loss, t, mark, r);
                    if (b == null && k == null) {
                        continue;
                    }
                    String label = (t == Transfer.DOWNLOAD ? "D" : "U") + loss + " " + r.label();
                    chart.add(new BarChart.Bar(label, b == null ? Double.NaN : b.goodputMbit(),
                            k == null || mark == bar ? Double.NaN : k.goodputMbit()));
                }
            }
        }
        return chart.png(width, height);
    }

    private static String connections(int n) {
        return n + (n == 1 ? " connection" : " connections");
    }
}
