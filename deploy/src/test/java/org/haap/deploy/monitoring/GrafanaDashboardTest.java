package org.haap.deploy.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard {@code deploy/grafana/haap.json}: it is valid JSON (parsed by
 * {@code python3}), has the panels the issue asks for (per-WAN, throughput, setup latency,
 * sessions, errors), and every metric its queries use is in {@code docs/metrics.md}.
 */
class GrafanaDashboardTest {

    /** Prints every panel title as {@code title:...} and every query as {@code expr:...}, one per line. */
    private static final String EXTRACT = """
            import json, sys
            d = json.load(open(sys.argv[1]))
            def walk(o):
                if isinstance(o, dict):
                    if o.get("type") not in (None, "row") and "title" in o and "gridPos" in o:
                        print("title:" + o["title"])
                    for k, v in o.items():
                        if k in ("expr", "definition") and isinstance(v, str):
                            print("expr:" + v.replace("\\n", " "))
                        else:
                            walk(v)
                elif isinstance(o, list):
                    for v in o:
                        walk(v)
            walk(d)
            """;

    private final Path file = SourceTree.file("deploy/grafana/haap.json");

    private List<String> extract() throws Exception {
        Path python = Promtool.find("python3");
        if (python == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("python3 is not installed");
            }
            abort("python3 is not installed");
        }
        Process p = new ProcessBuilder(python.toString(), "-c", EXTRACT, file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "python3 did not finish");
        assertEquals(0, p.exitValue(), () -> "not valid dashboard JSON: " + out);
        return out.lines().toList();
    }

    @Test
    void everyMetricTheDashboardUsesIsDocumented() throws Exception {
        MetricsCatalog catalog = MetricsCatalog.load();
        Set<String> names = new TreeSet<>();
        for (String line : extract()) {
            if (line.startsWith("expr:")) {
                names.addAll(MetricNames.in(line));
            }
        }
        assertTrue(names.size() >= 15, () -> "too few metric names found: " + names);
        for (String name : names) {
            assertTrue(catalog.documentsSeries(name), () -> name + " is on the dashboard but not in docs/metrics.md");
        }
    }

    @Test
    void hasThePanelsOperatorsNeed() throws Exception {
        List<String> titles = extract().stream().filter(l -> l.startsWith("title:")).map(l -> l.substring(6)).toList();
        for (String wanted : List.of("Gateway throughput per WAN", "Connections established per WAN",
                "Connect attempts per WAN and outcome", "Setup latency (gateway to AP)", "Gateway sessions",
                "Gateway errors", "AP sessions", "AP errors", "Upstream connect latency")) {
            assertTrue(titles.contains(wanted), () -> "no panel '" + wanted + "' in " + titles);
        }
    }
}
