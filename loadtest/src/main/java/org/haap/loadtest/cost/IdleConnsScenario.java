package org.haap.loadtest.cost;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;

/**
 * {@code idle-conns}: {@code --connections} idle relayed connections (default
 * {@value #DEFAULT_CONNECTIONS}) through HAAP, the HAProxy pair and the kernel alone on the
 * unshaped {@link PairBed}, opened by {@value #OPENERS} LAN clients at once; per proxy
 * process the RSS, the heap after a full GC and the fds each connection costs, the time to
 * open them all, and the RSS {@value IdleConnsRun#AFTER_CLOSE_SECONDS} s after they closed.
 * Each proxied route first carries {@value #WARM_UP_SECONDS} s of short connections (as in
 * {@code conn-rate}), so that the figures are those of a warmed-up process, not of its JIT.
 * {@code --runs} rounds (default 1), the routes alternating within each.
 */
public final class IdleConnsScenario implements Scenario {

    static final int DEFAULT_CONNECTIONS = 8000;
    /** The fd hard limit of a process here is 20,000 and this JVM holds both ends of each connection. */
    static final int MAX_CONNECTIONS = 9000;
    static final int OPENERS = 16;

    /** Short connections through each proxied route first, so that its JVMs are warmed up (s). */
    static final double WARM_UP_SECONDS = 10;

    private final int afterCloseSeconds;
    private final double warmUpSeconds;

    public IdleConnsScenario() {
        this(IdleConnsRun.AFTER_CLOSE_SECONDS, WARM_UP_SECONDS);
    }

    /**
     * A scenario that reads the last RSS {@code afterCloseSeconds} s after the close, after
     * a warm-up of {@code warmUpSeconds} per proxied route (tests).
     */
    IdleConnsScenario(int afterCloseSeconds, double warmUpSeconds) {
        this.afterCloseSeconds = afterCloseSeconds;
        this.warmUpSeconds = warmUpSeconds;
    }

    @Override
    public String name() {
        return "idle-conns";
    }

    @Override
    public String description() {
        return "RSS, heap and fds per idle relayed connection, time to open N: HAAP vs a HAProxy pair vs the kernel";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        int n = ctx.options().connectionsOr(DEFAULT_CONNECTIONS);
        if (n > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("--connections: " + n + " (expected: 1.." + MAX_CONNECTIONS + ")");
        }
        List<Route> routes = ConnRateScenario.routes(ctx.options().modesOr(List.of()));
        PairBed bed = PairBed.up(ctx, n + 100);
        LanClients lan = new LanClients(bed.clientNamespace(), OPENERS);
        ctx.teardown().add("LAN clients", lan::close);
        ConnRateRun.warmUp(ctx, bed, lan, routes, warmUpSeconds);
        List<IdleConnsRun> runs = new ArrayList<>();
        int rounds = ctx.options().runsOr(1);
        for (int round = 1; round <= rounds; round++) {
            for (Route r : routes) {
                ctx.progress("round " + round + "/" + rounds + ": " + r.label());
                runs.add(IdleConnsRun.measure(ctx, bed, lan, r, n, afterCloseSeconds));
            }
        }
        return new IdleConnsResult(n, afterCloseSeconds, runs);
    }
}
