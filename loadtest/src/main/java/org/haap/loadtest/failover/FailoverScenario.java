package org.haap.loadtest.failover;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.deploy.demo.StreamResult;
import org.haap.deploy.demo.TrafficClient;
import org.haap.deploy.demo.TrafficCounters;
import org.haap.deploy.demo.TrafficServer;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Wan;
import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.hybrid.HybridBed;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

/**
 * {@code failover}: for each path manager ({@code --modes}, default {@code fullmesh},
 * {@code dsl-first}, {@code kernel}) and each fault ({@code --faults}, default
 * {@code link-down}, {@code blackhole}) one download from the server through the AP and the
 * gateway to the LAN client (the demo's traffic protocol, SHA-256 checked at both ends)
 * runs for {@link Timeline#transferMs()}; DSL fails at {@link Timeline#faultAtMs()} and is
 * repaired at {@link Timeline#restoreAtMs()} (see {@link FaultInjector}). A thread in the
 * CPE namespace samples the client's received bytes and the CPE's WAN counters every
 * {@link Timeline#sampleMs()}. The testbed has profile {@code default} (DSL 16 Mbit/s
 * 20 ms, LTE 24 Mbit/s 40 ms, default route via DSL); the gateway lists DSL first (its
 * preferred WAN) and is restarted for each path manager.
 */
public final class FailoverScenario implements Scenario {

    /** The scenario's name. */
    public static final String NAME = "failover";
    /** The testbed profile. */
    static final Profile PROFILE = Profile.DEFAULT;
    /** Goodput counts as recovered at this fraction of LTE's rate ... */
    static final double RECOVER_FRACTION = 0.8;
    /** ... over this window. */
    static final long RECOVER_WINDOW_MS = 200;
    /** DSL counts as carrying data again at this fraction of its rate in one sample. */
    static final double REJOIN_FRACTION = 0.1;
    /** The traffic server's port in the server namespace. */
    static final int PORT = 5001;
    /** How long the transfers may take to finish after the server stopped sending. */
    static final Duration DRAIN = Duration.ofSeconds(20);
    /** The text the gateway logs when it has no userspace path manager and uses the kernel's. */
    static final String NOT_IMPLEMENTED = "is not implemented yet";
    /** The effective mode reported when the gateway logged {@link #NOT_IMPLEMENTED}. */
    static final String FALLBACK = "fallback";

    private final Timeline timeline;
    private final int streams;

    /** The scenario with {@link Timeline#DEFAULT} and one transfer at a time. */
    public FailoverScenario() {
        this(Timeline.DEFAULT, 1);
    }

