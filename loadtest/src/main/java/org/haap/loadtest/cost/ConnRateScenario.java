package org.haap.loadtest.cost;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;

/**
 * {@code conn-rate}: new proxied connections per second, each one small request and a
 * {@value #ANSWER_BYTES}-byte answer, with {@code --connections} clients at once (default
 * {@value #DEFAULT_CLIENTS}), through HAAP, the HAProxy pair and the kernel alone on the
 * unshaped {@link PairBed}; the routes alternate within each of the {@code --repeat} rounds
 * of {@code --seconds} each, after a warm-up round that is not counted. Also the CPU of each
 * proxy process and the time to first byte.
 */
public final class ConnRateScenario implements Scenario {

    static final int DEFAULT_CLIENTS = 10;
    static final int MAX_CLIENTS = 200;
    static final int ANSWER_BYTES = 1024;
    /**
     * The warm-up of each route before the first counted round. The JVMs' JIT compilers are
     * still busy for tens of seconds after a start (a profile at 30 s: a third of the
     * gateway's CPU in the C2 compiler); the figures are for a warmed-up process.
     */
    static final double WARM_UP_SECONDS = 20;

    private final double warmUpSeconds;

    public ConnRateScenario() {
        this(WARM_UP_SECONDS);
    }

    /** A scenario with a warm-up of {@code warmUpSeconds} per route (tests). */
    ConnRateScenario(double warmUpSeconds) {
        this.warmUpSeconds = warmUpSeconds;
    }

    @Override
    public String name() {
        return "conn-rate";
    }

    @Override
    public String description() {
        return "new proxied connections/s, CPU per side and time to first byte: HAAP vs a HAProxy pair vs the kernel";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        int clients = ctx.options().connectionsOr(DEFAULT_CLIENTS);
        if (clients > MAX_CLIENTS) {
            throw new IllegalArgumentException("--connections: " + clients + " (expected: 1.." + MAX_CLIENTS + ")");
        }
        List<Route> routes = routes(ctx.options().modesOr(List.of()));
        PairBed bed = PairBed.up(ctx, Math.max(1000, clients * 20));
        LanClients lan = new LanClients(bed.clientNamespace(), clients);
        ctx.teardown().add("LAN clients", lan::close);
        ConnRateRun.warmUp(ctx, bed, lan, routes, warmUpSeconds);
        List<ConnRateRun> runs = new ArrayList<>();
        for (int rep = 1; rep <= ctx.repeat(); rep++) {
            for (Route r : routes) {
                ConnRateRun run = ConnRateRun.measure(bed, lan, r, ctx.seconds(), ANSWER_BYTES);
                runs.add(run);
                ctx.progress(String.format(Locale.ROOT, "round %d/%d %s: %.0f conn/s, %d failed", rep, ctx.repeat(),
                        r.label(), run.connectionsPerSecond(), run.failed()));
            }
        }
        return new ConnRateResult(clients, ctx.seconds(), ANSWER_BYTES, runs);
    }

    /** The routes named by {@code --modes}, all three by default. */
    static List<Route> routes(List<String> modes) {
        if (modes.isEmpty()) {
            return List.of(Route.values());
        }
        List<Route> out = new ArrayList<>();
        for (String m : modes) {
            Route r = Route.of(m);
            if (!out.contains(r)) {
                out.add(r);
            }
        }
        return out;
    }
}
