package org.haap.loadtest.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.haap.deploy.testbed.WanCounters;
import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.hybrid.HybridBed;
import org.haap.loadtest.hybrid.LoadMode;
import org.haap.loadtest.hybrid.Timings;

/**
 * {@code browser}: a real browser through the gateway. On a private testbed with profile
 * {@code robe-paper} (DSL 20 ms and LTE 40 ms RTT, LTE the default route; {@code --rate}
 * shapes both WANs), Debian's Chromium in the LAN namespace loads a generated
 * {@link BrowserPage} ({@value BrowserPage#DEFAULT_OBJECTS} objects plus the document on
 * {@value #HOSTS} server addresses, about 1 MiB, served by a {@link PageServer} in the server
 * namespace) with a fresh profile each time; the page's own script reports its Navigation
 * Timing. Modes: through the gateway (classic, sim, sim+pool by default, the gateway
 * restarted for each batch) and directly over each WAN without a proxy (always added). The
 * runs of each mode are split into {@value #ROUNDS} batches and the modes take turns batch by
 * batch, each batch after {@code warmUp} unmeasured loads (and, through a freshly started
 * gateway, {@link GatewayWarmUp}'s connections, so that its JVM is measured warm, as a router's
 * is), so a drift of the machine's load over the run spreads over every mode. A {@link LanFence} drops and counts anything the
 * browser sends outside the server net.
 */
public final class BrowserScenario implements Scenario {

    /** The scenario's name. */
    public static final String NAME = "browser";
    /** Server addresses the page is spread over. */
    public static final int HOSTS = 6;
    /** The page servers' port. */
    public static final int PORT = 80;
    /** Measured page loads per mode by default. */
    public static final int DEFAULT_RUNS = 15;
    /** Batches per mode (fewer when there are fewer runs). */
    public static final int ROUNDS = 3;
    /** Unmeasured loads before each batch by default. */
    public static final int WARM_UP = 2;
    /** A load whose report has not come by then fails. */
    public static final Duration LOAD_TIMEOUT = Duration.ofSeconds(30);
    /** The longest wait for a started browser to settle before the page is opened. */
    static final Duration SETTLE_MAX = Duration.ofSeconds(10);
    static final List<String> DEFAULT_MODES = List.of("classic", "sim", "sim+pool", "direct-dsl", "direct-lte");

    private final int objects;
    private final int warmUp;

    /** The scenario as the command line runs it. */
    public BrowserScenario() {
        this(BrowserPage.DEFAULT_OBJECTS, WARM_UP);
    }

