package org.haap.loadtest.pageload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Wan;
import org.haap.deploy.testbed.WanCounters;
import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.aggregation.TcpProbe;
import org.haap.loadtest.hybrid.HybridBed;
import org.haap.loadtest.hybrid.LoadMode;
import org.haap.loadtest.hybrid.Timings;
import org.haap.loadtest.pageload.PageLoadResult.ModeResult;

/**
 * {@code pageload}: RobE Figure 9. On a private testbed with profile {@code robe-paper}
 * (both WANs 10 Mbit/s, DSL 20 ms and LTE 40 ms RTT, LTE the default route and the
 * gateway's preferred WAN), a synthetic page ({@value #OBJECTS} objects plus the document,
 * on {@value #HOSTS} server addresses) is loaded {@code runs} times per mode by a
 * {@link PageLoader} in the LAN namespace: through the gateway in each mode (classic,
 * timer, sim, sim+pool by default; the gateway restarted per mode), then directly over DSL
 * and over LTE with no gateway running (the CPE's default route switched, plain routed TCP).
 * Per mode it also counts the data segments sent and retransmitted ({@link #senders}) and
 * times every object ({@link PageLoader.ObjectTimes}).
 */
public final class PageLoadScenario implements Scenario {

    /** The scenario's name. */
    public static final String NAME = "pageload";
    /** Server addresses the page's objects are spread over. */
    public static final int HOSTS = 6;
    /** Sub-resources of the page (the document comes on top). */
    public static final int OBJECTS = 65;
    /** Page loads per mode by default. */
    public static final int DEFAULT_RUNS = 20;
    /** A page load that takes longer fails. */
    public static final long PAGE_TIMEOUT_MS = 30_000;
    static final int WARM_UP = 2;
    static final Profile PROFILE = Profile.ROBE_PAPER;
    /** The JSON name of the AP's MPTCP-level retransmissions per page. */
    static final String REINJECTIONS = "mptcp_retransmissions";
    /** The JSON name of the gateway's MPTCP-level duplicates received per page. */
    static final String DUPLICATES = "mptcp_duplicates_received";
    static final List<String> DEFAULT_MODES = List.of("classic", "timer", "sim", "sim+pool", "direct-dsl", "direct-lte");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "RobE Fig. 9: load time of a " + (OBJECTS + 1) + "-object page on " + HOSTS
                + " hosts per robe mode vs direct over DSL/LTE (table, PNG, JSON)";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        List<LoadMode> modes = LoadMode.withDirect(LoadMode.parseAll(ctx.options().modesOr(DEFAULT_MODES)));
        int runs = ctx.options().runsOr(DEFAULT_RUNS);
        Page page = Page.synthetic(HOSTS, OBJECTS);
        Profile profile = profile(ctx.options().rateMbit());
        ctx.progress(String.format(Locale.ROOT, "%d modes x %d page loads (%d objects, %d KiB): about %d min",
                modes.size(), runs, page.count(), page.bytes() / 1024,
                Math.max(1, modes.size() * (runs + WARM_UP) * 2 / 60 + 1)));
        HybridBed bed = HybridBed.up(ctx, profile, HOSTS);
        PageLoader loader = new PageLoader(bed.clientNamespace(), bed.servers());
        ctx.teardown().add("page loader", loader::close);
        // gateway modes first (default route as in the profile), then the direct fetches
        List<LoadMode> order = new ArrayList<>(modes.stream().filter(m -> m.gateway() != null).toList());
        order.addAll(modes.stream().filter(m -> m.direct() != null).toList());
        List<ModeResult> results = new ArrayList<>();
        for (LoadMode mode : order) {
            bed.use(mode);
            results.add(measure(ctx, bed, loader, page, mode, runs));
            ModeResult r = results.get(results.size() - 1);
            ctx.progress(String.format(Locale.ROOT, "%s: median %.0f ms, p99 %.0f ms, %d/%d failed", mode,
                    r.timings().median(), r.timings().percentile(99), r.timings().failures(), runs));
        }
        bed.useNone();
        // report in the order asked for
        List<ModeResult> ordered = new ArrayList<>();
        for (LoadMode m : modes) {
            results.stream().filter(r -> r.mode().equals(m)).findFirst().ifPresent(ordered::add);
        }
        return new PageLoadResult(profile.name(), profile.defaultWan().interfaceName(), bed.rttMs(),
                HybridBed.rates(profile), page, runs, ordered);
    }

    /**
     * {@link #PROFILE}, or with {@code --rate} both its WANs shaped to {@code rateMbit}
     * ({@link HybridBed#atRate}).
     */
    static Profile profile(int rateMbit) {
        return HybridBed.atRate(PROFILE, rateMbit);
    }

    private static ModeResult measure(ScenarioContext ctx, HybridBed bed, PageLoader loader, Page page, LoadMode mode,
                                      int runs) throws InterruptedException {
        Duration pause = HybridBed.pauseAfterLoad(mode);
        for (int i = 0; i < WARM_UP; i++) {
            try {
                loader.load(page, PAGE_TIMEOUT_MS, new PageLoader.ObjectTimes()); // JIT, caches, ARP; not counted
            } catch (Exception e) {
                ctx.progress(mode + ": warm-up load failed: " + e);
            }
            Thread.sleep(pause.toMillis());
        }
        List<Double> ok = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int failures = 0;
        PageLoader.ObjectTimes times = new PageLoader.ObjectTimes();
        Map<Wan, WanCounters> before = bed.wanCounters();
        TcpProbe.Segments sent = TcpProbe.segments(bed.testbed(), senders(mode));
        Map<String, Long> mptcp = mptcpCounters(bed, mode);
        for (int run = 1; run <= runs; run++) {
            try {
                double ms = loader.load(page, PAGE_TIMEOUT_MS, times);
                ok.add(ms);
                ctx.progress(String.format(Locale.ROOT, "%s run %d/%d: %.0f ms", mode, run, runs, ms));
            } catch (Exception e) {
                failures++;
                String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (errors.size() < 3 && !errors.contains(msg)) {
                    errors.add(msg);
                }
                ctx.progress(String.format(Locale.ROOT, "%s run %d/%d: FAILED %s", mode, run, runs, msg));
            }
            // connections of the last load close, the warm pool refills (a page is "read" between loads)
            Thread.sleep(pause.toMillis());
        }
        sent = TcpProbe.segments(bed.testbed(), senders(mode)).minus(sent);
        Map<String, Long> mptcpPerPage = new LinkedHashMap<>();
        mptcpCounters(bed, mode).forEach((k, v) -> mptcpPerPage.put(k, (v - mptcp.get(k)) / runs));
        Map<String, Long> downPerPage = new LinkedHashMap<>();
        bed.wanCounters().forEach((w, c) -> downPerPage.put(w.interfaceName(), c.minus(before.get(w)).rxBytes() / runs));
        return new ModeResult(mode, new Timings(runs, failures, ok), errors, downPerPage, sent,
                List.copyOf(times.firstMs()), List.copyOf(times.laterMs()), mptcpPerPage);
    }

    /**
     * Through the gateway, the MPTCP-level counters that show data sent twice: the AP's
     * {@code MPTcpExt MPTCPRetrans} (data the MPTCP retransmission timer sent again, often
     * on another subflow, {@value #REINJECTIONS}) and the CPE's {@code DuplicateData} (data
     * the gateway received twice, {@value #DUPLICATES}); none direct.
     */
    private static Map<String, Long> mptcpCounters(HybridBed bed, LoadMode mode) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (mode.gateway() != null) {
            m.put(REINJECTIONS, TcpProbe.counters(bed.testbed(), Node.AP).getOrDefault("MPTcpExt:MPTCPRetrans", 0L));
            m.put(DUPLICATES, TcpProbe.counters(bed.testbed(), Node.CPE).getOrDefault("MPTcpExt:DuplicateData", 0L));
        }
        return m;
    }

    /**
     * The namespaces whose data segments the retransmitted share counts: each sends the
     * answers over the WANs, and one request segment per object. Through the gateway the
     * AP (its MPTCP subflows to the gateway, its requests to the servers; not the CPE, whose
     * copy of the answers to the LAN client would count the page twice); direct the server
     * and the LAN client. The gateway's requests over the WANs (one small segment per
     * object) are left out.
     */
    static List<Node> senders(LoadMode mode) {
        return mode.gateway() != null ? List.of(Node.AP) : List.of(Node.SERVER, Node.CLIENT);
    }


    /** The modes the scenario measures by default. */
    static List<LoadMode> defaultModes() {
        return DEFAULT_MODES.stream().map(LoadMode::parse).toList();
    }
}
