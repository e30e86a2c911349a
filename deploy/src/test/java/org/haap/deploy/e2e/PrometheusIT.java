package org.haap.deploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.deploy.demo.DemoConfigs;
import org.haap.deploy.demo.ProxyPair;
import org.haap.deploy.demo.StreamResult;
import org.haap.deploy.demo.TrafficClient;
import org.haap.deploy.demo.TrafficCounters;
import org.haap.deploy.demo.TrafficServer;
import org.haap.deploy.monitoring.MetricsCatalog;
import org.haap.deploy.monitoring.Promtool;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.ExecResult;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.haap.deploy.testbed.WanCounters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

/**
 * A real Prometheus (the Debian package's binary) scrapes the gateway and the aggregation
 * point on the testbed ({@code default} profile) every second: one Prometheus in the CPE
 * namespace for the gateway, one in the AP namespace for the AP, since both endpoints
 * listen on their namespace's loopback. A transfer of a known size (4 uploads and 4
 * downloads at once) goes through the pair; then Prometheus's HTTP API must report the
 * bytes relayed per direction and the sessions within 10 % of what the test itself sent,
 * received and opened. Both endpoints must pass {@code promtool check metrics} and match
 * {@code docs/metrics.md} both ways. The per-WAN byte counters, as Prometheus saw them,
 * must add up to what the test sent and received, and split it between the WANs like the
 * CPE's WAN interface counters do (within 10 %; the interfaces also count headers,
 * retransmissions and ACKs, so their absolute values are larger).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusIT {

    private static final int TRAFFIC_PORT = 5001;
    private static final int PROMETHEUS_PORT = 19090;
    private static final int STREAMS = 4;
    private static final long STREAM_BYTES = 8L * 1024 * 1024;
    private static final double TOLERANCE = 0.10;
    private static final Duration STOP = Duration.ofSeconds(10);
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.e+]+,\"([^\"]+)\"\\]");

    private Testbed testbed;
    private ProxyPair proxies;
    private MultiThreadIoEventLoopGroup group;
    private TrafficCounters counters;
    private TrafficServer trafficServer;
    private Path dir;
    private Process prometheusCpe;
    private Process prometheusAp;

    /** What the transfer measured at its own ends, and the Prometheus window around it. */
    private long sentUp;
    private long receivedDown;
    private int connections;
    private double before;
    private double after;

    @BeforeAll
    void setUp() throws Exception {
        E2ePrerequisites.require();
        Promtool.require("prometheus");
        Promtool.require("promtool");
        testbed = Testbed.create();
        testbed.up(Profile.DEFAULT, line -> System.out.println("testbed: " + line));
        proxies = ProxyPair.start(testbed);
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        counters = new TrafficCounters();
        trafficServer = TrafficServer.start(testbed.namespace(Node.SERVER),
                List.of(new InetSocketAddress(InetAddress.getByName(AddressPlan.SERVER), TRAFFIC_PORT)), group, counters);
        dir = Files.createDirectories(testbed.runDir().resolve("prometheus-it"));
        prometheusCpe = startPrometheus(Node.CPE, "haap-gateway", DemoConfigs.GATEWAY_METRICS_PORT);
        prometheusAp = startPrometheus(Node.AP, "haap-aggregation-point", DemoConfigs.AP_METRICS_PORT);
    }

    @AfterAll
    void tearDown() throws IOException {
        if (testbed == null) {
            return;
        }
        try {
            Testbed.stop(prometheusCpe, STOP);
            Testbed.stop(prometheusAp, STOP);
            if (trafficServer != null) {
                trafficServer.close();
            }
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            if (proxies != null) {
                proxies.close();
            }
        } finally {
            testbed.down();
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        assertTrue(testbed.status().isEmpty(), () -> "left behind: " + testbed.status());
    }

    @Test
    @Order(1)
    void prometheusScrapesBothTargets() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertEquals(1.0, query(Node.CPE, "sum(up{job=\"haap-gateway\"})"), "gateway target up");
            assertEquals(1.0, query(Node.AP, "sum(up{job=\"haap-aggregation-point\"})"), "AP target up");
        });
        assertEquals(1.0, query(Node.CPE, "count(haap_build_info{version!=\"\"})"));
        assertEquals(1.0, query(Node.AP, "count(haap_build_info{version!=\"\"})"));
        assertTrue(query(Node.AP, "sum(jvm_memory_used_bytes)") > 0, "JVM memory of the AP");
        assertTrue(query(Node.CPE, "sum(process_cpu_seconds_total)") > 0, "process CPU of the gateway");
    }

    @Test
    @Order(2)
    void bytesAndSessionsAgreeWithWhatTheTestMeasured() throws Exception {
        settled();
        double gwUp0 = gatewayBytes("upstream");
        double gwDown0 = gatewayBytes("downstream");
        double apUp0 = apBytes("upstream");
        double apDown0 = apBytes("downstream");
        double relayed0 = query(Node.CPE, "sum(haap_gateway_connections_intercepted_total{result=\"relayed\"})");
        double upstreamConnects0 = query(Node.AP, "sum(haap_ap_upstream_connect_seconds_count)");
        double ended0 = query(Node.AP, "sum(haap_ap_sessions_ended_total)");
        double completed0 = query(Node.AP, "sum(haap_ap_sessions_ended_total{reason=\"completed\"})");

        Map<Wan, WanCounters> wan0 = wanCounters();
        Map<Wan, double[]> perWan0 = perWanBytes();
        before = System.currentTimeMillis() / 1000.0;
        long t0 = System.nanoTime();
        transfer();
        double seconds = (System.nanoTime() - t0) / 1e9;
        settled();
        after = System.currentTimeMillis() / 1000.0;
        Map<Wan, WanCounters> wan1 = wanCounters();
        Map<Wan, double[]> perWan1 = perWanBytes();
        Map<Wan, double[]> perWan = new java.util.EnumMap<>(Wan.class);
        double[] metricSum = new double[2];
        long[] ifaceSum = new long[2];
        for (Wan w : Wan.values()) {
            WanCounters d = wan1.get(w).minus(wan0.get(w));
            double[] b = {perWan1.get(w)[0] - perWan0.get(w)[0], perWan1.get(w)[1] - perWan0.get(w)[1]};
            perWan.put(w, b);
            metricSum[0] += b[0];
            metricSum[1] += b[1];
            ifaceSum[0] += d.txBytes();
            ifaceSum[1] += d.rxBytes();
            System.out.printf(Locale.ROOT, "WAN %s: prometheus up %.0f B, down %.0f B; CPE interface tx %d B, "
                    + "rx %d B%n", w, b[0], b[1], d.txBytes(), d.rxBytes());
            assertTrue(b[0] > 0 && b[1] > 0, () -> w + ": no per-WAN bytes in Prometheus");
        }
        // The per-WAN counters are payload: together they carry what the test sent and received.
        assertWithin("per-WAN upstream bytes, all WANs", sentUp, metricSum[0]);
        assertWithin("per-WAN downstream bytes, all WANs", receivedDown, metricSum[1]);
        // The interfaces also count headers, retransmissions and the other direction's ACKs (here,
        // shaped and both directions at once, 6-13 %), so the split between the WANs is compared.
        for (Wan w : Wan.values()) {
            WanCounters d = wan1.get(w).minus(wan0.get(w));
            assertWithin(w + " share of upstream bytes vs its interface's share",
                    (double) d.txBytes() / ifaceSum[0], perWan.get(w)[0] / metricSum[0]);
            assertWithin(w + " share of downstream bytes vs its interface's share",
                    (double) d.rxBytes() / ifaceSum[1], perWan.get(w)[1] / metricSum[1]);
        }

        double gwUp = gatewayBytes("upstream") - gwUp0;
        double gwDown = gatewayBytes("downstream") - gwDown0;
        double apUp = apBytes("upstream") - apUp0;
        double apDown = apBytes("downstream") - apDown0;
        double relayed = query(Node.CPE, "sum(haap_gateway_connections_intercepted_total{result=\"relayed\"})")
                - relayed0;
        double upstreamConnects = query(Node.AP, "sum(haap_ap_upstream_connect_seconds_count)") - upstreamConnects0;
        double ended = query(Node.AP, "sum(haap_ap_sessions_ended_total)") - ended0;
        double completed = query(Node.AP, "sum(haap_ap_sessions_ended_total{reason=\"completed\"})") - completed0;
        String window = "[" + (int) Math.ceil(after - before + 1) + "s:1s]";
        double gwPeakSessions = query(Node.CPE, "max_over_time(haap_gateway_sessions_active" + window + ")");
        double apPeakSessions = query(Node.AP, "max_over_time(haap_ap_sessions_active" + window + ")");
        double peakRateUp = query(Node.CPE,
                "max_over_time(sum(rate(haap_gateway_relay_bytes_total{direction=\"upstream\"}[3s]))" + window + ")");
        double peakRateDown = query(Node.CPE,
                "max_over_time(sum(rate(haap_gateway_relay_bytes_total{direction=\"downstream\"}[3s]))" + window + ")");

        System.out.printf(Locale.ROOT, "transfer: %d connections, sent up %d B, received down %d B in %.1f s "
                + "(%.2f / %.2f Mbit/s)%n", connections, sentUp, receivedDown, seconds,
                sentUp * 8 / seconds / 1e6, receivedDown * 8 / seconds / 1e6);
        System.out.printf(Locale.ROOT, "prometheus gateway: up %.0f B (%+.2f %%), down %.0f B (%+.2f %%), "
                + "relayed sessions %.0f, peak active %.0f, peak rate up %.2f down %.2f Mbit/s%n",
                gwUp, pct(gwUp, sentUp), gwDown, pct(gwDown, receivedDown), relayed, gwPeakSessions,
                peakRateUp * 8 / 1e6, peakRateDown * 8 / 1e6);
        System.out.printf(Locale.ROOT, "prometheus AP: up %.0f B (%+.2f %%), down %.0f B (%+.2f %%), "
                + "upstream connects %.0f, sessions ended %.0f (completed %.0f), peak active %.0f%n",
                apUp, pct(apUp, sentUp), apDown, pct(apDown, receivedDown), upstreamConnects, ended, completed,
                apPeakSessions);

        assertWithin("gateway upstream bytes", sentUp, gwUp);
        assertWithin("gateway downstream bytes", receivedDown, gwDown);
        assertWithin("AP upstream bytes", sentUp, apUp);
        assertWithin("AP downstream bytes", receivedDown, apDown);
        assertWithin("gateway relayed sessions", connections, relayed);
        assertWithin("AP upstream connects", connections, upstreamConnects);
        // RobE_SIM's losing attempts may end as sessions too (header phase): only completed ones are the test's
        assertWithin("AP sessions completed", connections, completed);
        assertWithin("gateway peak active sessions", connections, gwPeakSessions);
        assertWithin("AP peak active sessions", connections, apPeakSessions);
        // a peak rate cannot be below the mean rate the test measured (bursts into socket buffers can exceed the WANs)
        double meanUp = sentUp / seconds;
        double meanDown = receivedDown / seconds;
        assertTrue(peakRateUp >= (1 - TOLERANCE) * meanUp, () -> "peak upstream rate " + peakRateUp + " < mean " + meanUp);
        assertTrue(peakRateDown >= (1 - TOLERANCE) * meanDown,
                () -> "peak downstream rate " + peakRateDown + " < mean " + meanDown);
    }

    @Test
    @Order(3)
    void promtoolAcceptsBothEndpoints() {
        for (Node node : List.of(Node.CPE, Node.AP)) {
            int port = node == Node.CPE ? DemoConfigs.GATEWAY_METRICS_PORT : DemoConfigs.AP_METRICS_PORT;
            ExecResult r = testbed.exec(node, List.of("bash", "-c", "set -o pipefail; curl -sf --max-time 5 "
                    + "http://127.0.0.1:" + port + "/metrics | promtool check metrics"), Duration.ofSeconds(30));
            System.out.println("promtool check metrics (" + node + "): exit " + r.exitCode() + " "
                    + (r.stdout() + r.stderr()).strip());
            assertEquals(0, r.exitCode(), () -> node + ": " + r.stdout() + r.stderr());
        }
    }

    @Test
    @Order(4)
    void docsListExactlyWhatTheEndpointsExpose() {
        MetricsCatalog catalog = MetricsCatalog.load();
        String ap = proxies.apMetrics();
        String gateway = proxies.gatewayMetrics();
        System.out.printf(Locale.ROOT, "exposed families: AP %d, gateway %d%n",
                MetricsCatalog.families(ap).size(), MetricsCatalog.families(gateway).size());
        assertEquals(List.of(), catalog.undocumented(ap), "AP: exposed, not in docs/metrics.md");
        assertEquals(List.of(), catalog.undocumented(gateway), "gateway: exposed, not in docs/metrics.md");
        assertEquals(List.of(), catalog.notExposed(ap, MetricsCatalog.AP), "AP: in docs/metrics.md, not exposed");
        // The pair runs the in-kernel path manager: the userspace one's meters are absent
        // (PathManagerIT checks them).
        assertEquals(List.of(), catalog.notExposed(gateway, MetricsCatalog.GATEWAY, List.of("haap_gateway_pm_")),
                "gateway: in docs/metrics.md, not exposed");
        assertEquals(List.of(), catalog.undocumentedLabels(ap), "AP labels");
        assertEquals(List.of(), catalog.undocumentedLabels(gateway), "gateway labels");
    }

    // ------------------------------------------------------------------ helpers

    private Process startPrometheus(Node node, String job, int metricsPort) throws IOException {
        Path home = Files.createDirectories(dir.resolve(node.suffix()));
        Path config = Files.writeString(home.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(job, metricsPort));
        Path storage = Files.createDirectories(home.resolve("data"));
        Path log = testbed.logFile(node, "prometheus");
        Files.deleteIfExists(log);
        Process p = testbed.start(node, log, List.of(Promtool.require("prometheus").toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + storage,
                "--web.listen-address=127.0.0.1:" + PROMETHEUS_PORT, "--storage.tsdb.retention.time=1h"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!p.isAlive()) {
                throw new AssertionError("prometheus exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            return testbed.exec(node, "curl", "-sf", "--max-time", "2",
                    "http://127.0.0.1:" + PROMETHEUS_PORT + "/-/ready").exitCode() == 0;
        });
        System.out.println("prometheus in " + testbed.namespace(node) + ": pid " + p.pid());
        return p;
    }

    /** The value of a one-element instant query (NaN when the result is empty). */
    private double query(Node node, String promql) {
        ExecResult r = testbed.exec(node, List.of("curl", "-sfG", "--max-time", "5",
                "--data-urlencode", "query=" + promql,
                "http://127.0.0.1:" + PROMETHEUS_PORT + "/api/v1/query"), Duration.ofSeconds(10));
        assertEquals(0, r.exitCode(), () -> "query " + promql + ": " + r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("\"status\":\"success\""), () -> promql + ": " + r.stdout());
        Matcher m = VALUE.matcher(r.stdout());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private Map<Wan, WanCounters> wanCounters() {
        Map<Wan, WanCounters> out = new EnumMap<>(Wan.class);
        for (Wan w : Wan.values()) {
            out.put(w, testbed.wanBytes(w));
        }
        return out;
    }

    /** Per WAN: {upstream, downstream} of haap_gateway_wan_bytes_total as Prometheus has them. */
    private Map<Wan, double[]> perWanBytes() {
        Map<Wan, double[]> out = new java.util.EnumMap<>(Wan.class);
        for (Wan w : Wan.values()) {
            String sel = "haap_gateway_wan_bytes_total{wan=\"" + w.name().toLowerCase(Locale.ROOT) + "\",direction=\"";
            out.put(w, new double[] {query(Node.CPE, "sum(" + sel + "upstream\"})"),
                    query(Node.CPE, "sum(" + sel + "downstream\"})")});
        }
        return out;
    }

    private double gatewayBytes(String direction) {
        return query(Node.CPE, "sum(haap_gateway_relay_bytes_total{direction=\"" + direction + "\"})");
    }

    private double apBytes(String direction) {
        return query(Node.AP, "sum(haap_ap_relay_bytes_total{direction=\"" + direction + "\"})");
    }

    /**
     * Waits until no session is open and Prometheus's latest samples of the byte counters
     * equal what the endpoints serve now (so the next queries see every byte).
     */
    private void settled() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            String gw = proxies.gatewayMetrics();
            String ap = proxies.apMetrics();
            assertEquals(0.0, ProxyPair.sample(gw, "haap_gateway_sessions_active").orElse(-1), "gateway sessions");
            assertEquals(0.0, ProxyPair.sample(ap, "haap_ap_sessions_active").orElse(-1), "AP sessions");
            for (String d : List.of("upstream", "downstream")) {
                assertEquals(ProxyPair.sample(gw, "haap_gateway_relay_bytes_total{direction=\"" + d + "\"}")
                        .orElse(-1), gatewayBytes(d), "gateway " + d + " bytes scraped");
                assertEquals(ProxyPair.sample(ap, "haap_ap_relay_bytes_total{direction=\"" + d + "\"}")
                        .orElse(-1), apBytes(d), "AP " + d + " bytes scraped");
            }
            Map<Wan, double[]> scraped = perWanBytes();
            for (Wan w : Wan.values()) {
                String wan = w.name().toLowerCase(Locale.ROOT);
                assertEquals(ProxyPair.sample(gw, "haap_gateway_wan_bytes_total{direction=\"upstream\",wan=\"" + wan
                        + "\"}").orElse(-1), scraped.get(w)[0], w + " upstream bytes scraped");
                assertEquals(ProxyPair.sample(gw, "haap_gateway_wan_bytes_total{direction=\"downstream\",wan=\"" + wan
                        + "\"}").orElse(-1), scraped.get(w)[1], w + " downstream bytes scraped");
            }
            assertEquals(0.0, query(Node.CPE, "sum(haap_gateway_sessions_active)"), "gateway sessions scraped");
            assertEquals(0.0, query(Node.AP, "sum(haap_ap_sessions_active)"), "AP sessions scraped");
        });
    }

    /** {@code STREAMS} uploads and downloads of {@code STREAM_BYTES} each, all at once, from the client namespace. */
    private void transfer() throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(AddressPlan.SERVER), TRAFFIC_PORT);
        List<CompletableFuture<StreamResult>> ups = new ArrayList<>();
        List<CompletableFuture<StreamResult>> downs = new ArrayList<>();
        try (TrafficClient client = new TrafficClient(group, testbed.namespace(Node.CLIENT), ClientSocketOptions.tcp(),
                counters)) {
            for (int i = 0; i < STREAMS; i++) {
                ups.add(client.upload(server, Duration.ZERO, STREAM_BYTES, i));
                downs.add(client.download(server, Duration.ZERO, STREAM_BYTES, 100 + i));
            }
            sentUp = 0;
            receivedDown = 0;
            for (CompletableFuture<StreamResult> f : ups) {
                StreamResult r = f.get(120, TimeUnit.SECONDS);
                assertTrue(r.ok(), () -> "upload: " + r);
                sentUp += r.bytes();
            }
            for (CompletableFuture<StreamResult> f : downs) {
                StreamResult r = f.get(120, TimeUnit.SECONDS);
                assertTrue(r.ok(), () -> "download: " + r);
                receivedDown += r.bytes();
            }
        }
        connections = 2 * STREAMS;
        assertEquals(STREAMS * STREAM_BYTES, sentUp, "upload bytes");
        assertEquals(STREAMS * STREAM_BYTES, receivedDown, "download bytes");
    }

    private static double pct(double got, double expected) {
        return 100 * (got - expected) / expected;
    }

    private static void assertWithin(String what, double expected, double got) {
        assertTrue(Math.abs(got - expected) <= TOLERANCE * expected,
                () -> String.format(Locale.ROOT, "%s: Prometheus %.6g, the test measured %.6g (more than %.0f %% apart)",
                        what, got, expected, 100 * TOLERANCE));
    }
}