    /** A scenario with a page of {@code objects} sub-resources and {@code warmUp} unmeasured loads per batch (tests). */
    BrowserScenario(int objects, int warmUp) {
        this.objects = objects;
        this.warmUp = warmUp;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Chromium page-load time of a " + (BrowserPage.DEFAULT_OBJECTS + 1) + "-object page on " + HOSTS
                + " hosts per mode vs direct over DSL/LTE, bytes per WAN (table, PNG, JSON)";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    /**
     * The batch sizes of {@code runs} loads in at most {@code rounds} batches, as even as can
     * be, larger first: 15 in 3 is 5, 5, 5; 5 in 3 is 2, 2, 1; 2 in 3 is 1, 1.
     */
    static List<Integer> batches(int runs, int rounds) {
        int n = Math.min(runs, rounds);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(runs / n + (i < runs % n ? 1 : 0));
        }
        return out;
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        Path binary = Chromium.find().orElseThrow(() -> new IllegalStateException(
                "chromium is not installed (./haap loadtest browser installs it: apt-get install "
                        + Chromium.PACKAGE + ")"));
        String version = Chromium.version(binary);
        List<LoadMode> modes = LoadMode.withDirect(LoadMode.parseAll(ctx.options().modesOr(DEFAULT_MODES)));
        int runs = ctx.options().runsOr(DEFAULT_RUNS);
        List<Integer> batches = batches(runs, ROUNDS);
        BrowserPage page = BrowserPage.generate(HOSTS, objects);
        String loadBefore = loadAverage();
        Profile profile = HybridBed.atRate(Profile.ROBE_PAPER, ctx.options().rateMbit());
        ctx.progress(String.format(Locale.ROOT, "%s; page %s; %d modes x %d loads (+%d warm-up per batch of %s): "
                        + "about %d min", version, page.describe(), modes.size(), runs, warmUp, batches,
                estimateMinutes(modes, runs, warmUp, batches.size())));
        HybridBed bed = HybridBed.up(ctx, profile, HOSTS);
        Testbed tb = bed.testbed();
        PageServer server = PageServer.start(tb.namespace(Node.SERVER), PORT, page);
        ctx.teardown().add("page server", server::close);
        LanFence fence = LanFence.install(tb, HybridBed.SERVER_NET, PORT);
        ctx.teardown().add("LAN fence", fence::remove);
        Loader loader = new Loader(ctx, bed, server, binary, page);
        List<java.net.InetSocketAddress> warmUpServers = HybridBed.serverAddresses(HOSTS).stream()
                .map(a -> new java.net.InetSocketAddress(a, PORT)).toList();
        Map<LoadMode, Tally> tallies = new LinkedHashMap<>();
        modes.forEach(m -> tallies.put(m, new Tally()));
        for (int round = 0; round < batches.size(); round++) {
            for (LoadMode mode : modes) {
                Tally tally = tallies.get(mode);
                bed.use(mode);
                if (mode.gateway() != null) {
                    int answered = GatewayWarmUp.run(tb.namespace(Node.CLIENT), warmUpServers,
                            GatewayWarmUp.CONNECTIONS);
                    ctx.progress(String.format(Locale.ROOT, "%s: %d/%d warm-up connections through the fresh gateway",
                            mode, answered, GatewayWarmUp.CONNECTIONS));
                }
                LanFence.Count escaped = fence.escaped();
                LanFence.Count offPort = fence.offPort();
                for (int i = 0; i < warmUp; i++) {
                    Load l = loader.load(mode);
                    ctx.progress(String.format(Locale.ROOT, "%s warm-up: %s", mode, l));
                }
                for (int i = 0; i < batches.get(round); i++) {
                    Load l = loader.load(mode);
                    tally.add(l);
                    ctx.progress(String.format(Locale.ROOT, "%s run %d/%d: %s", mode, tally.loads(), runs, l));
                }
                tally.escaped += fence.escaped().minus(escaped).packets();
                tally.offPort += fence.offPort().minus(offPort).packets();
            }
            ctx.progress(String.format(Locale.ROOT, "round %d/%d done: %s", round + 1, batches.size(), medians(tallies)));
        }
        bed.useNone();
        List<BrowserResult.ModeResult> results = new ArrayList<>();
        tallies.forEach((m, t) -> results.add(t.result(m)));
        return new BrowserResult(version + (loader.priority == null ? "" : ", " + loader.priority), profile.name(), profile.defaultWan().interfaceName(), bed.rttMs(),
                HybridBed.rates(profile), page.describe(), page.count(), page.bytes(), page.hostsUsed(), runs, batches,
                warmUp, results, String.format(Locale.ROOT, "load average %s at the start, %s at the end, %d CPUs",
                loadBefore, loadAverage(), Runtime.getRuntime().availableProcessors()));
    }

    /** The 1-minute load average ({@code /proc/loadavg}), or {@code ?} where it cannot be read. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * The run's length in minutes: about 7 s a load on the 2-CPU development VM (the
     * browser settling for 3-5 s, the page, the pause) and 10 s a gateway start.
     */
    static long estimateMinutes(List<LoadMode> modes, int runs, int warmUp, int batches) {
        long loads = (long) modes.size() * (runs + (long) warmUp * batches);
        long gatewayStarts = modes.stream().filter(m -> m.gateway() != null).count() * batches;
        return Math.max(1, Math.round((loads * 7 + gatewayStarts * 10) / 60.0));
    }

    private static String medians(Map<LoadMode, Tally> tallies) {
        List<String> out = new ArrayList<>();
        tallies.forEach((m, t) -> out.add(String.format(Locale.ROOT, "%s %.0f ms", m, t.result(m).timings().median())));
        return String.join(", ", out);
    }

