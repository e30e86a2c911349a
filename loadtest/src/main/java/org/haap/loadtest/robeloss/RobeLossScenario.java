package org.haap.loadtest.robeloss;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Wan;
import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.hybrid.GatewayMode;
import org.haap.loadtest.hybrid.HybridBed;
import org.haap.loadtest.hybrid.HybridConfigs;
import org.haap.loadtest.hybrid.ObjectConnection;
import org.haap.loadtest.hybrid.ObjectServer;
import org.haap.loadtest.hybrid.Timings;

/**
 * {@code robe-loss}: RobE Figure 8. On a private testbed with profile {@code robe-paper}
 * (LTE is the CPE's default route and the gateway's preferred WAN), for each gateway mode
 * (classic, timer, sim, sim+pool by default) and each SYN loss on the default WAN (0, 20,
 * 40, 60, 80, 100 % by default), {@code connections} LAN connections each: the client in
 * the LAN namespace calls {@code connect()} to the object server, asks for a
 * {@value #ANSWER_BYTES}-byte answer and stops the clock at its first byte. A connection
 * that does not get its answer within {@value #TIMEOUT_MS} ms, or is reset, is a failure.
 * A measured connection starts every {@link #SPACING} (open loop: it does not wait for the
 * earlier ones), so one that finishes within that time runs alone, as in the paper's
 * one-connection-at-a-time measurement, and the set-up time is not inflated by the scenario's
 * own simultaneous starts; slow ones (classic's SYN back-off) overlap. The gateway is restarted for
 * every point, so what it learns about the WANs at one loss does not carry over to the
 * next, and then carries {@value #WARM_UP} unmeasured connections at 0 % loss before the
 * point is measured: a freshly started gateway JVM compiles its connection path during its
 * first few hundred connections, which is start-up cost and not what the figure is about
 * (with 10 warm-up connections, sim+pool medians on a fresh pair were 41 ms instead of 23-26 ms).
 *
 * <p>With {@code --server-first} every point also measures {@code connections} connections
 * to a server that speaks first: an {@link ObjectServer} on port {@value #BANNER_PORT} writes
 * a {@value #ANSWER_BYTES}-byte banner at accept, the client sends nothing and stops the clock
 * at the banner's first byte. The two kinds alternate (one every {@link #SPACING}), so both
 * see the same gateway, loss and machine; the warm-up alternates them too.
 */
public final class RobeLossScenario implements Scenario {

