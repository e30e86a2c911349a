package org.haap.loadtest.cost;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;

/**
 * {@code throughput}: the whole chain unshaped, upload and download, with 1 and 4
 * connections, through HAAP, the HAProxy pair and the kernel alone on the {@link PairBed};
 * {@code --seconds} per measurement, {@code --repeat} rounds in which the routes alternate.
 * ({@code ap-relay} measures the AP's relay alone.)
 */
public final class ThroughputScenario implements Scenario {

    static final List<Integer> CONNECTIONS = List.of(1, 4);

    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public String description() {
        return "the whole chain unshaped, up and down, 1 and 4 connections: HAAP vs a HAProxy pair vs the kernel";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        List<Route> routes = ConnRateScenario.routes(ctx.options().modesOr(List.of()));
        PairBed bed = PairBed.up(ctx, 1000);
        LanClients lan = new LanClients(bed.clientNamespace(), ConnRateScenario.DEFAULT_CLIENTS);
        ctx.teardown().add("LAN clients", lan::close);
        ConnRateRun.warmUp(ctx, bed, lan, routes, ConnRateScenario.WARM_UP_SECONDS / 2);
        List<ThroughputRun> runs = new ArrayList<>();
        for (int rep = 1; rep <= ctx.repeat(); rep++) {
            for (boolean download : List.of(true, false)) {
                for (int n : CONNECTIONS) {
                    for (Route r : routes) {
                        ThroughputRun run = ThroughputRun.measure(bed, lan, r, download, n, ctx.seconds());
                        runs.add(run);
                        ctx.progress(String.format(Locale.ROOT, "round %d/%d %s x%d %s: %.0f Mbit/s", rep,
                                ctx.repeat(), download ? "download" : "upload", n, r.label(), run.mbitPerSecond()));
                    }
                }
            }
        }
        return new ThroughputResult(ctx.seconds(), ctx.repeat(), runs);
    }
}
