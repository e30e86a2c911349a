package org.haap.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AfterAll;
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
 * echo server on 198.18.1.2 / 2001:db8:1::2, addresses the AP's default deny list allows).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class GatewayIT {

    private static final int ECHO_PORT = 7007;
    private static final int CLOSED_PORT = 7009;
    private static final int BYTES = 8 * 1024 * 1024;
    private static final int CONCURRENT = 200;
    private static final String COOKIE = "haapt-cookie";
    /** The operator files in the deploy module, read from the source tree (deploy depends on this module). */
    private static final Path DEPLOY_NFT = Path.of("..", "deploy", "nftables").toAbsolutePath().normalize();
    private static final Pattern DEFINE = Pattern.compile("(?m)^define\\s+(\\w+)\\s*=.*$");

    private static Netns lan;
    private static Netns gw;
    private static Netns ap;
    private static Netns srv;
    private static Path dir;
    private static Path gwLog;
    private static ServerSocket echo;
    private static Process gateway;

    @BeforeAll
    static void setUp() throws Exception {
        Prerequisites.requireNetns();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("nft", "tc");
        dir = Files.createTempDirectory("haapt-gw");
        lan = Netns.create("gwlan");
        gw = Netns.create("gwcpe");
        ap = Netns.create("gwap");
        srv = Netns.create("gwsrv");
        Veth.link(lan, "eth0", "192.168.7.2/24", gw, "lan0", "192.168.7.1/24");
        Veth.addAddress(lan, "eth0", "fd00:7::2/64");
        Veth.addAddress(gw, "lan0", "fd00:7::1/64");
        lan.route("default", "via", "192.168.7.1");
        lan.ip("-6", "route", "add", "default", "via", "fd00:7::1");

        Veth.link(gw, "wa", "10.1.0.1/24", ap, "wa-ap", "10.1.0.2/24");
        Veth.link(gw, "wb", "10.2.0.1/24", ap, "wb-ap", "10.2.0.2/24");
        gw.ip("route", "add", "default", "via", "10.1.0.2", "dev", "wa", "table", "101");
        gw.ip("route", "add", "default", "via", "10.2.0.2", "dev", "wb", "table", "102");
        gw.ip("rule", "add", "from", "10.1.0.1", "lookup", "101");
        gw.ip("rule", "add", "from", "10.2.0.1", "lookup", "102");
        // A shaped link per WAN, so that one subflow cannot carry everything.
        for (Netns ns : List.of(gw, ap)) {
            for (String dev : ns == gw ? List.of("wa", "wb") : List.of("wa-ap", "wb-ap")) {
                ns.exec("tc", "qdisc", "add", "dev", dev, "root", "tbf", "rate", "100mbit", "burst", "64kb",
                        "latency", "50ms");
            }
        }
        // TPROXY: exactly the operator files a real router installs.
        Path nft = dir.resolve("haap-gateway.nft");
        Files.writeString(nft, substituteDefines(Files.readString(DEPLOY_NFT.resolve("haap-gateway.nft")), Map.of(
                "LAN_IF", "\"lan0\"", "AP_V4", "198.18.0.1", "AP_V6", "2001:db8::1", "TPROXY_PORT", "15124")));
        gw.exec("nft", "-f", nft.toString());
        gw.exec("ip", "-4", "-batch", DEPLOY_NFT.resolve("haap-tproxy-routes.ipv4").toString());
        gw.exec("ip", "-6", "-batch", DEPLOY_NFT.resolve("haap-tproxy-routes.ipv6").toString());
        // Not intercepted traffic is routed: the AP is reachable from the LAN without the gateway.
        gw.sysctl("net.ipv4.ip_forward", "1");
        gw.ip("route", "add", "198.18.0.1/32", "via", "10.1.0.2", "dev", "wa");

        ap.ip("addr", "add", "198.18.0.1/32", "dev", "lo");
        Veth.link(ap, "srv0", "198.18.1.1/24", srv, "eth0", "198.18.1.2/24");
        Veth.addAddress(ap, "srv0", "2001:db8:1::1/64");
        Veth.addAddress(srv, "eth0", "2001:db8:1::2/64");
        srv.route("default", "via", "198.18.1.1");
        srv.ip("-6", "route", "add", "default", "via", "2001:db8:1::1");
        ap.exec("ip", "mptcp", "limits", "set", "subflows", "4", "add_addr_accepted", "4");
        ap.route("192.168.7.0/24", "via", "10.1.0.1");

        echo = srv.call(() -> new ServerSocket(ECHO_PORT, 256, null)); // [::], both families
        Thread acceptor = new Thread(GatewayIT::serveEcho, "haapt-echo");
        acceptor.setDaemon(true);
        acceptor.start();

        Path apConf = dir.resolve("ap.conf");
        Files.writeString(apConf, """
                haap.aggregation-point {
                  listen = ["198.18.0.1:5124"]
                  metrics.enabled = false
                  timeouts.connect = 2s
                  cookies = ["%s"]
                  require-cookie = true
                }
                """.formatted(COOKIE));
        Path apLog = dir.resolve("ap.log");
        ap.start(java("org.haap.ap.Main", "--config", apConf.toString()), apLog);
        awaitLog(apLog, "listening on");

        Path gwConf = writeGatewayConfig("gateway.conf", true);
        gwLog = dir.resolve("gateway.log");
        gateway = gw.start(java("org.haap.gateway.Main", "--config", gwConf.toString()), gwLog);
        awaitLog(gwLog, "listening on");
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (echo != null) {
            echo.close();
        }
        for (Netns ns : new Netns[] {lan, gw, ap, srv}) {
            if (ns != null) {
                ns.close();
            }
        }
        if (dir != null && gwLog != null && Files.exists(gwLog)) {
            System.out.println("gateway log:\n" + Files.readString(gwLog));
        }
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
        String metrics = scrape();
        assertEquals(0.0, metric(metrics, "haap_gateway_mptcp_fallbacks_total"), metrics);
        assertTrue(metric(metrics, "haap_gateway_connections_intercepted_total{result=\"relayed\"}") >= 1, metrics);
        assertTrue(metric(metrics, "haap_gateway_establish_winners_total{mode=\"timer\",wan=\"wa\"}") >= 1, metrics);
    }

    @Test
    @Order(2)
    void refusedPortResetsTheLanClient() throws Exception {
        assertResetOrRefused(new InetSocketAddress("198.18.1.2", CLOSED_PORT));
        assertTrue(metric(scrape(), "haap_gateway_convert_errors_received_total{code=\"connection_reset\"}") >= 1);
    }

    @Test
    @Order(3)
    void ipv6ClientReachesIpv6Server() throws Exception {
        exchange(new InetSocketAddress("2001:db8:1::2", ECHO_PORT));
    }

    @Test
    @Order(4)
    void connectionsToTheGatewayAndToTheApAreNotIntercepted() throws Exception {
        double loopsBefore = metric(scrape(), "haap_gateway_connections_intercepted_total{result=\"loop\"}");
        double relayedBefore = metric(scrape(), "haap_gateway_connections_intercepted_total{result=\"relayed\"}");
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
                metric(scrape(), "haap_gateway_connections_intercepted_total{result=\"loop\"}") == loopsBefore + 1);
        assertEquals(relayedBefore, metric(scrape(), "haap_gateway_connections_intercepted_total{result=\"relayed\"}"));
    }

    @Test
    @Order(5)
    void sysctlCheckRefusesToStartWhenBlackholeTimeoutDiffers() throws Exception {
        try (Netns check = Netns.create("gwchk")) {
            check.sysctl("net.mptcp.blackhole_timeout", "3600");
            Path conf = writeGatewayConfig("check.conf", false);
            Path log = dir.resolve("check.log");
            Process p = check.start(java("org.haap.gateway.Main", "--config", conf.toString()), log);
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
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(scrape(), "haap_gateway_sessions_active") == 0);
        long fdsBefore = openFds(gateway);
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
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertEquals(0.0, metric(scrape(), "haap_gateway_sessions_active"));
            assertTrue(openFds(gateway) <= fdsBefore, "gateway fds: " + openFds(gateway) + " > " + fdsBefore);
        });
    }

    @Test
    @Order(7)
    void deadPrimaryWanNewConnectionsUseTheSecond() throws Exception {
        ap.ip("link", "set", "wa-ap", "down");
        try {
            double wbBefore = metric(scrape(), "haap_gateway_establish_winners_total{mode=\"timer\",wan=\"wb\"}");
            exchange(new InetSocketAddress("198.18.1.2", ECHO_PORT));
            exchange(new InetSocketAddress("198.18.1.2", ECHO_PORT));
            assertEquals(wbBefore + 2,
                    metric(scrape(), "haap_gateway_establish_winners_total{mode=\"timer\",wan=\"wb\"}"));
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
            double before = metric(scrape(), "haap_gateway_connections_intercepted_total{result=\"ap_unreachable\"}");
            assertResetOrRefused(new InetSocketAddress("198.18.1.2", ECHO_PORT));
            assertEquals(before + 1,
                    metric(scrape(), "haap_gateway_connections_intercepted_total{result=\"ap_unreachable\"}"));
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
        try (Socket s = lan.call(() -> {
            Socket socket = new Socket();
            socket.connect(server, 10_000);
            return socket;
        })) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(data);
            assertArrayEquals(data, s.getInputStream().readNBytes(data.length), "echo of connection " + seed);
            // Half-close only once the echo is in (see halfCloseWithDataInFlightDeliversEverything).
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read(), "end of stream after the echo");
        }
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

    private static void serveEcho() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                        s.shutdownOutput();
                    } catch (IOException e) {
                        // the client went away
                    }
                }, "haapt-echo-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static Path writeGatewayConfig(String name, boolean manage) throws IOException {
        Path conf = dir.resolve(name);
        Files.writeString(conf, """
                haap.gateway {
                  listen = ["0.0.0.0:15124", "[::]:15124"]
                  aggregation-point = "198.18.0.1:5124"
                  cookie = "%s"
                  wan = [
                    { name = wa, interface = wa, source = "10.1.0.1", table = 101 }
                    { name = wb, interface = wb, source = "10.2.0.1", table = 102 }
                  ]
                  robe.mode = timer
                  path-manager { mode = kernel, policy = fullmesh }
                  timeouts { connect = 2s, convert-reply = 5s }
                  metrics { enabled = true, listen = "127.0.0.1:9125" }
                  event-loops = 2
                  sysctl.manage = %s
                }
                """.formatted(COOKIE, manage));
        return conf;
    }

    /** Replaces the value of each {@code define NAME = ...} line named in {@code values}; each must occur. */
    static String substituteDefines(String nft, Map<String, String> values) {
        Matcher m = DEFINE.matcher(nft);
        StringBuilder sb = new StringBuilder();
        Set<String> seen = new HashSet<>();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value != null) {
                seen.add(m.group(1));
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(
                    value == null ? m.group() : "define " + m.group(1) + " = " + value));
        }
        m.appendTail(sb);
        assertEquals(values.keySet(), seen, "defines in haap-gateway.nft");
        return sb.toString();
    }

    private static String scrape() {
        return gw.exec("curl", "-sf", "http://127.0.0.1:9125/metrics");
    }

    /** The value of the sample {@code name} or {@code name{labels}} (all its labels), or 0 if absent. */
    private static double metric(String exposition, String sample) {
        String key = sample + " ";
        for (String line : exposition.split("\n")) {
            if (line.startsWith(key)) {
                return Double.parseDouble(line.substring(key.length()).trim().split(" ")[0]);
            }
        }
        return 0;
    }

    private static long openFds(Process p) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
            return fds.count();
        }
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static void awaitLog(Path log, String text) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String s = Files.exists(log) ? Files.readString(log) : "";
            if (s.contains("Exception in thread") || s.contains("cannot start") || s.contains("refusing")) {
                fail(log.getFileName() + ":\n" + s);
            }
            return s.contains(text);
        });
    }

    private static long txBytes(Netns ns, String dev) {
        return Long.parseLong(ns.exec("cat", "/sys/class/net/" + dev + "/statistics/tx_bytes").trim());
    }
}
