package org.haap.deploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.sys.NetworkNamespace;
import org.haap.deploy.demo.BulkTransfer;
import org.haap.deploy.demo.ProxyPair;
import org.haap.deploy.demo.StreamResult;
import org.haap.deploy.demo.TrafficClient;
import org.haap.deploy.demo.TrafficCounters;
import org.haap.deploy.demo.TrafficServer;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.ExecResult;
import org.haap.deploy.testbed.LinkSpec;
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
 * The product end to end on the real testbed ({@code haap-*}, brought up once for this
 * class): unmodified clients in the client namespace, the client gateway in the CPE, the
 * aggregation point, servers in the server namespace. The shaped tests run first on the
 * {@code default} profile; then both links are switched to unshaped (the {@code fast}
 * profile's links) for the tests that only need correctness or promptness.
 *
 * <p>This is the only class that uses the {@code haap-*} testbed: failsafe runs test classes
 * one after another, and the testbed's other tests use private {@code haapt-} prefixes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

    private static final int TRAFFIC_PORT = 5001;
    private static final int HTTP_PORT = 8080;
    private static final int IPERF_PORT = 5201;
    private static final long FILE_SIZE = 100L * 1024 * 1024;
    private static final Duration CURL_TIMEOUT = Duration.ofSeconds(90);

    private Testbed testbed;
    private ProxyPair proxies;
    private MultiThreadIoEventLoopGroup group;
    private TrafficCounters counters;
    private TrafficServer trafficServer;
    private FileHttpServer httpServer;
    private Process iperfServer;
    private Path dir;
    private Path file;
    private String fileSha;

    @BeforeAll
    void setUp() throws Exception {
        E2ePrerequisites.require();
        testbed = Testbed.create();
        testbed.up(Profile.DEFAULT, line -> System.out.println("testbed: " + line));
        proxies = ProxyPair.start(testbed);
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        counters = new TrafficCounters();
        trafficServer = TrafficServer.start(testbed.namespace(Node.SERVER),
                List.of(address(AddressPlan.SERVER, TRAFFIC_PORT), address(AddressPlan.SERVER6, TRAFFIC_PORT)),
                group, counters);
        dir = Files.createDirectories(testbed.runDir().resolve("e2e"));
        file = dir.resolve("random-100MiB.bin");
        TestFiles.random(file, FILE_SIZE, 42);
        fileSha = Sha.of(file);
        httpServer = new FileHttpServer(testbed.namespace(Node.SERVER), new InetSocketAddress("::", HTTP_PORT), file);
        iperfServer = testbed.start(Node.SERVER, testbed.logFile(Node.SERVER, "iperf3"),
                List.of("iperf3", "-s", "-p", Integer.toString(IPERF_PORT)));
    }

    @AfterAll
    void tearDown() throws IOException {
        if (testbed == null) {
            return;
        }
        if (iperfServer != null) {
            iperfServer.destroy();
        }
        if (httpServer != null) {
            httpServer.close();
        }
        if (trafficServer != null) {
            trafficServer.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (proxies != null) {
            proxies.close();
        }
        testbed.down();
        assertTrue(testbed.status().isEmpty(), () -> "left behind: " + testbed.status());
        TestFiles.deleteDirectory(dir);
    }

    // ------------------------------------------------------------------ default profile

    @Test
    @Order(1)
    void iperf3ThroughTheGatewayUsesBothWansOnTheDefaultProfile() {
        for (boolean reverse : new boolean[] {false, true}) {
            Map<Wan, WanCounters> before = wanCounters();
            List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", AddressPlan.SERVER, "-p",
                    Integer.toString(IPERF_PORT), "-P", "4", "-t", "8", "-O", "1", "-J"));
            if (reverse) {
                cmd.add("-R");
            }
            ExecResult r = testbed.exec(Node.CLIENT, cmd, Duration.ofSeconds(60));
            assertEquals(0, r.exitCode(), () -> "iperf3 failed: " + r.stdout() + r.stderr());
            Map<Wan, WanCounters> delta = delta(before, wanCounters());
            double mbps = iperfReceivedMbps(r.stdout());
            String dirName = reverse ? "down" : "up";
            long dsl = bytes(delta.get(Wan.DSL), !reverse);
            long lte = bytes(delta.get(Wan.LTE), !reverse);
            double dslShare = (double) dsl / (dsl + lte);
            System.out.printf(Locale.ROOT, "iperf3 %s through gateway: %.2f Mbit/s, dsl %.1f %%, lte %.1f %%%n",
                    dirName, mbps, 100 * dslShare, 100 * (1 - dslShare));
            assertTrue(dslShare >= 0.25 && dslShare <= 0.75,
                    () -> dirName + ": each WAN must carry >= 25 % of the bytes: dsl " + dsl + " B, lte " + lte + " B");
            assertTrue(mbps > 0, "iperf3 measured nothing");
        }
        assertTrue(ProxyPair.sample(proxies.gatewayMetrics(), "haap_gateway_relay_bytes_total").orElse(0)
                > 2 * 8 * 1e6, "iperf3 did not go through the gateway");
    }

    @Test
    @Order(2)
    void aggregatedGoodputIsAtLeast90PercentOfTheKernelOnlyMptcpBaseline() throws Exception {
        InetSocketAddress server = address(AddressPlan.SERVER, TRAFFIC_PORT);
        BulkTransfer.Result baseline;
        try (TrafficClient mptcp = new TrafficClient(group, testbed.namespace(Node.CPE), ClientSocketOptions.mptcp(),
                counters)) {
            baseline = BulkTransfer.run(mptcp, counters, server, 4, 4, 10, (s, u, d) -> { });
        }
        BulkTransfer.Result proxied;
        try (TrafficClient tcp = new TrafficClient(group, testbed.namespace(Node.CLIENT), ClientSocketOptions.tcp(),
                counters)) {
            proxied = BulkTransfer.run(tcp, counters, server, 4, 4, 10, (s, u, d) -> { });
        }
        System.out.printf(Locale.ROOT, "baseline (kernel MPTCP, CPE -> server): up %.2f down %.2f Mbit/s%n",
                baseline.uploadMbps(), baseline.downloadMbps());
        System.out.printf(Locale.ROOT, "proxied (client -> gateway -> AP -> server): up %.2f down %.2f Mbit/s "
                + "(%.1f %% / %.1f %% of the baseline)%n", proxied.uploadMbps(), proxied.downloadMbps(),
                100 * proxied.uploadMbps() / baseline.uploadMbps(), 100 * proxied.downloadMbps() / baseline.downloadMbps());
        assertTrue(baseline.intact(), () -> "baseline: " + baseline.errors());
        assertTrue(proxied.intact(), () -> "proxied: " + proxied.errors());
        assertTrue(proxied.uploadMbps() >= 0.9 * baseline.uploadMbps(), () -> "up: " + proxied + " vs " + baseline);
        assertTrue(proxied.downloadMbps() >= 0.9 * baseline.downloadMbps(), () -> "down: " + proxied + " vs " + baseline);
    }

    // ------------------------------------------------------------------ unshaped links

    @Test
    @Order(10)
    void curlDownloadsAndUploads100MiBIntact() throws Exception {
        unshaped();
        Path got = dir.resolve("download.bin");
        double before = ProxyPair.sample(proxies.gatewayMetrics(), "haap_gateway_relay_bytes_total").orElse(0);
        PerWan downBefore = new PerWan(false);
        ExecResult down = testbed.exec(Node.CLIENT, List.of("curl", "-sS", "-f", "-o", got.toString(),
                "-w", "%{speed_download}", "http://" + AddressPlan.SERVER + ":" + HTTP_PORT + "/file"), CURL_TIMEOUT);
        assertEquals(0, down.exitCode(), down::stderr);
        assertEquals(FILE_SIZE, Files.size(got));
        assertEquals(fileSha, Sha.of(got), "downloaded file differs");
        Files.delete(got);
        downBefore.assertAgreesSince("download");
        assertSessionLineSplitsTheDownloadOverBothWans();
        PerWan upBefore = new PerWan(true);
        ExecResult up = testbed.exec(Node.CLIENT, List.of("curl", "-sS", "-f", "-H", "Expect:", "-T", file.toString(),
                "-w", "\n%{speed_upload}", "http://" + AddressPlan.SERVER + ":" + HTTP_PORT + "/upload"), CURL_TIMEOUT);
        assertEquals(0, up.exitCode(), up::stderr);
        String[] lines = up.stdout().strip().split("\n");
        assertEquals(fileSha, lines[0].strip(), "the server received other bytes than curl sent");
        upBefore.assertAgreesSince("upload");
        double after = ProxyPair.sample(proxies.gatewayMetrics(), "haap_gateway_relay_bytes_total").orElse(0);
        assertTrue(after - before >= 2 * FILE_SIZE, () -> "curl did not go through the gateway: " + (after - before));
        System.out.printf(Locale.ROOT, "curl 100 MiB unshaped: down %.1f Mbit/s, up %.1f Mbit/s%n",
                Double.parseDouble(down.stdout().strip()) * 8 / 1e6, Double.parseDouble(lines[1].strip()) * 8 / 1e6);
    }

    @Test
    @Order(11)
    void refusedPortResetsTheClientPromptlyAndLeavesNoSession() throws Exception {
        unshaped();
        InetSocketAddress closed = address(AddressPlan.SERVER, 9);
        long t0 = System.nanoTime();
        String outcome = NetworkNamespace.call(testbed.namespace(Node.CLIENT), () -> connectAndRead(closed));
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf(Locale.ROOT, "refused port: %s after %.1f ms%n", outcome, ms);
        assertTrue(outcome.startsWith("reset") || outcome.startsWith("refused"), outcome);
        assertTrue(ms < 1000, () -> "took " + ms + " ms");
        ExecResult curl = testbed.exec(Node.CLIENT, List.of("curl", "-sS", "--max-time", "5",
                "http://" + AddressPlan.SERVER + ":9/"), Duration.ofSeconds(10));
        assertTrue(curl.exitCode() == 7 || curl.exitCode() == 56,
                () -> "curl should see a refusal (7) or a reset (56): " + curl.exitCode() + " " + curl.stderr());
        assertNoSessionsLeft();
    }

    @Test
    @Order(12)
    void twoHundredConcurrentConnectionsCompleteWithCorrectData() throws Exception {
        unshaped();
        InetSocketAddress server = address(AddressPlan.SERVER, TRAFFIC_PORT);
        try (TrafficClient client = new TrafficClient(group, testbed.namespace(Node.CLIENT), ClientSocketOptions.tcp(),
                counters)) {
            List<CompletableFuture<StreamResult>> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                all.add(i % 2 == 0
                        ? client.upload(server, Duration.ZERO, 256 * 1024 + i, i)
                        : client.download(server, Duration.ZERO, 256 * 1024 + i, i));
            }
            int ok = 0;
            List<String> errors = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int i = 0; i < all.size(); i++) {
                StreamResult r;
                try {
                    r = all.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    r = StreamResult.failed(0, -1, "not finished within 60 s");
                }
                if (r.ok() && r.bytes() == 256 * 1024 + i) {
                    ok++;
                } else {
                    errors.add(i + ": " + r);
                }
            }
            assertEquals(200, ok, () -> "failed: " + errors);
        }
        assertNoSessionsLeft();
    }

    @Test
    @Order(13)
    void ipv6ClientReachesAnIpv6ServerLikeIpv4() throws Exception {
        unshaped();
        double relayedBefore = intercepted();
        String url = "http://[" + AddressPlan.SERVER6 + "]:" + HTTP_PORT;
        Path got = dir.resolve("download6.bin");
        PerWan downBefore = new PerWan(false);
        ExecResult down = testbed.exec(Node.CLIENT, List.of("curl", "-sS", "-f", "-g", "-o", got.toString(),
                url + "/file"), CURL_TIMEOUT);
        assertEquals(0, down.exitCode(), down::stderr);
        assertEquals(fileSha, Sha.of(got), "downloaded file differs (IPv6)");
        Files.delete(got);
        downBefore.assertAgreesSince("IPv6 download");
        PerWan upBefore = new PerWan(true);
        ExecResult up = testbed.exec(Node.CLIENT, List.of("curl", "-sS", "-f", "-g", "-H", "Expect:", "-T",
                file.toString(), url + "/upload"), CURL_TIMEOUT);
        assertEquals(0, up.exitCode(), up::stderr);
        assertEquals(fileSha, up.stdout().strip(), "the server received other bytes than curl sent (IPv6)");
        upBefore.assertAgreesSince("IPv6 upload");
        try (TrafficClient client = new TrafficClient(group, testbed.namespace(Node.CLIENT), ClientSocketOptions.tcp(),
                counters)) {
            InetSocketAddress server6 = address(AddressPlan.SERVER6, TRAFFIC_PORT);
            StreamResult u = client.upload(server6, Duration.ZERO, 4 << 20, 1).get(60, TimeUnit.SECONDS);
            StreamResult d = client.download(server6, Duration.ZERO, 4 << 20, 2).get(60, TimeUnit.SECONDS);
            assertTrue(u.ok() && d.ok(), () -> u + " " + d);
        }
        double relayed = intercepted() - relayedBefore;
        assertTrue(relayed >= 4, () -> "IPv6 connections were not carried by the gateway: " + relayed);
        ExecResult refused = testbed.exec(Node.CLIENT, List.of("curl", "-sS", "-g", "--max-time", "5",
                "http://[" + AddressPlan.SERVER6 + "]:9/"), Duration.ofSeconds(10));
        assertTrue(refused.exitCode() == 7 || refused.exitCode() == 56, refused::stderr);
        assertNoSessionsLeft();
    }

    // ------------------------------------------------------------------ helpers

    private void unshaped() {
        for (Wan w : Wan.values()) {
            testbed.setLink(w, LinkSpec.UNLIMITED);
        }
    }

    private double intercepted() {
        String m = proxies.gatewayMetrics();
        double sum = 0;
        for (String line : m.split("\n")) {
            if (line.startsWith("haap_gateway_connections_intercepted_total{") && line.contains("result=\"relayed\"")) {
                String[] f = line.trim().split("\\s+");
                sum += Double.parseDouble(f[f.length - 1]);
            }
        }
        return sum;
    }

    private void assertNoSessionsLeft() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertEquals(0.0, ProxyPair.sample(proxies.gatewayMetrics(), "haap_gateway_sessions_active").orElse(-1),
                    "gateway sessions still open");
            assertEquals(0.0, ProxyPair.sample(proxies.apMetrics(), "haap_ap_sessions_active").orElse(-1),
                    "AP sessions still open");
        });
    }

    /** Connects, sends a request line, reads: "reset ...", "refused ...", "eof" or "data". */
    private static String connectAndRead(InetSocketAddress target) {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.socket().setSoTimeout(5000);
            ch.connect(target);
            ch.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(1024);
            int n = ch.socket().getInputStream().read(buf.array());
            return n < 0 ? "eof" : "data";
        } catch (java.net.ConnectException e) {
            return "refused: " + e.getMessage();
        } catch (java.net.SocketException e) {
            return (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("reset") ? "reset: " : "error: ")
                    + e.getMessage();
        } catch (IOException e) {
            return "error: " + e;
        }
    }

    /**
     * The gateway's per-WAN byte counters ({@code haap_gateway_wan_bytes_total}, payload from
     * the subflows' TCP counters) and the WAN interfaces' counters in the direction of a bulk
     * transfer, to check that they agree within 5 % (the interfaces also count the
     * Ethernet/IP/TCP/MPTCP headers, about 3 % of a full segment here).
     */
    private final class PerWan {
        private final boolean up;
        private final Map<Wan, WanCounters> interfaces;
        private final String metrics;

        private PerWan(boolean up) {
            this.up = up;
            this.interfaces = wanCounters();
            this.metrics = proxies.gatewayMetrics();
        }

        void assertAgreesSince(String what) {
            Map<Wan, WanCounters> iface = delta(interfaces, wanCounters());
            String after = proxies.gatewayMetrics();
            double total = 0;
            for (Wan w : Wan.values()) {
                String name = "haap_gateway_wan_bytes_total{direction=\"" + (up ? "upstream" : "downstream")
                        + "\",wan=\"" + w.name().toLowerCase(Locale.ROOT) + "\"}";
                double counted = ProxyPair.sample(after, name).orElse(0) - ProxyPair.sample(metrics, name).orElse(0);
                long wire = bytes(iface.get(w), up);
                total += counted;
                System.out.printf(Locale.ROOT, "per-WAN %s %s: gateway counted %.0f B, interface %d B (%.2f %%)%n",
                        what, w, counted, wire, 100 * counted / wire);
                assertTrue(wire > 1_000_000, () -> what + ": " + w + " carried no bulk traffic");
                assertTrue(Math.abs(counted - wire) <= 0.05 * wire,
                        () -> what + " " + w + ": gateway counted " + counted + " B, interface " + wire + " B");
            }
            assertTrue(total >= FILE_SIZE, what + ": the per-WAN counters miss bytes: " + total);
        }
    }

    /**
     * The gateway's session log line of the 100 MiB download names both WANs in its
     * {@code wans=} field, and their downstream bytes add up to the session's (within 1 %).
     */
    private void assertSessionLineSplitsTheDownloadOverBothWans() throws IOException {
        Pattern down = Pattern.compile(" down=(\\d+) ");
        Pattern wans = Pattern.compile(" wans=(\\S+)");
        String line = await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(proxies.gatewayLog())
                .stream().filter(l -> l.contains("session ") && l.contains(":" + HTTP_PORT + " "))
                .filter(l -> { Matcher m = down.matcher(l); return m.find() && Long.parseLong(m.group(1)) >= FILE_SIZE; })
                .reduce((a, b) -> b).orElse(null), java.util.Objects::nonNull);
        Matcher d = down.matcher(line);
        Matcher w = wans.matcher(line);
        assertTrue(d.find() && w.find(), () -> "no down= or wans= in " + line);
        long total = Long.parseLong(d.group(1));
        long sum = 0;
        for (String part : w.group(1).split(",")) {
            String[] f = part.split("[:/]");
            assertTrue(Long.parseLong(f[2]) > 0, () -> "a WAN without downstream bytes in " + line);
            sum += Long.parseLong(f[2]);
        }
        assertEquals(2, w.group(1).split(",").length, () -> "expected both WANs in " + line);
        long counted = sum;
        assertTrue(Math.abs(counted - total) <= total / 100, () -> "wans= adds up to " + counted + ", not " + total);
        System.out.println("gateway session line: ..." + line.substring(line.indexOf(" up=")));
    }

    private Map<Wan, WanCounters> wanCounters() {
        Map<Wan, WanCounters> m = new EnumMap<>(Wan.class);
        for (Wan w : Wan.values()) {
            m.put(w, testbed.wanBytes(w));
        }
        return m;
    }

    private static Map<Wan, WanCounters> delta(Map<Wan, WanCounters> before, Map<Wan, WanCounters> after) {
        Map<Wan, WanCounters> m = new EnumMap<>(Wan.class);
        for (Wan w : Wan.values()) {
            m.put(w, after.get(w).minus(before.get(w)));
        }
        return m;
    }

    private static long bytes(WanCounters c, boolean up) {
        return up ? c.txBytes() : c.rxBytes();
    }

    private static double iperfReceivedMbps(String json) {
        Matcher m = java.util.regex.Pattern.compile(
                "\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), () -> "no sum_received in iperf3 output: " + json);
        return Double.parseDouble(m.group(1)) / 1e6;
    }

    private static InetSocketAddress address(String host, int port) throws IOException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }
}