    /** The scenario with another timeline and {@code streams} parallel transfers per run (1..8). */
    public FailoverScenario(Timeline timeline, int streams) {
        if (streams < 1 || streams > 8) {
            throw new IllegalArgumentException("streams: " + streams + " (expected: 1..8)");
        }
        this.timeline = java.util.Objects.requireNonNull(timeline, "timeline");
        this.streams = streams;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "DSL link-down and silent blackhole during a download through the gateway, per path-manager "
                + "policy: time to recover, DSL rejoin, bytes per WAN, integrity (table, PNG, JSON)";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        List<Fault> faults = ctx.options().faultsOr(List.of()).stream().map(Fault::parse).toList();
        if (faults.isEmpty()) {
            faults = Fault.DEFAULTS;
        }
        List<PathManagerChoice> choices = ctx.options().modesOr(List.of()).stream().map(PathManagerChoice::parse)
                .toList();
        if (choices.isEmpty()) {
            choices = PathManagerChoice.ALL;
        }
        int runs = faults.size() * choices.size();
        long perRun = timeline.transferMs() / 1000 + 3;
        ctx.progress(String.format(Locale.ROOT, "%d path managers x %d faults: %d transfers of %d s, about %d min",
                choices.size(), faults.size(), runs, timeline.transferMs() / 1000,
                Math.max(1, (runs * perRun + choices.size() * 6L + 30) / 60)));
        HybridBed bed = HybridBed.up(ctx, PROFILE, 1);
        FaultInjector injector = new FaultInjector(bed.testbed());
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        ctx.teardown().add("traffic event loops",
                () -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        TrafficCounters counters = new TrafficCounters();
        InetSocketAddress server = new InetSocketAddress(java.net.InetAddress.getByName(AddressPlan.SERVER), PORT);
        TrafficServer traffic = TrafficServer.start(bed.testbed().namespace(Node.SERVER), List.of(server), group,
                counters);
        ctx.teardown().add("traffic server", traffic::close);
        TrafficClient client = new TrafficClient(group, bed.clientNamespace(), ClientSocketOptions.tcp(), counters);
        ctx.teardown().add("traffic client", client::close);
        List<FailoverRun> results = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int n = 0;
        for (PathManagerChoice pm : choices) {
            String name = "failover-gateway-" + pm.label();
            ctx.progress(pm.label() + ": starting the gateway (path-manager mode = " + pm.mode() + ", policy = "
                    + pm.policy() + ")");
            Path log = bed.startGateway(name, FailoverConfigs.gateway(pm, Wan.DSL));
            String effective = effectiveMode(pm, log);
            if (!effective.equals(pm.mode())) {
                notes.add(pm.label() + ": the gateway logged \"path-manager.mode = " + pm.mode() + " " + NOT_IMPLEMENTED
                        + "\": its own path manager did not run (pm = " + effective + ")");
            }
            for (Fault fault : faults) {
                n++;
                warmUp(client, server, pm, log);
                String what = String.format(Locale.ROOT, "%d/%d %s/%s", n, runs, fault.label(), pm.label());
                FailoverRun r = measure(ctx, bed, injector, client, counters, server, fault, pm, effective, what);
                results.add(r);
                ctx.progress(String.format(Locale.ROOT,
                        "%s: recover %s ms, rejoin %s ms, dsl %.1f MB, lte %.1f MB, integrity %s, %d lost", what,
                        ms(r.recoverMs()), ms(r.rejoinMs()), r.trace().bytes(Wan.DSL) / 1e6,
                        r.trace().bytes(Wan.LTE) / 1e6, r.integrity(), r.connectionsLost()));
            }
        }
        bed.stopGateway();
        return new FailoverResult(PROFILE.name(), rates(), bed.rttMs(), timeline, recoverThresholdMbit(),
                RECOVER_WINDOW_MS, PROFILE.link(Wan.DSL).rateMbit() * REJOIN_FRACTION, results, notes);
    }

    /** 80 % of LTE's shaped rate. */
    static double recoverThresholdMbit() {
        return PROFILE.link(Wan.LTE).rateMbit() * RECOVER_FRACTION;
    }

    private static Map<String, Object> rates() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Wan w : Wan.values()) {
            m.put(w.interfaceName(), PROFILE.link(w).rateMbit());
        }
        return m;
    }

    /**
     * The path manager the gateway really runs: the mode asked for, or {@value #FALLBACK} when
     * it logged that the mode is not implemented (it then installs in-kernel endpoints only).
     */
    static String effectiveMode(PathManagerChoice pm, Path gatewayLog) throws IOException {
        String text = Files.exists(gatewayLog) ? Files.readString(gatewayLog, StandardCharsets.UTF_8) : "";
        return text.contains(NOT_IMPLEMENTED) ? FALLBACK : pm.mode();
    }

    /** A few small exchanges through the gateway, so the measured transfer does not pay for start-up. */
    private static void warmUp(TrafficClient client, InetSocketAddress server, PathManagerChoice pm, Path log)
            throws Exception {
        for (int i = 0; i < 3; i++) {
            StreamResult r = client.ping(server).get(15, TimeUnit.SECONDS);
            if (!r.ok()) {
                throw new IOException("no connection through the gateway (" + pm.label() + ") to " + server + ": "
                        + r.error() + " (see " + log + ")");
            }
        }
    }

    private FailoverRun measure(ScenarioContext ctx, HybridBed bed, FaultInjector injector, TrafficClient client,
                                TrafficCounters counters, InetSocketAddress server, Fault fault, PathManagerChoice pm,
                                String effective, String what) throws Exception {
        long start = System.nanoTime();
        Sampler sampler = Sampler.start(bed.testbed().namespace(Node.CPE), counters.downloadReceived(), start,
                timeline.sampleMs());
        List<CompletableFuture<StreamResult>> transfers = new ArrayList<>();
        double faultMs = Double.NaN;
        double restoreMs = Double.NaN;
        double faultCommandMs = Double.NaN;
        double restoreCommandMs = Double.NaN;
        boolean injected = false;
        List<Sample> samples;
        try {
            for (int i = 0; i < streams; i++) {
                transfers.add(client.download(server, Duration.ofMillis(timeline.transferMs()), 0,
                        104_729L * i + 7 + fault.ordinal()));
            }
            waitUntil(ctx, sampler, what, start, timeline.faultAtMs(), transfers);
            long f0 = System.nanoTime();
            injector.inject(fault);
            injected = true;
            long f1 = System.nanoTime();
            faultMs = (f1 - start) / 1e6;
            faultCommandMs = (f1 - f0) / 1e6;
            ctx.progress(String.format(Locale.ROOT, "%s: %s injected at %.2f s (command %.0f ms)", what, fault.label(),
                    faultMs / 1000, faultCommandMs));
            waitUntil(ctx, sampler, what, start, timeline.restoreAtMs(), transfers);
            long r0 = System.nanoTime();
            injector.restore(fault);
            injected = false;
            long r1 = System.nanoTime();
            restoreMs = (r1 - start) / 1e6;
            restoreCommandMs = (r1 - r0) / 1e6;
            ctx.progress(String.format(Locale.ROOT, "%s: DSL repaired at %.2f s (command %.0f ms)", what,
                    restoreMs / 1000, restoreCommandMs));
            waitUntil(ctx, sampler, what, start, timeline.transferMs() + DRAIN.toMillis(), transfers);
        } finally {
            if (injected) {
                try {
                    injector.restore(fault);
                } catch (RuntimeException e) {
                    ctx.progress(what + ": could not repair DSL: " + e.getMessage());
                }
            }
            samples = sampler.stop();
        }
        int intact = 0;
        int mismatched = 0;
        int lost = 0;
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < transfers.size(); i++) {
            StreamResult r = outcome(transfers.get(i));
            if (r.ok()) {
                intact++;
            } else if (r.error() != null && r.error().startsWith("data mismatch")) {
                mismatched++;
                errors.add("transfer " + i + ": " + r.error());
            } else {
                lost++;
                errors.add("transfer " + i + " lost after " + r.bytes() + " bytes: " + r.error());
            }
        }
        String integrity = mismatched > 0 ? "mismatch" : intact > 0 ? "ok" : "unknown";
        Trace trace = new Trace(samples, faultMs, restoreMs);
        double recover = trace.recoverMs(recoverThresholdMbit() * 1e6 / 8, RECOVER_WINDOW_MS);
        double rejoin = trace.rejoinMs(PROFILE.link(Wan.DSL).rateMbit() * REJOIN_FRACTION * 1e6 / 8);
        return new FailoverRun(fault, pm, effective, recover, rejoin, faultCommandMs, restoreCommandMs, streams,
                integrity, lost, errors, trace);
    }

    private static StreamResult outcome(CompletableFuture<StreamResult> f) throws InterruptedException {
        if (!f.isDone()) {
            f.cancel(false);
            return StreamResult.failed(0, -1, "not finished " + DRAIN.toSeconds() + " s after the server stopped sending");
        }
        try {
            return f.get(0, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return StreamResult.failed(0, -1, String.valueOf(e.getCause()));
        } catch (TimeoutException | java.util.concurrent.CancellationException e) {
            return StreamResult.failed(0, -1, "not finished");
        }
    }

    /**
     * Waits until {@code atMs} after {@code start} (or, for the last wait, until every
     * transfer is done), printing a progress line with the last second's rates once a second.
     */
    private static void waitUntil(ScenarioContext ctx, Sampler sampler, String what, long start, long atMs,
                                  List<CompletableFuture<StreamResult>> transfers) throws InterruptedException {
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(atMs);
        long nextReport = start + TimeUnit.SECONDS.toNanos((System.nanoTime() - start) / 1_000_000_000L + 1);
        while (true) {
            long now = System.nanoTime();
            if (now >= deadline || transfers.stream().allMatch(CompletableFuture::isDone)) {
                return;
            }
            if (now >= nextReport) {
                ctx.progress(what + " " + rates(sampler.samples()));
                nextReport += TimeUnit.SECONDS.toNanos(1);
            }
            LockSupport.parkNanos(Math.min(deadline, Math.min(nextReport, now + TimeUnit.MILLISECONDS.toNanos(20))) - now);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** The last second's rates: {@code t=7s goodput 22.1 Mbit/s, dsl 0.0, lte 23.0}. */
    static String rates(List<Sample> s) {
        if (s.size() < 2) {
            return "starting";
        }
        Sample b = s.get(s.size() - 1);
        Sample a = s.get(Math.max(0, s.size() - 11));
        double ms = b.tMs() - a.tMs();
        if (ms <= 0) {
            return "starting";
        }
        return String.format(Locale.ROOT, "t=%.0fs goodput %.1f Mbit/s, dsl %.1f, lte %.1f (down)", b.tMs() / 1000,
                (b.received() - a.received()) * 8 / (ms * 1000), (b.dslRx() - a.dslRx()) * 8 / (ms * 1000),
                (b.lteRx() - a.lteRx()) * 8 / (ms * 1000));
    }

    private static String ms(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f", v) : "-";
    }
}