    /** The scenario's name. */
    public static final String NAME = "robe-loss";
    /** SYN loss percentages measured by default. */
    public static final List<Integer> DEFAULT_POINTS = List.of(0, 20, 40, 60, 80, 100);
    /** Connections per point by default. */
    public static final int DEFAULT_CONNECTIONS = 50;
    /** Per-connection timeout: connect to first answer byte. */
    public static final long TIMEOUT_MS = 10_000;
    /** Warm-up connections in flight at once. */
    public static final int PARALLEL = 5;
    /** A measured connection starts this long after the previous one. */
    public static final Duration SPACING = Duration.ofMillis(100);
    static final int ANSWER_BYTES = 100;
    /** The port of the server that speaks first, on the object server's addresses. */
    static final int BANNER_PORT = 8081;
    static final int WARM_UP = 200;
    static final Duration POOL_FILL = Duration.ofSeconds(2);
    static final Profile PROFILE = Profile.ROBE_PAPER;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "RobE Fig. 8: connection set-up time through the gateway vs SYN loss on the default WAN, "
                + "per robe mode (table, PNG, JSON)";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        List<GatewayMode> modes = modes(ctx.options().modesOr(List.of()));
        List<Integer> points = ctx.options().pointsOr(DEFAULT_POINTS);
        int n = ctx.options().connectionsOr(DEFAULT_CONNECTIONS);
        boolean serverFirst = ctx.options().serverFirst();
        ctx.progress(estimate(modes, points, serverFirst ? 2 * n : n));
        HybridBed bed = HybridBed.up(ctx, PROFILE, 1);
        Wan lossy = PROFILE.defaultWan();
        InetSocketAddress server = bed.servers().get(0);
        Target target = new Target(bed.clientNamespace(), server, null);
        if (serverFirst) {
            ObjectServer banner = ObjectServer.start(bed.testbed().namespace(Node.SERVER), BANNER_PORT, ANSWER_BYTES);
            ctx.teardown().add("banner server", banner::close);
            target = new Target(bed.clientNamespace(), server, new InetSocketAddress(server.getAddress(), BANNER_PORT));
        }
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, r -> {
            Thread t = new Thread(r, "robe-loss-client");
            t.setDaemon(true);
            return t;
        });
        // every measured connection may still be waiting for its answer when the next starts
        ExecutorService measured = Executors.newFixedThreadPool(
                (int) Math.min(serverFirst ? 2 * n : n, TIMEOUT_MS / SPACING.toMillis() + 2), r -> {
                    Thread t = new Thread(r, "robe-loss-measured");
                    t.setDaemon(true);
                    return t;
                });
        ctx.teardown().add("client threads", () -> {
            pool.shutdownNow();
            measured.shutdownNow();
            pool.awaitTermination(TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
            measured.awaitTermination(TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
        });
        List<LossPoint> results = new ArrayList<>();
        for (GatewayMode mode : modes) {
            for (int loss : points) {
                // a fresh gateway per point: what it learned about the WANs at one loss must
                // not carry over to the next
                bed.setSynLoss(lossy, 0);
                ctx.progress(mode.label() + " at " + loss + " % SYN loss: starting the gateway (robe.mode = "
                        + mode.robe() + ", pool " + (mode.pool() ? "on" : "off") + ")");
                bed.startGateway(mode);
                warmUp(pool, target);
                if (mode.pool()) {
                    Thread.sleep(POOL_FILL.toMillis()); // give the warm pool time to refill before measuring
                }
                bed.setSynLoss(lossy, loss);
                LossPoint p = measure(ctx, measured, bed, target, mode, loss, n);
                results.add(p);
                ctx.progress(String.format(Locale.ROOT,
                        "%s at %d %% SYN loss: median %.1f ms, p90 %.1f ms, %d/%d failed%s%s",
                        mode.label(), loss, p.timings().median(), p.timings().percentile(90),
                        p.timings().failures(), p.timings().attempts(),
                        p.poolHits() < 0 ? "" : ", " + p.poolHits() + " pool hits",
                        p.serverFirst() == null ? "" : String.format(Locale.ROOT,
                                "; server first: median %.1f ms, %d/%d failed", p.serverFirst().median(),
                                p.serverFirst().failures(), p.serverFirst().attempts())));
            }
            bed.setSynLoss(lossy, 0);
        }
        bed.stopGateway();
        return new RobeLossResult(PROFILE.name(), lossy.interfaceName(), bed.rttMs(), n, TIMEOUT_MS, results);
    }

    /**
     * Where the clients connect from and to: the LAN namespace, the object server (the client
     * speaks first) and, with {@code --server-first}, the banner server (else null).
     */
    record Target(String namespace, InetSocketAddress server, InetSocketAddress banner) {

        /** The {@code i}-th connection of a point or warm-up: client first, or every other one server first. */
        Attempt attempt(int i) {
            return banner != null && i % 2 == 1 ? RobeLossScenario.attempt(namespace, banner, true)
                    : RobeLossScenario.attempt(namespace, server, false);
        }

        int perPoint(int n) {
            return banner == null ? n : 2 * n;
        }
    }

    private static LossPoint measure(ScenarioContext ctx, ExecutorService pool, HybridBed bed, Target target,
                                     GatewayMode mode, int loss, int n) throws Exception {
        long hitsBefore = mode.pool() ? bed.gatewayPoolHits() : -1;
        int total = target.perPoint(n);
        AtomicInteger done = new AtomicInteger();
        List<Future<Attempt>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long wait = start + i * SPACING.toNanos() - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int index = i;
            futures.add(pool.submit(() -> {
                Attempt a = target.attempt(index);
                int d = done.incrementAndGet();
                if (d % 10 == 0 && d < total) {
                    ctx.progress(String.format(Locale.ROOT, "%s at %d %% SYN loss: %d/%d connections", mode.label(),
                            loss, d, total));
                }
                return a;
            }));
        }
        List<Attempt> clientFirst = new ArrayList<>();
        List<Attempt> serverFirst = new ArrayList<>();
        for (Future<Attempt> f : futures) {
            Attempt a = f.get();
            (a.serverFirst() ? serverFirst : clientFirst).add(a);
        }
        List<String> errors = new ArrayList<>();
        Timings timings = timings(clientFirst, errors);
        Timings banner = target.banner() == null ? null : timings(serverFirst, errors);
        long hitsAfter = mode.pool() ? bed.gatewayPoolHits() : -1;
        long hits = hitsBefore < 0 || hitsAfter < 0 ? -1 : hitsAfter - hitsBefore;
        return new LossPoint(mode, loss, timings, errors, hits, banner);
    }

    /** The set-up times of {@code attempts}, adding up to 3 distinct failure messages in all to {@code errors}. */
    static Timings timings(List<Attempt> attempts, List<String> errors) {
        List<Double> ok = new ArrayList<>();
        int failures = 0;
        for (Attempt a : attempts) {
            if (a.error() == null) {
                ok.add(a.ms());
            } else {
                failures++;
                String e = (a.serverFirst() ? "server-first: " : "") + a.error();
                if (errors.size() < 3 && !errors.contains(e)) {
                    errors.add(e);
                }
            }
        }
        return new Timings(attempts.size(), failures, ok);
    }

    /** {@value #WARM_UP} connections, {@value #PARALLEL} at a time, not measured (JIT, caches, ARP). */
    private static void warmUp(ExecutorService pool, Target target) throws Exception {
        List<Future<Attempt>> warm = new ArrayList<>();
        for (int i = 0; i < WARM_UP; i++) {
            int index = i;
            warm.add(pool.submit(() -> target.attempt(index)));
        }
        for (Future<Attempt> f : warm) {
            f.get();
        }
    }

    /** One connection's set-up time, or why it failed; {@code serverFirst}: to the banner server. */
    record Attempt(double ms, String error, boolean serverFirst) {
    }

    /**
     * One connection: client first, it asks for {@value #ANSWER_BYTES} bytes and times
     * {@code connect()} to the answer's first byte; server first, it sends nothing and times
     * {@code connect()} to the banner's first byte.
     */
    static Attempt attempt(String namespace, InetSocketAddress server, boolean serverFirst) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        try (ObjectConnection c = ObjectConnection.open(namespace, server, deadline)) {
            if (serverFirst) {
                c.readBanner(ANSWER_BYTES, deadline);
            } else {
                c.fetch(ANSWER_BYTES, deadline);
            }
            return new Attempt((c.firstByteNanos() - start) / 1e6, null, serverFirst);
        } catch (Exception e) {
            return new Attempt(Double.NaN, e.getClass().getSimpleName() + ": " + e.getMessage(), serverFirst);
        }
    }

    /** The modes named on the command line, or the paper's when none are. */
    static List<GatewayMode> modes(List<String> names) {
        if (names.isEmpty()) {
            return GatewayMode.PAPER;
        }
        return names.stream().map(GatewayMode::parse).toList();
    }

    /**
     * A progress line with the run's size, its expected duration and an upper bound. Per
     * point: the arrivals ({@code n} x {@link #SPACING}), the set-up (gateway restart, about
     * 1 s, and the warm-up, about 0.1 s per round of {@link #PARALLEL}) and the wait for the
     * last connection: for {@code classic} about 1 s per expected lost SYN (the initial RTO),
     * the gateway's connect timeout at 100 % loss; the RobE modes do not wait on the lossy
     * WAN. The bound has every point wait the client's whole timeout.
     */
    static String estimate(List<GatewayMode> modes, List<Integer> points, int n) {
        double arrivals = n * SPACING.toMillis() / 1000.0;
        double setUp = 1 + WARM_UP / PARALLEL / 10.0;
        double expected = 0;
        for (GatewayMode mode : modes) {
            for (int loss : points) {
                double last = !mode.robe().equals("classic") ? 0.2
                        : loss >= 100 ? HybridConfigs.CONNECT_TIMEOUT_SECONDS : 0.2 + 2.0 * loss / 100;
                expected += arrivals + setUp + last;
            }
        }
        double worst = (arrivals + setUp + TIMEOUT_MS / 1000.0) * points.size() * modes.size();
        return String.format(Locale.ROOT, "%d modes x %d points x %d connections (one every %d ms): "
                        + "about %d min, at most %d min",
                modes.size(), points.size(), n, SPACING.toMillis(), minutes(expected), minutes(worst));
    }

    private static long minutes(double seconds) {
        return Math.max(1, Math.round(seconds / 60));
    }
}
