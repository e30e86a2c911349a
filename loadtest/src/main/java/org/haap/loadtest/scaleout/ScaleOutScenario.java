package org.haap.loadtest.scaleout;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.haap.deploy.demo.DemoConfigs;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.BalancerRules;
import org.haap.deploy.testbed.HaapApp;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.ScaleOut;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.haap.loadtest.Scenario;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioResult;
import org.haap.loadtest.Table;
import org.haap.loadtest.hybrid.ObjectConnection;
import org.haap.loadtest.hybrid.ObjectServer;

/**
 * {@code scale-out}: on a private testbed ({@code haapl-XXXX-*}, profile {@code default})
 * in the {@link ScaleOut} topology with N AP nodes ({@code --points N}, default 3) and the
 * gateway in fullmesh (userspace path manager), with its robe defaults ({@code --modes defaults})
 * or with 0-RTT off ({@code --modes no-fast-open}):
 * <ol>
 * <li>distribution: {@code --connections} LAN connections (default 300) held open at once;
 *     per node (from {@code ss} on the node, grouped by MPTCP token) its connections and
 *     their subflows: how many have exactly a DSL and an LTE subflow, both on that node; the
 *     balancer's MP_JOIN counters by destination; each WAN's bytes;</li>
 * <li>connections per second (connect, 100-byte answer, close; 8 at a time for
 *     {@value #RATE_SECONDS} s) with all nodes and with one (the others marked draining);</li>
 * <li>kill: sessions (a {@value #CHUNK}-byte answer every 100 ms for {@value #SESSION_MS} ms)
 *     running on every node, node 1 gets SIGKILL; the sessions that fail are compared with
 *     the ones node 1 held; a new connection every 50 ms shows from when they succeed
 *     again;</li>
 * <li>rolling drain: each node in turn is marked draining, and gets SIGTERM once the
 *     balancer has taken it out, is awaited and restarted, with sessions shorter than the
 *     drain time ({@value #DRAIN_SECONDS} s) and new connections running meanwhile.</li>
 * </ol>
 * Bounded: about 3 minutes for 3 nodes and 300 connections.
 */
public final class ScaleOutScenario implements Scenario {

