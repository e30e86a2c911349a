package org.haap.loadtest.scaleout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Table;
import org.haap.loadtest.plot.BarChart;

/**
 * The result of {@code scale-out}: one row per figure with issue 15's acceptance line for
 * it and whether it holds, the figures as JSON, and a PNG bar chart of each node's share of
 * the connections (marks at the accepted 20 % and 47 %).
 *
 * @param nodes    the number of AP nodes
 * @param mode     the gateway's mode ({@code defaults} or {@code no-fast-open})
 * @param figures  every figure by JSON key (numbers, lists, maps)
 * @param rows     table rows: figure, value, acceptance, holds ({@code yes}, {@code NO} or {@code -})
 * @param shares   each node's share of the connections in percent, by node name
 * @param notes    lines printed under the table
 */
public record ScaleOutResult(int nodes, String mode, Map<String, Object> figures, List<List<String>> rows,
                             Map<String, Double> shares, List<String> notes) implements ScenarioResult {

    public ScaleOutResult {
        figures = new LinkedHashMap<>(figures);
        rows = List.copyOf(rows);
        shares = new LinkedHashMap<>(shares);
        notes = List.copyOf(notes);
    }

    @Override
    public String table() {
        Table t = new Table("figure", "value", "acceptance (issue 15)", "holds");
        rows.forEach(r -> t.row(r.toArray(String[]::new)));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "scale-out: %d AP nodes (cluster mode) behind the testbed's nft DNAT balancer, gateway fullmesh "
                        + "(userspace path manager), gateway mode %s%n%n", nodes, mode));
        sb.append(t.render());
        notes.forEach(n -> sb.append("  ").append(n).append('\n'));
        return sb.toString();
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", ScaleOutScenario.NAME);
        m.put("nodes", nodes);
        m.putAll(figures);
        List<Object> rs = new ArrayList<>();
        for (List<String> r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("figure", r.get(0));
            row.put("value", r.get(1));
            row.put("acceptance", r.get(2));
            row.put("holds", r.get(3));
            rs.add(row);
        }
        m.put("rows", rs);
        return m;
    }

    @Override
    public Map<String, byte[]> files() {
        BarChart chart = new BarChart("Connections per AP node (" + nodes + " nodes)", "node",
                "share of connections (%)", "share", "accepted minimum (20 %)");
        shares.forEach((node, pct) -> chart.add(new BarChart.Bar(node, pct, 20)));
        return Map.of("png", chart.png(900, 560));
    }
}
