package org.haap.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haap.core.testing.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway against an aggregation-point cluster node on a real kernel: the AP process in
 * namespace ap runs with {@code cluster.enabled}, listening on the shared address 198.18.0.1
 * and announcing its node address 198.18.2.1 (MP_CAPABLE C flag set); the gateway has two
 * WANs, {@code wa} and {@code wb}. For each path-manager mode (userspace with fullmesh,
 * kernel with its endpoints), every connection gets one subflow per WAN on the node: the
 * initial one to the shared address, the other to the node address; and no MP_JOIN ever
 * reaches the shared address (an nft counter of MP_JOIN SYNs by destination in the AP's
 * namespace, with one for the node address as the positive control). A node that may only
 * check its set-up refuses to start when it differs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class GatewayClusterIT {

    private static final String SHARED = "198.18.0.1";
    private static final String NODE = "198.18.2.1";
    private static final int CONNECTIONS = 6;
    /** One subflow line of {@code ss -tniH}, then its info line with the MPTCP subflow's tokens. */
    private static final Pattern TOKEN = Pattern.compile("tcp-ulp-mptcp flags:\\S* token:\\S+/([0-9a-f]+)\\(id:\\d+\\)");

    private static GatewayItFixture bed;
    private static Process ap;

    @BeforeAll
    static void setUp() throws Exception {
        bed = GatewayItFixture.create("gcl");
        bed.ap.ip("addr", "add", NODE + "/32", "dev", "lo");
        bed.ap.exec("nft", "-f", bed.writeFile("joins.nft", """
                table inet haapt_joins {
                  counter to_shared {}
                  counter to_node {}
                  chain input {
                    type filter hook input priority 0;
                    tcp flags & (syn | ack) == syn tcp option mptcp subtype 1 ip daddr %s counter name to_shared
                    tcp flags & (syn | ack) == syn tcp option mptcp subtype 1 ip daddr %s counter name to_node
                  }
                }
                """.formatted(SHARED, NODE)).toString());
        ap = bed.startAp("cluster { enabled = true, node-address = \"" + NODE + "\", subflows-limit = 4 }");
    }

    @AfterEach
    void stopGateway() throws Exception {
        Process gateway = bed.gateway();
        if (gateway != null) {
            gateway.destroy();
            assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "gateway did not stop");
            await().atMost(Duration.ofSeconds(20)).until(() -> subflowsByConnection().isEmpty());
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    @Order(1)
    void theNodeSetsTheCFlagAnnouncesItsAddressAndListensOnIt() {
        assertEquals("0", bed.ap.exec("cat", "/proc/sys/net/mptcp/allow_join_initial_addr_port").strip());
        String endpoints = bed.ap.exec("ip", "mptcp", "endpoint", "show");
        assertTrue(endpoints.contains(NODE) && endpoints.contains("signal"), endpoints);
        assertTrue(bed.ap.exec("ip", "mptcp", "limits", "show").contains("subflows 4"));
        assertTrue(bed.ap.exec("ss", "-tlnH").contains(NODE + ":5124"), "a listener for joins to the node address");
    }

    @Test
    @Order(2)
    void userspacePathManagerJoinsTheNodeAddressOverTheOtherWan() throws Exception {
        runConnections("path-manager { mode = userspace, policy = fullmesh }");
    }

    @Test
    @Order(3)
    void kernelPathManagerJoinsTheNodeAddressOverTheOtherWan() throws Exception {
        runConnections("path-manager { mode = kernel, policy = fullmesh }");
    }

    @Test
    @Order(4)
    void noJoinEverReachedTheSharedAddressAndTheNodeWithdrawsItsEndpointWhenItStops() throws Exception {
        String counters = bed.ap.exec("nft", "list", "counters", "table", "inet", "haapt_joins");
        assertEquals(0, packets(counters, "to_shared"), counters);
        assertTrue(packets(counters, "to_node") >= 2 * CONNECTIONS, counters);
        ap.destroy();
        assertTrue(ap.waitFor(60, TimeUnit.SECONDS), "the AP did not stop");
        assertEquals("", bed.ap.exec("ip", "mptcp", "endpoint", "show").strip(), "the endpoint the AP added");
    }

    @Test
    @Order(5)
    void aNodeThatMayOnlyCheckRefusesToStartNamingWhatDiffers() throws Exception {
        try (Netns check = Netns.create("apchk")) {
            java.nio.file.Path conf = bed.writeFile("check.conf", """
                    haap.aggregation-point {
                      listen = ["127.0.0.1:5124"]
                      metrics.enabled = false
                      cluster { enabled = true, node-address = "%s", manage = false, subflows-limit = 3 }
                    }
                    """.formatted(NODE));
            java.nio.file.Path log = bed.file("check.log");
            Process p = check.start(GatewayItFixture.java("org.haap.ap.Main", "--config", conf.toString()), log);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the AP did not exit");
            String out = java.nio.file.Files.readString(log);
            assertEquals(71, p.exitValue(), out);
            assertTrue(out.contains("net.mptcp.allow_join_initial_addr_port is 1, expected 0")
                    && out.contains("no MPTCP signal endpoint for " + NODE)
                    && out.contains("haap.aggregation-point.cluster.manage = true"), out);
            assertEquals("1", check.exec("cat", "/proc/sys/net/mptcp/allow_join_initial_addr_port").strip(),
                    "checking changes nothing");
        }
    }

    /**
     * Behind a balancer that rewrites the shared address to the node's own (kube-proxy does,
     * here an nft DNAT in the AP's namespace), the kernel announces no address the first
     * subflow already uses: with {@code node-port} the node announces its address with a port
     * of its own, the kernel accepts the joins there, and every connection gets its second
     * subflow on the node; no join is addressed to the shared address.
     */
    @Test
    @Order(6)
    void behindADnatToTheNodeAddressTheNodeAnnouncesAPortAndTheJoinsReachIt() throws Exception {
        bed.ap.exec("nft", "-f", bed.writeFile("lb.nft", """
                table ip haapt_lb {
                  counter join_to_shared {}
                  counter join_to_node_port {}
                  chain pre {
                    type nat hook prerouting priority -100;
                    tcp flags & (syn | ack) == syn tcp option mptcp subtype 1 ip daddr %s counter name join_to_shared
                    tcp flags & (syn | ack) == syn tcp option mptcp subtype 1 ip daddr %s tcp dport 5125 counter name join_to_node_port
                    ip daddr %s tcp dport 5124 dnat to %s
                  }
                }
                """.formatted(SHARED, NODE, SHARED, NODE)).toString());
        try {
            ap = bed.startAp("""
                    listen = ["0.0.0.0:5124"]
                    cluster { enabled = true, node-address = "%s", node-port = 5125, subflows-limit = 4 }
                    """.formatted(NODE));
            assertTrue(bed.ap.exec("ip", "mptcp", "endpoint", "show").contains(NODE + " port 5125"),
                    bed.ap.exec("ip", "mptcp", "endpoint", "show"));
            runConnections("path-manager { mode = userspace, policy = fullmesh }", NODE + ":5124 ", NODE + ":5125 ");
            String counters = bed.ap.exec("nft", "list", "counters", "table", "ip", "haapt_lb");
            assertEquals(0, packets(counters, "join_to_shared"), counters);
            assertTrue(packets(counters, "join_to_node_port") >= CONNECTIONS, counters);
            ap.destroy();
            assertTrue(ap.waitFor(60, TimeUnit.SECONDS), "the AP did not stop");
            assertEquals("", bed.ap.exec("ip", "mptcp", "endpoint", "show").strip(), "the endpoint the AP added");
        } finally {
            bed.ap.exec("nft", "delete", "table", "ip", "haapt_lb");
        }
    }

    /**
     * Starts the gateway with {@code pathManager}, holds {@value #CONNECTIONS} LAN connections
     * open through it and checks each one's subflows on the AP node.
     */
    private static void runConnections(String pathManager) throws Exception {
        runConnections(pathManager, SHARED + ":5124 ", NODE + ":5124 ");
    }

    /**
     * As {@link #runConnections(String)}; on the AP each connection's initial subflow has the
     * local address {@code initial} ("address:port ") and its join {@code join}.
     */
    private static void runConnections(String pathManager, String initial, String join) throws Exception {
        bed.startGateway(bed.writeFile("gateway.conf", GatewayItFixture.gatewayConfig("""
                  listen = ["0.0.0.0:15124"]
                  robe.mode = timer
                  %s
                """.formatted(pathManager))));
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket s = bed.lan.call(() -> {
                    Socket socket = new Socket();
                    socket.connect(GatewayItFixture.ECHO, 10_000);
                    return socket;
                });
                open.add(s);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(i);
                assertEquals(i, s.getInputStream().read(), "echo of connection " + i);
            }
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, List<String>> byConnection = subflowsByConnection();
                return byConnection.size() == CONNECTIONS && byConnection.values().stream().allMatch(s -> s.size() == 2);
            });
            Map<String, List<String>> byConnection = subflowsByConnection();
            for (Map.Entry<String, List<String>> c : byConnection.entrySet()) {
                List<String> subflows = c.getValue();
                assertEquals(1, subflows.stream().filter(s -> s.startsWith(initial)).count(),
                        () -> "connection " + c.getKey() + ": one subflow, the initial one, at " + initial + subflows);
                assertEquals(1, subflows.stream().filter(s -> s.startsWith(join)).count(),
                        () -> "connection " + c.getKey() + ": the other one at " + join + subflows);
                assertEquals(Set.of("10.1.0.1", "10.2.0.1"), Set.copyOf(subflows.stream()
                        .map(s -> s.split(" ")[1].split(":")[0]).toList()),
                        () -> "connection " + c.getKey() + ": one subflow per WAN: " + subflows);
            }
            System.out.println(pathManager + ": " + byConnection);
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    /** The AP's established MPTCP subflows on port 5124 as "local peer", by connection (local token). */
    private static Map<String, List<String>> subflowsByConnection() {
        String[] lines = bed.ap.exec("ss", "-tniH", "state", "established", "( sport = :5124 or sport = :5125 )")
                .split("\n");
        Map<String, List<String>> out = new TreeMap<>();
        for (int i = 0; i + 1 < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 4 || lines[i].startsWith("\t") || !(f[2].endsWith(":5124") || f[2].endsWith(":5125"))) {
                continue;
            }
            Matcher m = TOKEN.matcher(lines[i + 1]);
            out.computeIfAbsent(m.find() ? m.group(1) : "not-mptcp", k -> new ArrayList<>()).add(f[2] + ' ' + f[3]);
        }
        return out;
    }

    private static long packets(String counters, String name) {
        Matcher m = Pattern.compile("counter " + name + " \\{\\s*packets (\\d+)").matcher(counters);
        assertTrue(m.find(), counters);
        return Long.parseLong(m.group(1));
    }
}
