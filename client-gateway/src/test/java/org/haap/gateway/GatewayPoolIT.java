package org.haap.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * The warm pool end to end on a real kernel: namespaces lan (an unmodified client) → gw (the
 * gateway process with {@code robe.pool} on, TPROXY, two WANs) → ap (the real aggregation point
 * with a cookie, metrics on) → srv (an echo server). While every SYN from the gateway to the
 * AP is dropped, LAN connections still complete: they ride pooled connections, so none costs
 * a WAN handshake, and the AP accepts no connection meanwhile.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class GatewayPoolIT {

    private static final int ECHO_PORT = 7007;
    private static final String COOKIE = "haapt-pool-cookie";
    private static final int POOL_MIN = 6;
    private static final int POOL_MAX = 8;
    private static final Duration T = Duration.ofSeconds(30);
    private static final Path DEPLOY_NFT = Path.of("..", "deploy", "nftables").toAbsolutePath().normalize();

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
        Prerequisites.requireCommand("nft", "curl");
        dir = Files.createTempDirectory("haapt-gwpool");
        lan = Netns.create("plan");
        gw = Netns.create("pcpe");
        ap = Netns.create("pap");
        srv = Netns.create("psrv");
        Veth.link(lan, "eth0", "192.168.7.2/24", gw, "lan0", "192.168.7.1/24");
        lan.route("default", "via", "192.168.7.1");
        Veth.link(gw, "wa", "10.1.0.1/24", ap, "wa-ap", "10.1.0.2/24");
        Veth.link(gw, "wb", "10.2.0.1/24", ap, "wb-ap", "10.2.0.2/24");
        gw.ip("route", "add", "default", "via", "10.1.0.2", "dev", "wa", "table", "101");
        gw.ip("route", "add", "default", "via", "10.2.0.2", "dev", "wb", "table", "102");
        gw.ip("rule", "add", "from", "10.1.0.1", "lookup", "101");
        gw.ip("rule", "add", "from", "10.2.0.1", "lookup", "102");
        Path nft = dir.resolve("haap-gateway.nft");
        Files.writeString(nft, GatewayIT.substituteDefines(Files.readString(DEPLOY_NFT.resolve("haap-gateway.nft")),
                Map.of("LAN_IF", "\"lan0\"", "AP_V4", "198.18.0.1", "AP_V6", "2001:db8::1", "TPROXY_PORT", "15124")));
        gw.exec("nft", "-f", nft.toString());
        gw.exec("ip", "-4", "-batch", DEPLOY_NFT.resolve("haap-tproxy-routes.ipv4").toString());
        gw.exec("ip", "-6", "-batch", DEPLOY_NFT.resolve("haap-tproxy-routes.ipv6").toString());
        gw.sysctl("net.ipv4.ip_forward", "1");
        gw.ip("route", "add", "198.18.0.1/32", "via", "10.1.0.2", "dev", "wa");

        ap.ip("addr", "add", "198.18.0.1/32", "dev", "lo");
        Veth.link(ap, "srv0", "198.18.1.1/24", srv, "eth0", "198.18.1.2/24");
        srv.route("default", "via", "198.18.1.1");
        ap.exec("ip", "mptcp", "limits", "set", "subflows", "4", "add_addr_accepted", "4");
        ap.route("192.168.7.0/24", "via", "10.1.0.1");

        echo = srv.call(() -> new ServerSocket(ECHO_PORT, 256, null));
        Thread acceptor = new Thread(GatewayPoolIT::serveEcho, "haapt-pool-echo");
        acceptor.setDaemon(true);
        acceptor.start();

        Path apConf = dir.resolve("ap.conf");
        Files.writeString(apConf, """
                haap.aggregation-point {
                  listen = ["198.18.0.1:5124"]
                  metrics { enabled = true, listen = "127.0.0.1:9124" }
                  timeouts.connect = 2s
                  cookies = ["%s"]
                  require-cookie = true
                  limits.max-pooled-per-client = 16
                }
                """.formatted(COOKIE));
        Path apLog = dir.resolve("ap.log");
        ap.start(java("org.haap.ap.Main", "--config", apConf.toString()), apLog);
        awaitLog(apLog, "listening on");

        Path gwConf = dir.resolve("gateway.conf");
        Files.writeString(gwConf, """
                haap.gateway {
                  listen = ["0.0.0.0:15124"]
                  aggregation-point = "198.18.0.1:5124"
                  cookie = "%s"
                  wan = [
                    { name = wa, interface = wa, source = "10.1.0.1", table = 101 }
                    { name = wb, interface = wb, source = "10.2.0.1", table = 102 }
                  ]
                  robe { mode = sim, pool { enabled = true, min = %d, max = %d, max-idle = 60s } }
                  path-manager { mode = kernel, policy = fullmesh }
                  timeouts { connect = 2s, convert-reply = 5s }
                  metrics { enabled = true, listen = "127.0.0.1:9125" }
                  event-loops = 2
                }
                """.formatted(COOKIE, POOL_MIN, POOL_MAX));
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
    void poolHitsCarryTheRightBytesWithoutAnyWanHandshake() throws Exception {
        await().atMost(T).until(() -> gwMetric("haap_gateway_pool_connections") == POOL_MIN);
        await().atMost(T).until(() -> apMetric("haap_ap_pool_connections") == POOL_MIN);
        double hitsBefore = gwMetric("haap_gateway_pool_takes_total{result=\"hit\"}");
        double setupsBefore = gwMetric("haap_gateway_establish_setup_seconds_count{mode=\"sim\"}");
        double acceptedBefore = apAccepted();
        double usedBefore = apMetric("haap_ap_pool_used_total");
        int n = POOL_MIN - 1;
        // From here no SYN from the gateway reaches the AP: a session that needed a WAN handshake
        // would fail (and the pool cannot refill).
        gw.exec("nft", "add table inet haaptpool");
        gw.exec("nft", "add chain inet haaptpool out { type filter hook output priority 0 ; }");
        gw.exec("nft", "add rule inet haaptpool out tcp dport 5124 tcp flags & (syn | ack) == syn counter drop");
        try {
            for (int i = 0; i < n; i++) {
                exchange(i);
            }
            assertEquals(hitsBefore + n, gwMetric("haap_gateway_pool_takes_total{result=\"hit\"}"), "every one a hit");
            assertEquals(setupsBefore, gwMetric("haap_gateway_establish_setup_seconds_count{mode=\"sim\"}"),
                    "no session established a connection of its own");
            assertEquals(acceptedBefore, apAccepted(), "the AP accepted no connection for them");
            assertEquals(usedBefore + n, apMetric("haap_ap_pool_used_total"), "each arrived on a pooled connection");
            assertTrue(gw.exec("nft", "list chain inet haaptpool out").contains("counter packets"),
                    "the drop rule is in place");
        } finally {
            gw.exec("nft", "delete table inet haaptpool");
        }
        // The pool refills (back-off of at most a few seconds after the dropped attempts).
        await().atMost(T).until(() -> gwMetric("haap_gateway_pool_connections") == POOL_MIN);
    }

    @Test
    @Order(2)
    void aBurstOfThreeTimesThePoolMaxCompletesAndNeitherSideHoldsMoreThanThePoolMax() throws Exception {
        double takesBefore = gwMetric("haap_gateway_pool_takes_total{result=\"miss\"}")
                + gwMetric("haap_gateway_pool_takes_total{result=\"hit\"}");
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 3 * POOL_MAX; i++) {
            int seed = 100 + i;
            Thread t = new Thread(() -> {
                try {
                    exchange(seed);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertEquals(List.of(), failures);
        assertEquals(takesBefore + 3 * POOL_MAX, gwMetric("haap_gateway_pool_takes_total{result=\"miss\"}")
                + gwMetric("haap_gateway_pool_takes_total{result=\"hit\"}"), "every connection looked in the pool");
        // Refilled, and never above the pool max, on either side.
        await().atMost(T).until(() -> gwMetric("haap_gateway_pool_connections") >= POOL_MIN);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> gwMetric("haap_gateway_pool_connections") <= POOL_MAX
                        && apMetric("haap_ap_pool_connections") <= POOL_MAX);
        // Only the pooled connections are left open on the AP: nothing half-open from the burst.
        await().atMost(T).until(() -> apMetric("haap_ap_sessions_active") <= POOL_MAX);
    }

    @Test
    @Order(3)
    void stoppingTheGatewayLeavesNoPooledOrHalfOpenConnectionOnTheAp() throws Exception {
        gateway.destroy();
        assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "gateway did not stop on SIGTERM");
        await().atMost(T).until(() -> apMetric("haap_ap_pool_connections") == 0.0);
        await().atMost(T).until(() -> apMetric("haap_ap_sessions_active") == 0.0);
        String sockets = ap.exec("ss", "-Htn", "state", "established", "sport", "= :5124");
        assertEquals("", sockets.strip(), "established connections left on the AP");
    }

    // --- helpers

    private static void exchange(int seed) throws Exception {
        byte[] data = new byte[4 * 1024 + seed];
        new Random(seed).nextBytes(data);
        try (Socket s = lan.call(() -> {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("198.18.1.2", ECHO_PORT), 10_000);
            return socket;
        })) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(data);
            assertArrayEquals(data, s.getInputStream().readNBytes(data.length), "echo of connection " + seed);
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read(), "end of stream after the echo");
        }
    }

    private static double apAccepted() {
        String text = ap.exec("curl", "-sf", "http://127.0.0.1:9124/metrics");
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("haap_ap_connections_accepted_total")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static double gwMetric(String sample) {
        return metric(gw.exec("curl", "-sf", "http://127.0.0.1:9125/metrics"), sample);
    }

    private static double apMetric(String sample) {
        return metric(ap.exec("curl", "-sf", "http://127.0.0.1:9124/metrics"), sample);
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
                }, "haapt-pool-echo-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
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
}