    /**
     * One page load: its report (null when none came), the bytes each WAN received from the
     * browser's start to its end, the connections the servers accepted and the objects they
     * served until the report came, how long the browser took to settle before the page was
     * opened, and the failure, if any.
     */
    record Load(PageHandler.Report report, Map<String, Long> down, long connections, long served, long settleMs,
                String error) {

        @Override
        public String toString() {
            if (report == null) {
                return "FAILED " + error;
            }
            return String.format(Locale.ROOT, "%.0f ms (ttfb %.0f, dcl %.0f), %d objects, %d connections, down %s B"
                    + " (browser settled in %d ms)", report.loadMs(), report.ttfbMs(), report.dclMs(), served,
                    connections, down, settleMs);
        }
    }

    /** Starts Chromium for each load, opens the page once it has settled, stops it once the page has reported. */
    private static final class Loader {

        private final HybridBed bed;
        private final PageServer server;
        private final Path binary;
        private final BrowserPage page;
        private final Path log;
        private int next = 1;
        private volatile Chromium current;
        /** How the first browser was scheduled ({@link Chromium#priority}). */
        private String priority;

        Loader(ScenarioContext ctx, HybridBed bed, PageServer server, Path binary, BrowserPage page) {
            this.bed = bed;
            this.server = server;
            this.binary = binary;
            this.page = page;
            this.log = bed.testbed().logFile(Node.CLIENT, "chromium");
            ctx.teardown().add("chromium", () -> {
                Chromium c = current;
                if (c != null) {
                    c.close();
                }
            });
        }

        Load load(LoadMode mode) throws IOException, InterruptedException {
            int id = next++;
            Testbed tb = bed.testbed();
            Path dir = Files.createTempDirectory(tb.runDir(), tb.prefix() + "chromium-");
            Map<Wan, WanCounters> before = bed.wanCounters();
            long connections = server.connections();
            long served = server.served();
            long settleMs = -1;
            PageHandler.Report report = null;
            String error = null;
            try (Chromium browser = Chromium.launch(tb, binary, dir, log, page.hosts(),
                    HybridBed.serverAddresses(page.hosts().size()))) {
                current = browser;
                settleMs = browser.awaitIdle(SETTLE_MAX);
                if (priority == null) {
                    priority = browser.priority();
                }
                browser.open(page.url(id));
                report = server.await(Integer.toString(id), LOAD_TIMEOUT);
                if (report == null) {
                    error = browser.isAlive() ? "no report within " + LOAD_TIMEOUT.toSeconds() + " s"
                            : "chromium ended (see " + log + ")";
                }
                served = server.served() - served;
            } catch (IOException e) {
                error = e.getMessage();
            } finally {
                current = null;
                Chromium.delete(dir);
            }
            Map<String, Long> down = new LinkedHashMap<>();
            bed.wanCounters().forEach((w, c) -> down.put(w.interfaceName(), c.minus(before.get(w)).rxBytes()));
            long opened = server.connections() - connections;
            Thread.sleep(HybridBed.pauseAfterLoad(mode).toMillis());
            return new Load(report, down, opened, report == null ? 0 : served, settleMs, error);
        }
    }

    /** The measured loads of one mode. */
    private static final class Tally {

        private final List<Double> ok = new ArrayList<>();
        private final List<Double> ttfb = new ArrayList<>();
        private final List<Double> dcl = new ArrayList<>();
        private final List<String> errors = new ArrayList<>();
        private final Map<String, Long> down = new LinkedHashMap<>();
        private int failures;
        private long connections;
        private long fewestServed = Long.MAX_VALUE;
        long escaped;
        long offPort;

        void add(Load l) {
            l.down().forEach((w, b) -> down.merge(w, b, Long::sum));
            connections += l.connections();
            if (l.report() == null) {
                failures++;
                if (errors.size() < 3 && !errors.contains(l.error())) {
                    errors.add(l.error());
                }
                return;
            }
            ok.add(l.report().loadMs());
            ttfb.add(l.report().ttfbMs());
            dcl.add(l.report().dclMs());
            fewestServed = Math.min(fewestServed, l.served());
        }

        int loads() {
            return ok.size() + failures;
        }

        BrowserResult.ModeResult result(LoadMode mode) {
            int n = Math.max(1, loads());
            Map<String, Long> perPage = new LinkedHashMap<>();
            down.forEach((w, b) -> perPage.put(w, b / n));
            return new BrowserResult.ModeResult(mode, new Timings(loads(), failures, ok), errors, perPage, ttfb, dcl,
                    connections / (double) n, ok.isEmpty() ? 0 : fewestServed, escaped, offPort);
        }
    }
}
