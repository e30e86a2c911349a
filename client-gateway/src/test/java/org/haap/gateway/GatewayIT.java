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
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The gateway end to end on a real kernel: namespaces lan (an unmodified client) → gw (the
 * gateway process, TPROXY, two WAN links {@code wa}/{@code wb} with their own source
 * addresses and policy routing tables) → ap (the real aggregation point process) → srv (an
 * echo server on 198.18.1.2 / 2001:db8:1::2, addresses the AP's default deny list allows).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {

    private static final int ECHO_PORT = 7007;
    private static final int CLOSED_PORT = 7009;
    private static final int BYTES = 8 * 1024 * 1024;

    private static Netns lan;
    private static Netns gw;
    private static Netns ap;
    private static Netns srv;
    private static Path dir;
    private static Path gwLog;
    private static ServerSocket echo;

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
        // TPROXY: what deploy/nftables/haap-gateway.nft and haap-tproxy-routes.* install.
        // TODO: load deploy/nftables/haap-gateway.nft once it is in main.
        Path nft = dir.resolve("tproxy.nft");
        Files.writeString(nft, """
                table inet haap {
                    chain prerouting {
                        type filter hook prerouting priority mangle; policy accept;
                        iifname != "lan0" return
                        meta l4proto != tcp return
                        fib daddr type local return
                        ip daddr 198.18.0.1 return
                        socket transparent 1 meta mark set 0x1 accept
                        meta l4proto tcp tproxy ip to :15124 meta mark set 0x1 accept
                        meta l4proto tcp tproxy ip6 to :15124 meta mark set 0x1 accept
                    }
                }
                """);
        gw.exec("nft", "-f", nft.toString());
        gw.ip("rule", "add", "fwmark", "0x1", "lookup", "100", "pref", "100");
        gw.ip("route", "add", "local", "0.0.0.0/0", "dev", "lo", "table", "100");
        gw.ip("-6", "rule", "add", "fwmark", "0x1", "lookup", "100", "pref", "100");
        gw.ip("-6", "route", "add", "local", "::/0", "dev", "lo", "table", "100");

        ap.ip("addr", "add", "198.18.0.1/32", "dev", "lo");
        Veth.link(ap, "srv0", "198.18.1.1/24", srv, "eth0", "198.18.1.2/24");
        Veth.addAddress(ap, "srv0", "2001:db8:1::1/64");
        Veth.addAddress(srv, "eth0", "2001:db8:1::2/64");
        srv.route("default", "via", "198.18.1.1");
        srv.ip("-6", "route", "add", "default", "via", "2001:db8:1::1");
        ap.exec("ip", "mptcp", "limits", "set", "subflows", "4", "add_addr_accepted", "4");

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
                }
                """);
        Path apLog = dir.resolve("ap.log");
        ap.start(java("org.haap.ap.Main", "--config", apConf.toString()), apLog);
        awaitLog(apLog, "listening on");

        Path gwConf = writeGatewayConfig("gateway.conf", true);
        gwLog = dir.resolve("gateway.log");
        gw.start(java("org.haap.gateway.Main", "--config", gwConf.toString()), gwLog);
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
        assertTrue(wa > 256 * 1024 && wb > 256 * 1024, "upstream bytes per WAN: wa=" + wa + " wb=" + wb);
        assertTrue(waDown > 256 * 1024 && wbDown > 256 * 1024,
                "downstream bytes per WAN: wa=" + waDown + " wb=" + wbDown);
        String endpoints = gw.exec("ip", "mptcp", "endpoint", "show");
        assertTrue(endpoints.contains("10.2.0.1") && endpoints.contains("subflow") && endpoints.contains("dev wb"),
                endpoints);
        assertEquals("0", gw.exec("cat", "/proc/sys/net/mptcp/blackhole_timeout").trim());
    }

    @Test
    @Order(2)
    void refusedPortResetsTheLanClient() throws Exception {
        try (SocketChannel ch = lan.call(() -> SocketChannel.open(new InetSocketAddress("198.18.1.2", CLOSED_PORT)))) {
            ch.socket().setSoTimeout(10_000);
            ch.write(ByteBuffer.wrap("hello".getBytes()));
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

    @Test
    @Order(3)
    void ipv6ClientReachesIpv6Server() throws Exception {
        exchange(new InetSocketAddress("2001:db8:1::2", ECHO_PORT));
    }

    @Test
    @Order(4)
    void sysctlCheckRefusesToStartWhenBlackholeTimeoutDiffers() throws Exception {
        try (Netns check = Netns.create("gwchk")) {
            check.sysctl("net.mptcp.blackhole_timeout", "3600");
            Path conf = writeGatewayConfig("check.conf", false);
            Path log = dir.resolve("check.log");
            Process p = check.start(java("org.haap.gateway.Main", "--config", conf.toString()), log);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gateway did not exit");
            String out = Files.readString(log);
            assertEquals(78, p.exitValue(), out);
            assertTrue(out.contains("net.mptcp.blackhole_timeout is 3600, expected 0"), out);
        }
    }

    @Test
    @Order(5)
    void deadPrimaryWanNewConnectionsUseTheSecond() throws Exception {
        ap.ip("link", "set", "wa-ap", "down");
        try {
            exchange(new InetSocketAddress("198.18.1.2", ECHO_PORT));
            exchange(new InetSocketAddress("198.18.1.2", ECHO_PORT));
        } finally {
            ap.ip("link", "set", "wa-ap", "up");
        }
    }

    // --- helpers

    /** Writes 8 MiB of random bytes and reads the echo concurrently; the SHA-256s must match. */
    private static void exchange(InetSocketAddress server) throws Exception {
        byte[] data = new byte[BYTES];
        new Random(server.hashCode()).nextBytes(data);
        try (SocketChannel ch = lan.call(() -> SocketChannel.open(server))) {
            ch.socket().setSoTimeout(30_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    ch.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            var in = ch.socket().getInputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.update(buf, 0, n);
                total += n;
            }
            writer.get(30, TimeUnit.SECONDS);
            assertEquals(BYTES, total);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), got.digest());
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
                  wan = [
                    { name = wa, interface = wa, source = "10.1.0.1", table = 101 }
                    { name = wb, interface = wb, source = "10.2.0.1", table = 102 }
                  ]
                  robe.mode = classic
                  path-manager { mode = kernel, policy = fullmesh }
                  timeouts { connect = 2s, convert-reply = 5s }
                  metrics.enabled = false
                  event-loops = 2
                  sysctl.manage = %s
                }
                """.formatted(manage));
        return conf;
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
