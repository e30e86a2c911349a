package org.haap.gateway;

import static org.awaitility.Awaitility.await;
import static org.haap.gateway.GatewayItFixture.metric;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.haap.core.testing.SocketStats;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway end to end on a real kernel: namespaces lan (an unmodified client) → gw (the
 * gateway process, TPROXY, two WAN links {@code wa}/{@code wb} with their own source
 * addresses and policy routing tables) → ap (the real aggregation point process) → srv (an
 * echo server on 198.18.1.2 / 2001:db8:1::2, which the AP's configuration allows: the default
 * destination policy denies both special-purpose blocks).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class GatewayIT {

    private static final String POOLED_PIPES = "haap_relay_splice_pipes{state=\"pooled\"}";

    private static final int ECHO_PORT = GatewayItFixture.ECHO_PORT;
    private static final int CLOSED_PORT = 7009;
    private static final int BYTES = 8 * 1024 * 1024;
    private static final int CONCURRENT = 200;

    @AutoClose
    private static GatewayItFixture bed;
    private static Netns lan;
    private static Netns gw;
    private static Netns ap;
    private static Process gateway;

    @BeforeAll
    static void setUp() throws Exception {
        Prerequisites.requireCommand("tc");
        bed = GatewayItFixture.create("gw");
        lan = bed.lan;
        gw = bed.gw;
        ap = bed.ap;
        // Both families: IPv6 on the LAN and between the AP and the server.
        Veth.addAddress(lan, "eth0", "fd00:7::2/64");
        Veth.addAddress(gw, "lan0", "fd00:7::1/64");
        lan.ip("-6", "route", "add", "default", "via", "fd00:7::1");
        Veth.addAddress(ap, "srv0", "2001:db8:1::1/64");
        Veth.addAddress(bed.srv, "eth0", "2001:db8:1::2/64");
        bed.srv.ip("-6", "route", "add", "default", "via", "2001:db8:1::1");
        // A shaped link per WAN, so that one subflow cannot carry everything.
        for (Netns ns : List.of(gw, ap)) {
            for (String dev : ns == gw ? List.of("wa", "wb") : List.of("wa-ap", "wb-ap")) {
                ns.exec("tc", "qdisc", "add", "dev", dev, "root", "tbf", "rate", "100mbit", "burst", "64kb",
                        "latency", "50ms");
            }
        }
        bed.startAp("metrics.enabled = false");
        gateway = bed.startGateway(writeGatewayConfig("gateway.conf", true));
    }

    @Test
    @Order(1)
    void plainClientExchangesMegabytesThroughGatewayAndApOverBothWans() throws Exception {
        long waBefore = txBytes(gw, "wa");
        long wbBefore = txBytes(gw, "wb");
        long waDownBefore = txBytes(ap, "wa-ap");
        long wbDownBefore = txBytes(ap, "wb-ap");
        exchange(new InetSocketAddress("198.18.1.2", ECHO_PORT));
        long wa = txBytes(gw, "wa") - waBefore;
        long wb = txBytes(gw, "wb") - wbBefore;
        long waDown = txBytes(ap, "wa-ap") - waDownBefore;
        long wbDown = txBytes(ap, "wb-ap") - wbDownBefore;
        // One subflow per WAN, each carrying a share (the tbf shaping makes one link too slow alone).
        assertTrue(wa > 256 * 1024 && wb > 256 * 1024, "upstream bytes per WAN: wa=" + wa + " wb=" + wb);
        assertTrue(waDown > 256 * 1024 && wbDown > 256 * 1024,
                "downstream bytes per WAN: wa=" + waDown + " wb=" + wbDown);
        String endpoints = gw.exec("ip", "mptcp", "endpoint", "show");
        assertTrue(endpoints.contains("10.2.0.1") && endpoints.contains("subflow") && endpoints.contains("dev wb"),
                endpoints);
        assertEquals("0", gw.exec("cat", "/proc/sys/net/mptcp/blackhole_timeout").trim());
        String metrics = bed.gatewayMetrics();
        assertEquals(0.0, metric(metrics, "haap_gateway_mptcp_fallbacks_total"), metrics);
        assertTrue(metric(metrics, "haap_gateway_connections_intercepted_total{result=\"relayed\"}") >= 1, metrics);
        assertTrue(metric(metrics, "haap_gateway_establish_winners_total{mode=\"timer\",wan=\"wa\"}") >= 1, metrics);
    }

    @Test
    @Order(1)
    void theConfiguredCongestionControlIsOnEverySubflowToTheAp() throws Exception {
        try (SocketChannel ch = lan.call(() -> SocketChannel.open(new InetSocketAddress("198.18.1.2", ECHO_PORT)))) {
            ch.write(ByteBuffer.wrap(new byte[] {42}));
            ByteBuffer echo = ByteBuffer.allocate(1);
            while (echo.hasRemaining() && ch.read(echo) >= 0) {
                // the echo proves the session is relaying
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> SocketStats.congestionControls(gw, "198.18.0.1:5124").size() == 2);
            // both subflows, the DSL one and the LTE one the path manager added
            assertEquals(List.of("peer reno", "peer reno"), SocketStats.congestionControls(gw, "198.18.0.1:5124"),
                    () -> gw.exec("ss", "-tin"));
        }
    }

    @Test
    @Order(2)
    void refusedPortResetsTheLanClient() throws Exception {
        assertResetOrRefused(new InetSocketAddress("198.18.1.2", CLOSED_PORT));
        assertTrue(bed.gatewayMetric("haap_gateway_convert_errors_received_total{code=\"connection_reset\"}") >= 1);
    }

    @Test
    @Order(3)
    void ipv6ClientReachesIpv6Server() throws Exception {
        exchange(new InetSocketAddress("2001:db8:1::2", ECHO_PORT));
    }

    @Test
    @Order(4)
    void connectionsToTheGatewayAndToTheApAreNotIntercepted() throws Exception {
        double loopsBefore = bed.gatewayMetric("haap_gateway_connections_intercepted_total{result=\"loop\"}");
        double relayedBefore = bed.gatewayMetric("haap_gateway_connections_intercepted_total{result=\"relayed\"}");
        // Straight to the AP: routed, not intercepted, so the AP itself answers (no Cookie: Missing Cookie).
        byte[] connect = {1, 6, 0x22, 0x63, 10, 5, 0x1b, 0x5f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                (byte) 0xff, (byte) 0xff, (byte) 198, 18, 1, 2};
        try (SocketChannel ch = lan.call(() -> SocketChannel.open(new InetSocketAddress("198.18.0.1", 5124)))) {
            ch.socket().setSoTimeout(10_000);
            ch.write(ByteBuffer.wrap(connect));
            byte[] reply = ch.socket().getInputStream().readNBytes(8);
            assertArrayEquals(new byte[] {1, 2, 0x22, 0x63, 30, 1, 3, 0}, reply, "Convert error Missing Cookie");
        }
        // To the gateway's own address: delivered locally (nft "fib daddr type local"), never carried.
        try (SocketChannel ch = lan.call(() -> SocketChannel.open(new InetSocketAddress("192.168.7.1", 15124)))) {
            ch.socket().setSoTimeout(10_000);
            try {
                assertEquals(-1, ch.socket().getInputStream().read());
            } catch (IOException e) {
                assertTrue(String.valueOf(e.getMessage()).toLowerCase().contains("reset"), e.toString());
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                bed.gatewayMetric("haap_gateway_connections_intercepted_total{result=\"loop\"}") == loopsBefore + 1);
        assertEquals(relayedBefore, bed.gatewayMetric("haap_gateway_connections_intercepted_total{result=\"relayed\"}"));
    }

    @Test
    @Order(5)
    void sysctlCheckRefusesToStartWhenBlackholeTimeoutDiffers() throws Exception {
        try (Netns check = Netns.create("gwchk")) {
            check.sysctl("net.mptcp.blackhole_timeout", "3600");
            Path conf = writeGatewayConfig("check.conf", false);
            Path log = bed.file("check.log");
            Process p = check.start(GatewayItFixture.java("org.haap.gateway.Main", "--config", conf.toString()), log);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gateway did not exit");
            String out = Files.readString(log);
            assertEquals(78, p.exitValue(), out);
            assertTrue(out.contains("refusing to start") && out.contains("net.mptcp.blackhole_timeout is 3600, expected 0"),
                    out);
        }
    }

    @Test
    @Order(6)
    void manyConcurrentConnectionsCompleteAndLeaveNoFileDescriptorsOpen() throws Exception {
        exchangeSmall(new InetSocketAddress("198.18.1.2", ECHO_PORT), 0); // warm up lazily opened files
        await().atMost(Duration.ofSeconds(10)).until(() -> bed.gatewayMetric("haap_gateway_sessions_active") == 0);
        long fdsBefore = openFds(gateway);
        double pooledBefore = bed.gatewayMetric(POOLED_PIPES);
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                int seed = i;
                all.add(pool.submit(() -> {
                    exchangeSmall(new InetSocketAddress(seed % 2 == 0 ? "198.18.1.2" : "2001:db8:1::2", ECHO_PORT),
                            seed);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // Splice pipes given back by finished sessions may stay pooled (at most 4 per event loop, 2 fds each).
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertEquals(0.0, bed.gatewayMetric("haap_gateway_sessions_active"));
            assertEquals(0.0, bed.gatewayMetric("haap_relay_splice_pipes{state=\"in_use\"}"));
            long allowed = fdsBefore + 2 * Math.round(bed.gatewayMetric(POOLED_PIPES) - pooledBefore);
            assertTrue(openFds(gateway) <= allowed, "gateway fds: " + openFds(gateway) + " > " + allowed);
        });
    }

    @Test
    @Order(7)
    void deadPrimaryWanNewConnectionsUseTheSecond() throws Exception {
        ap.ip("link", "set", "wa-ap", "down");
        try {
            double wbBefore = bed.gatewayMetric("haap_gateway_establish_winners_total{mode=\"timer\",wan=\"wb\"}");
            exchange(new InetSocketAddress("198.18.1.2", ECHO_PORT));
            exchange(new InetSocketAddress("198.18.1.2", ECHO_PORT));
            assertEquals(wbBefore + 2,
                    bed.gatewayMetric("haap_gateway_establish_winners_total{mode=\"timer\",wan=\"wb\"}"));
        } finally {
            ap.ip("link", "set", "wa-ap", "up");
        }
    }

    @Test
    @Order(8)
    void noApOnAnyWanResetsTheLanClient() throws Exception {
        ap.ip("link", "set", "wa-ap", "down");
        ap.ip("link", "set", "wb-ap", "down");
        try {
            double before = bed.gatewayMetric("haap_gateway_connections_intercepted_total{result=\"ap_unreachable\"}");
            assertResetOrRefused(new InetSocketAddress("198.18.1.2", ECHO_PORT));
            assertEquals(before + 1,
                    bed.gatewayMetric("haap_gateway_connections_intercepted_total{result=\"ap_unreachable\"}"));
        } finally {
            ap.ip("link", "set", "wa-ap", "up");
            ap.ip("link", "set", "wb-ap", "up");
            // Both WANs are tried at once now: wait until the links are up again and forget the
            // neighbours that failed while they were down, so the next test does not race them.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> gw.ip("-o", "link", "show", "wa").contains("state UP")
                            && gw.ip("-o", "link", "show", "wb").contains("state UP"));
            gw.ip("neigh", "flush", "dev", "wa");
            gw.ip("neigh", "flush", "dev", "wb");
        }
    }

    /**
     * The client half-closes while megabytes of the echo are still on their way back: all of
     * it must arrive. Regression test for the Netty epoll bug of 4.2.11 to 4.2.20 (once a
     * channel's input is shut and it has no interest ops left, {@code EpollIoHandler} deletes
     * its fd from the epoll set but keeps it "added", so the next interest change fails with
     * {@code epoll_ctl(MOD) ENOENT} and the session is cut); the parent pom pins 4.2.10.
     */
    @Test
    @Order(9)
    void halfCloseWithDataInFlightDeliversEverything() throws Exception {
        exchange(new InetSocketAddress("198.18.1.2", ECHO_PORT), true);
    }

    // --- helpers

    private static void exchange(InetSocketAddress server) throws Exception {
        exchange(server, false);
    }

    /**
     * Writes 8 MiB of random bytes while reading the echo concurrently; the SHA-256s must match.
     * The client half-closes after it has read the whole echo, or (with {@code earlyFin}) as soon
     * as it has written everything.
     */
    private static void exchange(InetSocketAddress server, boolean earlyFin) throws Exception {
        byte[] data = new byte[BYTES];
        new Random(server.hashCode()).nextBytes(data);
        try (SocketChannel ch = lan.call(() -> SocketChannel.open(server))) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    if (earlyFin) {
                        ch.shutdownOutput();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long total = 0;
            while (true) {
                if (total == BYTES && !earlyFin) {
                    ch.shutdownOutput();
                }
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                got.update(buf.array(), 0, n);
                total += n;
            }
            writer.get(30, TimeUnit.SECONDS);
            assertEquals(BYTES, total);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), got.digest());
        }
    }

    /** 16 KiB up, the echo back compared byte for byte, then a half-close each way. */
    private static void exchangeSmall(InetSocketAddress server, int seed) throws Exception {
        byte[] data = new byte[16 * 1024];
        new Random(seed).nextBytes(data);
        bed.echoRoundTrip(server, data, seed);
    }

    private static void assertResetOrRefused(InetSocketAddress server) throws Exception {
        try (SocketChannel ch = lan.call(() -> SocketChannel.open(server))) {
            ch.socket().setSoTimeout(20_000);
            ch.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            try {
                int n = ch.socket().getInputStream().read();
                fail("expected a reset, read " + n);
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage()).toLowerCase();
                assertTrue(m.contains("reset") || m.contains("refused"), e.toString());
            }
        } catch (java.net.ConnectException e) {
            assertTrue(String.valueOf(e.getMessage()).toLowerCase().contains("refused"), e.toString());
        }
    }

    private static Path writeGatewayConfig(String name, boolean manage) throws IOException {
        return bed.writeFile(name, GatewayItFixture.gatewayConfig("""
                  listen = ["0.0.0.0:15124", "[::]:15124"]
                  robe.mode = timer
                  sysctl.manage = %s
                  # not the host's default (bbr here): what the sockets show comes from the key
                  congestion-control = reno
                """.formatted(manage)));
    }

    private static long openFds(Process p) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
            return fds.count();
        }
    }

    private static long txBytes(Netns ns, String dev) {
        return Long.parseLong(ns.exec("cat", "/sys/class/net/" + dev + "/statistics/tx_bytes").trim());
    }
}
