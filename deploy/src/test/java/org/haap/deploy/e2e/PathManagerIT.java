package org.haap.deploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.haap.deploy.demo.DemoConfigs;
import org.haap.deploy.demo.ProxyPair;
import org.haap.deploy.monitoring.MetricsCatalog;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.ExecResult;
import org.haap.deploy.testbed.LinkSpec;
import org.haap.deploy.testbed.HaapApp;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The gateway's userspace path manager on the real testbed ({@code default} profile: DSL
 * 16 Mbit/s 20 ms, LTE 24 Mbit/s 40 ms): the CPE namespace runs
 * {@code net.mptcp.path_manager = userspace}, the kernel has no endpoints, and every extra
 * subflow is one the gateway asked for over generic netlink.
 * <ul>
 *   <li>{@code fullmesh}: a download uses both WANs.</li>
 *   <li>Failover, {@code fullmesh}: during a 100 MiB download, DSL's interface goes down, or
 *       DSL silently drops everything with its link up; the download carries on over LTE
 *       and arrives intact; when DSL is back, it carries bytes of the same connection again.
 *       The recovery and rejoin times are printed, not asserted (shared machine).</li>
 *   <li>{@code dsl-first}: with DSL healthy, LTE carries at most 1 % of a download; when DSL
 *       dies mid-download, LTE carries the rest without the connection breaking.</li>
 *   <li>{@code overflow} (capacity = DSL's rate): a bulk download uses LTE too, a light
 *       transfer (an upload its sender paces at a quarter of DSL's rate) does not.</li>
 *   <li>{@code latency-first}: a bulk download is promoted and uses both WANs; 30 short ones
 *       (100 kB each) stay on the WAN that won their race, counted as short flows.</li>
 *   <li>{@code latency-first} with {@code robe.mode = classic} and the default route on LTE:
 *       the link monitor's probes find DSL's base RTT lower, and short downloads, whose
 *       connections LTE established, move to DSL (at least 40 % of their bytes; none
 *       without the move).</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PathManagerIT {

    private static final int BIG_PORT = 8080;
    private static final int SMALL_PORT = 8081;
    private static final int OBJECT_PORT = 8082;
    private static final int MEDIUM_PORT = 8083;
    private static final long OBJECT = 100_000;
    private static final int OBJECTS = 30;
    /** Short still (under the 256 KiB bulk threshold), but longer than what the AP commits to a subflow at once. */
    private static final long MEDIUM = 200_000;
    private static final int MEDIUMS = 15;
    private static final long BIG = 100L << 20;
    private static final long SMALL = 20L << 20;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(15);
    private static final Duration CURL = Duration.ofSeconds(240);

    private Testbed testbed;
    private Process ap;
    private Process gateway;
    private FileHttpServer big;
    private FileHttpServer small;
    private FileHttpServer object;
    private FileHttpServer medium;
    private Path dir;
    private String bigSha;
    private String smallSha;
    private String objectSha;
    private String mediumSha;

    @BeforeAll
    void setUp() throws Exception {
        E2ePrerequisites.require();
        testbed = Testbed.create();
        testbed.up(Profile.DEFAULT, line -> System.out.println("testbed: " + line));
        dir = Files.createDirectories(testbed.runDir().resolve("path-manager-it"));
        Path bigFile = TestFiles.random(dir.resolve("big.bin"), BIG, 1);
        Path smallFile = TestFiles.random(dir.resolve("small.bin"), SMALL, 2);
        bigSha = Sha.of(bigFile);
        smallSha = Sha.of(smallFile);
        Path objectFile = TestFiles.random(dir.resolve("object.bin"), OBJECT, 4);
        objectSha = Sha.of(objectFile);
        Path mediumFile = TestFiles.random(dir.resolve("medium.bin"), MEDIUM, 5);
        mediumSha = Sha.of(mediumFile);
        big = new FileHttpServer(testbed.namespace(Node.SERVER), new InetSocketAddress("::", BIG_PORT), bigFile);
        small = new FileHttpServer(testbed.namespace(Node.SERVER), new InetSocketAddress("::", SMALL_PORT), smallFile);
        object = new FileHttpServer(testbed.namespace(Node.SERVER), new InetSocketAddress("::", OBJECT_PORT),
                objectFile);
        medium = new FileHttpServer(testbed.namespace(Node.SERVER), new InetSocketAddress("::", MEDIUM_PORT),
                mediumFile);
        Path apConf = Files.writeString(dir.resolve("ap.conf"), DemoConfigs.aggregationPoint());
        ap = testbed.startHaap(HaapApp.AGGREGATION_POINT, Node.AP, testbed.logFile(Node.AP, "pm-it-ap"), apConf, START);
    }

    @AfterEach
    void stopGateway() {
        Testbed.stop(gateway, STOP);
        gateway = null;
        for (Wan w : Wan.values()) {
            testbed.setInterfaceUp(w, true);
            testbed.setLinkUp(w, true);
            testbed.setLink(w, Profile.DEFAULT.link(w));
        }
        testbed.setDefaultWan(Profile.DEFAULT.defaultWan());
    }

    @AfterAll
    void tearDown() throws IOException {
        if (testbed == null) {
            return;
        }
        Testbed.stop(ap, STOP);
        for (FileHttpServer s : new FileHttpServer[] {big, small, object, medium}) {
            if (s != null) {
                s.close();
            }
        }
        testbed.down();
        assertTrue(testbed.status().isEmpty(), () -> "left behind: " + testbed.status());
        TestFiles.deleteDirectory(dir);
    }

    @Test
    @Order(1)
    void fullmeshUsesBothWansThroughSubflowsTheGatewayCreated() throws Exception {
        startGateway("fullmesh", "");
        assertEquals("userspace", testbed.exec(Node.CPE, "sysctl", "-n", "net.mptcp.path_manager").check()
                .stdout().strip());
        double[] before = wanBytes();
        download(SMALL_PORT, smallSha);
        double[] moved = since(before);
        System.out.printf(Locale.ROOT, "fullmesh: dsl %.0f B, lte %.0f B%n", moved[0], moved[1]);
        assertTrue(moved[0] > 0.1 * SMALL && moved[1] > 0.1 * SMALL, "both WANs carry the download");
        assertEquals("", testbed.exec(Node.CPE, "ip", "mptcp", "endpoint", "show").check().stdout().strip(),
                "the in-kernel path manager has no endpoints");
        MetricsCatalog catalog = MetricsCatalog.load();
        String exposition = gatewayMetrics();
        assertEquals(List.of(), catalog.undocumented(exposition), "exposed, not in docs/metrics.md");
        assertEquals(List.of(), catalog.notExposed(exposition, MetricsCatalog.GATEWAY),
                "in docs/metrics.md, not exposed by a gateway with the userspace path manager");
        assertTrue(sample("haap_gateway_pm_commands_total{command=\"create\",result=\"ok\",wan=\"dsl\"}")
                + sample("haap_gateway_pm_commands_total{command=\"create\",result=\"ok\",wan=\"lte\"}") >= 1,
                () -> "no subflow created by the gateway:\n" + pmMetrics());
    }

    @Test
    @Order(2)
    void aDslLinkGoingDownLeavesTheDownloadOnLteAndDslRejoins() throws Exception {
        failover("link-down", () -> testbed.setInterfaceUp(Wan.DSL, false), () -> testbed.setInterfaceUp(Wan.DSL, true));
    }

    @Test
    @Order(3)
    void aSilentDslBlackholeLeavesTheDownloadOnLteAndDslRejoins() throws Exception {
        failover("blackhole", () -> testbed.setLinkUp(Wan.DSL, false), () -> testbed.setLinkUp(Wan.DSL, true));
    }

    @Test
    @Order(4)
    void dslFirstKeepsLteIdleUntilDslFails() throws Exception {
        // DSL fast enough that 100 MiB takes seconds, LTE as the default profile has it.
        testbed.setLink(Wan.DSL, LinkSpec.of(100, 20));
        startGateway("dsl-first", "");
        double[] before = wanBytes();
        download(BIG_PORT, bigSha);
        double[] moved = since(before);
        System.out.printf(Locale.ROOT, "dsl-first, DSL healthy: dsl %.0f B, lte %.0f B (%.3f %%)%n",
                moved[0], moved[1], 100 * moved[1] / (moved[0] + moved[1]));
        assertTrue(moved[1] <= 0.01 * (moved[0] + moved[1]), "LTE carried more than 1 % with DSL healthy");

        double[] beforeFault = wanBytes();
        CompletableFuture<ExecResult> running = downloadAsync(BIG_PORT);
        await().atMost(Duration.ofSeconds(30)).until(() -> since(beforeFault)[0] > 10e6);
        testbed.setInterfaceUp(Wan.DSL, false);
        ExecResult r = running.get(CURL.toSeconds(), TimeUnit.SECONDS);
        assertDownloaded(r, bigSha);
        double[] after = since(beforeFault);
        System.out.printf(Locale.ROOT, "dsl-first, DSL down mid-way: dsl %.0f B, lte %.0f B%n", after[0], after[1]);
        assertTrue(after[1] > 0.1 * BIG, "LTE carried the rest");
    }

    @Test
    @Order(5)
    void overflowUsesLteOnlyForTransfersDslCannotCarry() throws Exception {
        startGateway("overflow", "haap.gateway.path-manager.overflow.capacity = \"16Mbit/s\"\n");
        // Light: an upload paced by its sender at 4 Mbit/s (a quarter of DSL) for 6 s.
        Path lightFile = TestFiles.random(dir.resolve("light.bin"), 3_000_000, 3);
        double[] before = wanBytes("upstream");
        ExecResult light = testbed.exec(Node.CLIENT, List.of("curl", "-sS", "-f", "-H", "Expect:", "--limit-rate",
                "500K", "-T", lightFile.toString(), "http://" + AddressPlan.SERVER + ":" + SMALL_PORT + "/upload"), CURL);
        assertEquals(0, light.exitCode(), light::stderr);
        assertEquals(Sha.of(lightFile), light.stdout().strip(), "the server received other bytes");
        double[] now = wanBytes("upstream");
        double[] lightMoved = {now[0] - before[0], now[1] - before[1]};
        System.out.printf(Locale.ROOT, "overflow, light upload (4 Mbit/s): dsl %.0f B, lte %.0f B%n",
                lightMoved[0], lightMoved[1]);
        assertTrue(lightMoved[0] > 2_900_000, "the upload went over DSL");
        assertTrue(lightMoved[1] <= 0.01 * (lightMoved[0] + lightMoved[1]), "a light transfer stays on DSL");

        double[] beforeBulk = wanBytes();
        download(BIG_PORT, bigSha);
        double[] bulk = since(beforeBulk);
        System.out.printf(Locale.ROOT, "overflow, bulk: dsl %.0f B, lte %.0f B%n", bulk[0], bulk[1]);
        assertTrue(bulk[1] > 0.1 * BIG, "a bulk transfer overflows onto LTE");
    }

    @Test
    @Order(6)
    void latencyFirstKeepsShortFlowsOnTheirWanAndLetsABulkOneUseBoth() throws Exception {
        startGateway("latency-first", "");
        // A bulk download: promoted (256 KiB), so LTE carries part of it.
        double[] before = wanBytes();
        download(SMALL_PORT, smallSha);
        double[] bulk = since(before);
        System.out.printf(Locale.ROOT, "latency-first, bulk: dsl %.0f B, lte %.0f B%n", bulk[0], bulk[1]);
        assertTrue(bulk[0] > 0.1 * SMALL && bulk[1] > 0.1 * SMALL, "a bulk download uses both WANs");
        await().atMost(Duration.ofSeconds(5)).until(() -> sample("haap_gateway_flows_total{class=\"bulk\"}") == 1);
        assertEquals(1, sample("haap_gateway_flow_promotions_total{reason=\"bytes\"}")
                + sample("haap_gateway_flow_promotions_total{reason=\"busy\"}"));
        assertEquals(1, sample("haap_gateway_flow_second_path_seconds_count"),
                () -> "a second subflow carried data after the promotion:\n" + pmMetrics());

        // Short downloads, one after the other: each stays on the WAN that won its race.
        double[] beforeShort = wanBytes();
        for (int i = 0; i < OBJECTS; i++) {
            download(OBJECT_PORT, objectSha);
        }
        double[] shortMoved = since(beforeShort);
        System.out.printf(Locale.ROOT, "latency-first, %d x %d B: dsl %.0f B, lte %.0f B%n", OBJECTS, OBJECT,
                shortMoved[0], shortMoved[1]);
        assertTrue(shortMoved[0] + shortMoved[1] >= 0.9 * OBJECTS * OBJECT, "the counters saw the downloads");
        assertTrue(shortMoved[1] <= 0.05 * (shortMoved[0] + shortMoved[1]),
                () -> "short flows spread onto the slower WAN:\n" + pmMetrics());
        await().atMost(Duration.ofSeconds(5)).until(() -> sample("haap_gateway_flows_total{class=\"short\"}") >= OBJECTS);
        assertEquals(1, sample("haap_gateway_flows_total{class=\"bulk\"}"), "no short flow was promoted");
        assertTrue(sample("haap_gateway_flow_bytes_total{class=\"short\",direction=\"downstream\",wan=\"dsl\"}")
                >= 0.9 * OBJECTS * OBJECT, () -> pmMetrics());
    }

    @Test
    @Order(7)
    void latencyFirstMovesShortFlowsThatTheSlowerWanEstablishedToTheWanWithTheLowerRtt() throws Exception {
        // classic: each connection's SYN takes the default route, here LTE (40 ms RTT against DSL's 20 ms)
        testbed.setDefaultWan(Wan.LTE);
        startGateway("latency-first", "haap.gateway.robe.mode = classic\n");
        String dslRtt = "haap_gateway_pm_wan_base_rtt_seconds{wan=\"dsl\"}";
        String lteRtt = "haap_gateway_pm_wan_base_rtt_seconds{wan=\"lte\"}";
        // the first probes' RTTs include the processes' warm-up; the windowed minimum drops with later ones
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> sample(dslRtt) > 0 && sample(dslRtt) < 0.9 * sample(lteRtt));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the probes did not find DSL faster:\n" + pmMetrics(), e);
        }
        System.out.printf(Locale.ROOT, "latency-first: base RTT dsl %.1f ms, lte %.1f ms%n", 1000 * sample(dslRtt),
                1000 * sample(lteRtt));

        // A fresh connection is fully established, and can be joined, only when the AP's first
        // acknowledgement is back over LTE; the AP may have put the first part of its answer on
        // the LTE subflow by the time the DSL join is up and LTE's backup flag has arrived
        // (docs/path-use.md). So the objects are longer than that first part, and DSL must carry
        // a good share of them; without the move it carries none (its join is a backup).
        double[] before = wanBytes();
        for (int i = 0; i < MEDIUMS; i++) {
            download(MEDIUM_PORT, mediumSha);
        }
        double[] moved = since(before);
        System.out.printf(Locale.ROOT, "latency-first, classic over LTE, %d x %d B: dsl %.0f B, lte %.0f B%n", MEDIUMS,
                MEDIUM, moved[0], moved[1]);
        assertTrue(moved[0] + moved[1] >= 0.9 * MEDIUMS * MEDIUM, "the counters saw the downloads");
        assertTrue(moved[0] >= 0.4 * (moved[0] + moved[1]),
                () -> "short flows stayed on the WAN that established them:\n" + pmMetrics());
        await().atMost(Duration.ofSeconds(5)).until(() -> sample("haap_gateway_flows_total{class=\"short\"}") >= MEDIUMS);
        assertEquals(0, sample("haap_gateway_flows_total{class=\"bulk\"}"), "no flow was promoted");
    }

    // ------------------------------------------------------------------ helpers

    private void failover(String fault, Runnable inject, Runnable restore) throws Exception {
        startGateway("fullmesh", "");
        double[] before = wanBytes();
        CompletableFuture<ExecResult> running = downloadAsync(BIG_PORT);
        await().atMost(Duration.ofSeconds(30)).until(() -> since(before)[0] > 5e6 && since(before)[1] > 5e6);
        assertTrue(sample("haap_gateway_wan_subflows{wan=\"dsl\"}") >= 1
                && sample("haap_gateway_wan_subflows{wan=\"lte\"}") >= 1, "a subflow on each WAN");
        long faultAt = System.nanoTime();
        inject.run();
        // Recovery: LTE alone back at 80 % of its 24 Mbit/s over a 500 ms window.
        long recovered = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> lteRateSince(500) >= 0.8 * 24e6 / 8 ? System.nanoTime() : 0L, t -> t > 0);
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
        assertTrue(!running.isDone(), fault + ": the download ended during the fault");
        // The path manager closed the dead WAN's subflow (the link monitor declared it down).
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> sample("haap_gateway_wan_subflows{wan=\"dsl\"}") == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(fault + ": the DSL subflow is still listed:\n" + pmMetrics()
                    + testbed.exec(Node.CPE, "ss", "-tniM").stdout(), e);
        }
        double dslDuringFault = since(before)[0];
        long restoreAt = System.nanoTime();
        restore.run();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> since(before)[0] > dslDuringFault + 1e6 || running.isDone());
        long rejoined = System.nanoTime();
        boolean dslBack = since(before)[0] > dslDuringFault + 1e6;
        ExecResult r = running.get(CURL.toSeconds(), TimeUnit.SECONDS);
        assertDownloaded(r, bigSha);
        double[] moved = since(before);
        System.out.printf(Locale.ROOT, "failover %s: LTE at 80 %% of its rate %d ms after the fault; DSL carrying "
                + "again %d ms after the restore; dsl %.0f B, lte %.0f B%n", fault,
                (recovered - faultAt) / 1_000_000, (rejoined - restoreAt) / 1_000_000, moved[0], moved[1]);
        assertTrue(dslBack, fault + ": DSL did not carry bytes of the download again after the restore");
    }

    private long lteBytesAt;
    private long lteBytesNanos;

    /** LTE's received bytes per second on the CPE interface over about the last {@code ms}. */
    private double lteRateSince(long ms) {
        long now = System.nanoTime();
        long bytes = testbed.wanBytes(Wan.LTE).rxBytes();
        if (lteBytesNanos == 0 || now - lteBytesNanos < ms * 1_000_000) {
            if (lteBytesNanos == 0) {
                lteBytesNanos = now;
                lteBytesAt = bytes;
            }
            return 0;
        }
        double rate = (bytes - lteBytesAt) / ((now - lteBytesNanos) / 1e9);
        lteBytesNanos = now;
        lteBytesAt = bytes;
        return rate;
    }

    private void startGateway(String policy, String extra) throws IOException {
        lteBytesNanos = 0;
        String conf = DemoConfigs.gateway() + "\nhaap.gateway.path-manager { mode = userspace, policy = " + policy
                + " }\n" + extra;
        Path file = Files.writeString(dir.resolve("gateway-" + policy + ".conf"), conf);
        gateway = testbed.startHaap(HaapApp.GATEWAY, Node.CPE, testbed.logFile(Node.CPE, "pm-it-gateway-" + policy),
                file, START);
    }

    private static String url(int port) {
        return "http://" + AddressPlan.SERVER + ":" + port + "/file";
    }

    private void download(int port, String sha) throws Exception {
        assertDownloaded(downloadAsync(port).get(CURL.toSeconds(), TimeUnit.SECONDS), sha);
    }

    private CompletableFuture<ExecResult> downloadAsync(int port) {
        return CompletableFuture.supplyAsync(() -> testbed.exec(Node.CLIENT, List.of("bash", "-c",
                "set -o pipefail; curl -sS -f " + url(port) + " | sha256sum"), CURL));
    }

    private static void assertDownloaded(ExecResult r, String sha) {
        assertEquals(0, r.exitCode(), () -> "download failed: " + r.stderr());
        assertEquals(sha, r.stdout().strip().split("\\s+")[0], "downloaded bytes differ");
    }

    /** The gateway's per-WAN downstream payload counters: {dsl, lte}. */
    private double[] wanBytes() {
        return wanBytes("downstream");
    }

    /** The gateway's per-WAN payload counters in {@code direction}: {dsl, lte}. */
    private double[] wanBytes(String direction) {
        String m = gatewayMetrics();
        return new double[] {
            ProxyPair.sample(m, "haap_gateway_wan_bytes_total{direction=\"" + direction + "\",wan=\"dsl\"}").orElse(0),
            ProxyPair.sample(m, "haap_gateway_wan_bytes_total{direction=\"" + direction + "\",wan=\"lte\"}").orElse(0)};
    }

    private double[] since(double[] before) {
        double[] now = wanBytes();
        return new double[] {now[0] - before[0], now[1] - before[1]};
    }

    private double sample(String name) {
        return ProxyPair.sample(gatewayMetrics(), name).orElse(0);
    }

    private String pmMetrics() {
        return gatewayMetrics().lines().filter(l -> l.startsWith("haap_gateway_pm_") || l.startsWith("haap_gateway_wan_")
                || l.startsWith("haap_gateway_flow"))
                .reduce("", (a, b) -> a + b + "\n");
    }

    private String gatewayMetrics() {
        return testbed.exec(Node.CPE, "curl", "-s", "--max-time", "5",
                "http://127.0.0.1:" + DemoConfigs.GATEWAY_METRICS_PORT + "/metrics").check().stdout();
    }
}