    /** The scenario's name. */
    public static final String NAME = "scale-out";
    static final int DEFAULT_NODES = 3;
    static final int DEFAULT_CONNECTIONS = 300;
    static final int SERVER_PORT = 8080;
    static final int RATE_SECONDS = 5;
    static final int RATE_PARALLEL = 8;
    static final int SESSION_MS = 4000;
    static final int CHUNK = 16 << 10;
    static final int DRAIN_SECONDS = 10;
    static final int KILL_SESSIONS = 60;
    static final int DRAIN_SESSIONS = 30;
    static final Duration START = Duration.ofSeconds(60);
    /** {@code --modes} value: the gateway's defaults (robe sim with 0-RTT over TCP Fast Open). */
    static final String MODE_DEFAULTS = "defaults";
    /** {@code --modes} value: the defaults with {@code robe.fast-open.enabled = false}. */
    static final String MODE_NO_FAST_OPEN = "no-fast-open";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "N AP nodes behind the testbed's nft DNAT balancer (--points N, default 3): connections and "
                + "subflows per node, node kill, rolling drain, connections/s with 1 and N nodes (table, PNG, JSON)";
    }

    @Override
    public Path defaultOutDir() {
        return Path.of("loadtest", "results");
    }

    @Override
    public ScenarioResult run(ScenarioContext ctx) throws Exception {
        int n = ctx.options().pointsOr(List.of(DEFAULT_NODES)).get(0);
        int c = ctx.options().connectionsOr(DEFAULT_CONNECTIONS);
        List<String> modes = ctx.options().modesOr(List.of(MODE_DEFAULTS));
        if (modes.size() != 1 || !List.of(MODE_DEFAULTS, MODE_NO_FAST_OPEN).contains(modes.get(0))) {
            throw new IllegalArgumentException("--modes: " + modes + " (expected one of " + MODE_DEFAULTS + ", "
                    + MODE_NO_FAST_OPEN + ")");
        }
        String mode = modes.get(0);
        if (n < 2 || n > ScaleOut.MAX_NODES) {
            throw new IllegalArgumentException("--points (nodes): " + n + " (expected: 2.." + ScaleOut.MAX_NODES + ")");
        }
        String prefix = "haapl-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2)) + "-";
        Testbed tb = Testbed.withPrefix(prefix);
        ctx.teardown().add("testbed " + prefix + "* down", tb::down);
        ctx.progress("bringing up testbed " + prefix + "* (profile default) with " + n + " AP nodes");
        tb.up(Profile.DEFAULT, line -> { });
        ObjectServer server = ObjectServer.start(tb.namespace(Node.SERVER), SERVER_PORT);
        ctx.teardown().add("object server", server::close);
        ScaleOut so = ScaleOut.up(tb, n, BalancerRules.Pick.RANDOM, ctx::progress);
        ctx.teardown().add("nodes and balancer", so::close);
        for (int i = 1; i <= n; i++) {
            startNode(so, i);
        }
        so.awaitSet(so.allBut(0), Duration.ofSeconds(30));
        Path gwConf = Files.writeString(tb.runDir().resolve(prefix + "scale-out-gateway.conf"), DemoConfigs.gateway()
                + "\nhaap.gateway.path-manager { mode = userspace, policy = fullmesh }\n"
                + (mode.equals(MODE_NO_FAST_OPEN) ? "haap.gateway.robe.fast-open.enabled = false\n" : ""));
        Process gw = tb.startHaap(HaapApp.GATEWAY, Node.CPE, tb.logFile(Node.CPE, "gateway"), gwConf, START);
        ctx.teardown().add("gateway", () -> Testbed.stop(gw, Duration.ofSeconds(10)));
        String client = tb.namespace(Node.CLIENT);
        InetSocketAddress target = new InetSocketAddress(AddressPlan.SERVER, SERVER_PORT);
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "scale-out-client");
            t.setDaemon(true);
            return t;
        });
        ctx.teardown().add("client threads", () -> {
            pool.shutdownNow();
            pool.awaitTermination(15, TimeUnit.SECONDS);
        });
        Figures f = new Figures();
        distribution(ctx, tb, so, pool, client, target, c, f);
        rates(ctx, so, pool, client, target, f);
        kill(ctx, so, pool, client, target, f);
        drain(ctx, so, pool, client, target, f);
        return f.result(n, mode);
    }

    private static void startNode(ScaleOut so, int i) {
        so.startNode(i, ScaleOut.apConfig(i, DemoConfigs.aggregationPoint(),
                "haap.aggregation-point.timeouts.drain = " + DRAIN_SECONDS + "s"));
    }

    // ------------------------------------------------------------------ 1. distribution

    private static void distribution(ScenarioContext ctx, Testbed tb, ScaleOut so, ExecutorService pool, String client,
                                     InetSocketAddress target, int c, Figures f) throws Exception {
        ctx.progress("distribution: opening " + c + " connections and holding them open");
        Map<Wan, Long> before = new LinkedHashMap<>();
        for (Wan w : Wan.values()) {
            before.put(w, tb.wanBytes(w).rxBytes() + tb.wanBytes(w).txBytes());
        }
        Map<String, Long> joinsBefore = so.joinCounts();
        List<Future<ObjectConnection>> opening = new ArrayList<>();
        java.util.concurrent.Semaphore parallel = new java.util.concurrent.Semaphore(20);
        for (int k = 0; k < c; k++) {
            opening.add(pool.submit(() -> {
                parallel.acquire();
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    ObjectConnection oc = ObjectConnection.open(client, target, deadline);
                    oc.fetch(CHUNK, deadline);
                    return oc;
                } finally {
                    parallel.release();
                }
            }));
        }
        List<ObjectConnection> open = new ArrayList<>();
        int failed = 0;
        for (Future<ObjectConnection> fu : opening) {
            try {
                open.add(fu.get());
            } catch (java.util.concurrent.ExecutionException e) {
                failed++;
            }
        }
        // the joins follow the announcement: wait until every open connection has its second subflow
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Map<Integer, List<ScaleOut.NodeConnection>> byNode;
        while (true) {
            byNode = new LinkedHashMap<>();
            int total = 0;
            int complete = 0;
            for (int i = 1; i <= so.nodes(); i++) {
                List<ScaleOut.NodeConnection> cs = so.connections(i);
                byNode.put(i, cs);
                total += cs.size();
                complete += (int) cs.stream().filter(x -> x.subflows().size() >= 2 || !x.mptcp()).count();
            }
            if (total >= open.size() && complete >= open.size() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(200); // polling ss: the joins have no event this process can wait on
        }
        int total = 0;
        int pinned = 0;
        int onOtherNode = 0;
        int fallbacks = 0;
        Map<String, Object> perNode = new LinkedHashMap<>();
        Map<String, Object> subflowHistogram = new LinkedHashMap<>();
        for (var e : byNode.entrySet()) {
            int i = e.getKey();
            total += e.getValue().size();
            int ok = 0;
            for (ScaleOut.NodeConnection nc : e.getValue()) {
                if (!nc.mptcp()) {
                    fallbacks++;
                }
                boolean dsl = false;
                boolean lte = false;
                boolean here = true;
                for (String[] sf : nc.subflows()) {
                    dsl |= sf[1].equals(Wan.DSL.cpeAddress());
                    lte |= sf[1].equals(Wan.LTE.cpeAddress());
                    here &= so.nodeOf(sf[0]) == i;
                }
                if (!here) {
                    onOtherNode++;
                }
                if (dsl && lte && here && nc.subflows().size() == 2) {
                    ok++;
                }
                subflowHistogram.merge(Integer.toString(nc.subflows().size()), 1, (a, b) -> (Integer) a + (Integer) b);
            }
            pinned += ok;
            perNode.put(ScaleOut.name(i), e.getValue().size());
        }
        Map<String, Long> joins = so.joinCounts();
        joins.replaceAll((k, v) -> v - joinsBefore.getOrDefault(k, 0L));
        Map<String, Object> wanBytes = new LinkedHashMap<>();
        for (Wan w : Wan.values()) {
            wanBytes.put(w.interfaceName(), tb.wanBytes(w).rxBytes() + tb.wanBytes(w).txBytes() - before.get(w));
        }
        for (ObjectConnection oc : open) {
            oc.close();
        }
        f.distribution(c, open.size(), failed, total, perNode, pinned, onOtherNode, fallbacks, subflowHistogram, joins,
                wanBytes);
        ctx.progress("distribution: per node " + perNode + ", " + pinned + "/" + total
                + " with a DSL and an LTE subflow on their node, MP_JOINs " + joins);
        awaitNoConnections(so);
    }

    private static void awaitNoConnections(ScaleOut so) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            int left = 0;
            for (int i = 1; i <= so.nodes(); i++) {
                left += so.connections(i).size();
            }
            if (left == 0) {
                return;
            }
            Thread.sleep(200); // polling ss
        }
    }

    // ------------------------------------------------------------------ 2. connections/s

    private static void rates(ScenarioContext ctx, ScaleOut so, ExecutorService pool, String client,
                              InetSocketAddress target, Figures f) throws Exception {
        rate(pool, client, target); // warm-up: the gateway's and the nodes' JIT, not measured
        for (int i = 2; i <= so.nodes(); i++) {
            so.markDraining(i, true);
        }
        so.awaitSet(List.of(ScaleOut.name(1)), Duration.ofSeconds(10));
        double one = rate(pool, client, target);
        for (int i = 2; i <= so.nodes(); i++) {
            so.markDraining(i, false);
        }
        so.awaitSet(so.allBut(0), Duration.ofSeconds(10));
        double all = rate(pool, client, target);
        f.rates(one, all);
        ctx.progress(String.format(Locale.ROOT, "connections/s: %.0f with 1 node, %.0f with %d", one, all, so.nodes()));
    }

    private static double rate(ExecutorService pool, String client, InetSocketAddress target) throws Exception {
        AtomicLong ok = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(RATE_SECONDS);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < RATE_PARALLEL; w++) {
            workers.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    if (shortConnection(client, target)) {
                        ok.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        return ok.get() / (double) RATE_SECONDS;
    }

    static boolean shortConnection(String client, InetSocketAddress target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try (ObjectConnection oc = ObjectConnection.open(client, target, deadline)) {
            oc.fetch(100, deadline);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ 3. kill

    /** One session's outcome: bytes received intact (each object's SHA-256 checked) of those expected. */
    record Session(long received, long expected) {
        boolean complete() {
            return received == expected;
        }
    }

    /** The sessions that did not get every byte, and the bytes they missed. */
    record Losses(int failed, long bytes) {
        static Losses of(List<Future<Session>> sessions) throws Exception {
            int failed = 0;
            long lost = 0;
            for (Future<Session> s : sessions) {
                Session r = s.get();
                if (!r.complete()) {
                    failed++;
                    lost += r.expected() - r.received();
                }
            }
            return new Losses(failed, lost);
        }
    }

    private static List<Future<Session>> startSessions(ExecutorService pool, String client, InetSocketAddress target,
                                                       int count, int ms) throws InterruptedException {
        List<Future<Session>> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(pool.submit(() -> session(client, target, ms)));
            Thread.sleep(10); // spread the starts
        }
        return out;
    }

    static Session session(String client, InetSocketAddress target, int ms) {
        int chunks = ms / 100;
        long expected = (long) chunks * CHUNK;
        long received = 0;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms + 10_000L);
        byte[] want = ObjectServer.sha256(CHUNK);
        try (ObjectConnection oc = ObjectConnection.open(client, target, deadline)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            long next = System.nanoTime();
            for (int k = 0; k < chunks; k++) {
                oc.fetch(CHUNK, deadline, md);
                if (!java.security.MessageDigest.isEqual(want, md.digest())) {
                    break; // altered on the way: this object and the rest count as lost
                }
                received += CHUNK;
                next += TimeUnit.MILLISECONDS.toNanos(100);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        } catch (Exception e) {
            // received says how far it got
        }
        return new Session(received, expected);
    }

    /** New connections, one every 50 ms from now for {@code ms}: (start epoch ms, succeeded). */
    private static Future<List<long[]>> probe(ExecutorService pool, String client, InetSocketAddress target, long ms) {
        return pool.submit(() -> {
            List<Future<long[]>> each = new ArrayList<>();
            long end = System.currentTimeMillis() + ms;
            while (System.currentTimeMillis() < end) {
                long at = System.currentTimeMillis();
                each.add(pool.submit(() -> new long[] {at, shortConnection(client, target) ? 1 : 0}));
                Thread.sleep(50);
            }
            List<long[]> out = new ArrayList<>();
            for (Future<long[]> fu : each) {
                out.add(fu.get());
            }
            return out;
        });
    }

    private static void kill(ScenarioContext ctx, ScaleOut so, ExecutorService pool, String client,
                             InetSocketAddress target, Figures f) throws Exception {
        ctx.progress("kill: " + KILL_SESSIONS + " sessions of " + SESSION_MS + " ms, then SIGKILL to node 1");
        List<Future<Session>> sessions = startSessions(pool, client, target, KILL_SESSIONS, SESSION_MS);
        Thread.sleep(500);
        Map<String, Object> held = new LinkedHashMap<>();
        int onVictim = 0;
        for (int i = 1; i <= so.nodes(); i++) {
            int k = so.connections(i).size();
            held.put(ScaleOut.name(i), k);
            if (i == 1) {
                onVictim = k;
            }
        }
        Future<List<long[]>> probes = probe(pool, client, target, 4000);
        Thread.sleep(1000);
        long killedAt = System.currentTimeMillis();
        so.process(1).destroyForcibly();
        so.process(1).waitFor(10, TimeUnit.SECONDS);
        Losses l = Losses.of(sessions);
        int failed = l.failed();
        long lost = l.bytes();
        List<long[]> p = probes.get();
        long outAt = so.setChanges().stream().filter(ch -> ch.atMillis() >= killedAt && !ch.endpoints().contains("ap1"))
                .mapToLong(ScaleOut.SetChange::atMillis).findFirst().orElse(-1);
        f.kill(held, onVictim, failed, lost, p, killedAt, outAt);
        ctx.progress("kill: node 1 held " + onVictim + " sessions, " + failed + " failed; balancer took it out after "
                + (outAt < 0 ? "?" : (outAt - killedAt) + " ms"));
        startNode(so, 1);
        so.awaitSet(so.allBut(0), Duration.ofSeconds(20));
    }

    // ------------------------------------------------------------------ 4. rolling drain

    private static void drain(ScenarioContext ctx, ScaleOut so, ExecutorService pool, String client,
                              InetSocketAddress target, Figures f) throws Exception {
        for (int i = 1; i <= so.nodes(); i++) {
            ctx.progress("drain: node " + i + " (" + DRAIN_SESSIONS + " sessions of " + SESSION_MS + " ms running)");
            List<Future<Session>> sessions = startSessions(pool, client, target, DRAIN_SESSIONS, SESSION_MS);
            Future<List<long[]>> probes = probe(pool, client, target, 3000);
            Thread.sleep(700);
            int held = so.connections(i).size();
            long markedAt = System.currentTimeMillis();
            so.markDraining(i, true);
            long outAt = so.awaitSet(so.allBut(i), Duration.ofSeconds(10)).atMillis();
            long termAt = System.currentTimeMillis();
            Process p = so.process(i);
            p.destroy();
            boolean exited = p.waitFor(DRAIN_SECONDS + 5, TimeUnit.SECONDS);
            long exitAt = System.currentTimeMillis();
            Losses l = Losses.of(sessions);
            int failed = l.failed();
            long lost = l.bytes();
            List<long[]> pr = probes.get();
            int probeFailures = (int) pr.stream().filter(x -> x[1] == 0).count();
            f.drain(ScaleOut.name(i), held, failed, lost, pr.size(), probeFailures, outAt - markedAt, termAt - outAt,
                    exited ? exitAt - termAt : -1);
            startNode(so, i);
            so.markDraining(i, false);
            so.awaitSet(so.allBut(0), Duration.ofSeconds(20));
        }
    }

    // ------------------------------------------------------------------ figures

    /** Collects the figures, the table rows and the verdicts. */
    static final class Figures {
        private final Map<String, Object> json = new LinkedHashMap<>();
        private final List<List<String>> rows = new ArrayList<>();
        private final Map<String, Double> shares = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();

        private void row(String figure, String value, String acceptance, Boolean holds) {
            rows.add(List.of(figure, value, acceptance, holds == null ? "-" : holds ? "yes" : "NO"));
        }

        void distribution(int asked, int opened, int failed, int onNodes, Map<String, Object> perNode, int pinned,
                          int onOtherNode, int fallbacks, Map<String, Object> subflows, Map<String, Long> joins,
                          Map<String, Object> wanBytes) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("connections", asked);
            d.put("opened", opened);
            d.put("failed", failed);
            d.put("on_nodes", onNodes);
            d.put("per_node", perNode);
            d.put("dsl_and_lte_on_same_node", pinned);
            d.put("subflow_on_another_node", onOtherNode);
            d.put("plain_tcp_fallbacks", fallbacks);
            d.put("subflows_per_connection", subflows);
            d.put("mp_join_syns_by_destination", joins);
            d.put("wan_bytes", wanBytes);
            json.put("distribution", d);
            row("connections opened / asked", opened + " / " + asked, "-", failed == 0);
            boolean allIn = true;
            for (var e : perNode.entrySet()) {
                double pct = onNodes == 0 ? 0 : 100.0 * (Integer) e.getValue() / onNodes;
                shares.put(e.getKey(), pct);
                boolean in = pct >= 20 && pct <= 47;
                allIn &= in;
                row("connections on " + e.getKey(), e.getValue() + " (" + Table.number(pct, 1) + " %)",
                        "20-47 % each", in);
            }
            row("connections on the nodes", Integer.toString(onNodes), "= opened", onNodes == opened);
            row("of them plain TCP (MPTCP fallback)", Integer.toString(fallbacks), "-", fallbacks == 0);
            row("subflows per connection", subflows.toString(), "2 (DSL + LTE)", null);
            row("DSL + LTE subflow on the same node", pinned + " / " + onNodes, "every connection",
                    pinned == onNodes && onNodes == opened);
            long toShared = joins.getOrDefault("shared", 0L);
            row("MP_JOIN SYNs to the shared address", Long.toString(toShared), "0", toShared == 0);
            long toNodes = joins.entrySet().stream().filter(e -> !e.getKey().equals("shared"))
                    .mapToLong(Map.Entry::getValue).sum();
            row("MP_JOIN SYNs to node addresses", Long.toString(toNodes), ">= connections", toNodes >= opened);
            boolean both = wanBytes.values().stream().allMatch(v -> (Long) v > 0);
            row("bytes on each WAN", wanBytes.toString(), "both WANs carry bytes", both);
            json.put("distribution_share_in_band", allIn);
        }

        void rates(double one, double all) {
            json.put("connections_per_second", Map.of("one_node", one, "all_nodes", all));
            row("connections/s, 1 node", Table.number(one, 0), "-", null);
            row("connections/s, all nodes", Table.number(all, 0), "-", null);
        }

        void kill(Map<String, Object> held, int onVictim, int failed, long lost, List<long[]> probes, long killedAt,
                  long outAt) {
            long lastFailure = Long.MIN_VALUE;
            int after1s = 0;
            int total = 0;
            for (long[] p : probes) {
                if (p[0] >= killedAt) {
                    total++;
                    if (p[1] == 0) {
                        lastFailure = Math.max(lastFailure, p[0] - killedAt);
                        if (p[0] - killedAt >= 1000) {
                            after1s++;
                        }
                    }
                }
            }
            long okFrom = lastFailure == Long.MIN_VALUE ? 0 : lastFailure + 50;
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("sessions_per_node_before", held);
            k.put("sessions_on_killed_node", onVictim);
            k.put("sessions_failed", failed);
            k.put("bytes_lost", lost);
            k.put("balancer_out_after_ms", outAt < 0 ? null : outAt - killedAt);
            k.put("new_connections_after_kill", total);
            k.put("new_connection_failures_from_1s", after1s);
            k.put("new_connections_succeed_from_ms", okFrom);
            json.put("kill", k);
            row("kill: sessions on node 1 / failed (bytes lost; SHA-256 per object)", onVictim + " / " + failed + " (" + lost + ")",
                    "only the killed node's sessions end (0 lost elsewhere)", failed <= onVictim);
            row("kill: balancer took node 1 out after", outAt < 0 ? "?" : (outAt - killedAt) + " ms", "-", null);
            row("kill: new connections succeed from", "<= " + okFrom + " ms (" + after1s + " failures from 1 s, of "
                    + total + ")", "<= 1 s, then 0 failures", okFrom <= 1000 && after1s == 0);
            notes.add("kill: no session on another node failed if failed <= the sessions node 1 held (ss on the "
                    + "node just before the kill); each session checks every answer's length and SHA-256");
        }

        @SuppressWarnings("unchecked")
        void drain(String node, int held, int failed, long lost, int probes, int probeFailures, long outAfterMark,
                   long termAfterOut, long exitAfterTerm) {
            List<Object> list = (List<Object>) json.computeIfAbsent("drain", x -> new ArrayList<>());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("node", node);
            d.put("sessions_on_node", held);
            d.put("sessions_failed", failed);
            d.put("bytes_lost", lost);
            d.put("new_connections", probes);
            d.put("new_connection_failures", probeFailures);
            d.put("balancer_out_after_mark_ms", outAfterMark);
            d.put("sigterm_after_out_ms", termAfterOut);
            d.put("exit_after_sigterm_ms", exitAfterTerm);
            list.add(d);
            row("drain " + node + ": bytes lost, SHA-256 per object (" + held + " sessions on it)", Long.toString(lost),
                    "0 for sessions shorter than the drain", lost == 0 && failed == 0);
            row("drain " + node + ": new connections failed", probeFailures + " / " + probes, "-", probeFailures == 0);
            row("drain " + node + ": out of the set before SIGTERM", "out " + outAfterMark + " ms after the mark, SIGTERM "
                    + termAfterOut + " ms later, exit " + exitAfterTerm + " ms later",
                    "balancer stops first", termAfterOut >= 0);
        }

        ScaleOutResult result(int nodes, String mode) {
            json.put("gateway_mode", mode);
            return new ScaleOutResult(nodes, mode, json, rows, shares, notes);
        }
    }
}
