package org.haap.deploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.haap.core.sys.NetworkNamespace;
import org.haap.deploy.demo.DemoConfigs;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.BalancerRules;
import org.haap.deploy.testbed.HaapApp;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.ScaleOut;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.junit.jupiter.api.Test;

/**
 * The {@code scale-out} topology on the real kernel: two AP nodes in cluster mode behind the
 * balancer, the gateway in fullmesh (userspace path manager, 0-RTT off: with it on, a TCP
 * Fast Open cookie of one node fails on the other and the connection falls back to plain
 * TCP, see docs/scale-out.md). Twenty LAN connections held open: both nodes get some, each
 * is MPTCP with a DSL and an LTE subflow on its node, no MP_JOIN reaches the shared
 * address. Then node 1 gets SIGKILL: the balancer takes it out within a second and a new
 * connection succeeds. Private namespaces ({@code haapt-XXXX-*}); about 40 s.
 */
class ScaleOutIT {

    private static final int PORT = 8080;
    private static final int CONNECTIONS = 20;
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void connectionsSpreadOverTheNodesWithBothSubflowsOnTheirNodeAndAKilledNodeLeavesTheSet() throws Exception {
        E2ePrerequisites.requirePair();
        String prefix = "haapt-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2)) + "-";
        Testbed tb = Testbed.withPrefix(prefix);
        Path dir = null;
        FileHttpServer http = null;
        ScaleOut so = null;
        Process gateway = null;
        List<SocketChannel> open = new ArrayList<>();
        try {
            tb.up(Profile.DEFAULT);
            dir = Files.createDirectories(tb.runDir().resolve(prefix + "scale-out-it"));
            http = new FileHttpServer(tb.namespace(Node.SERVER), new InetSocketAddress("::", PORT),
                    TestFiles.random(dir.resolve("small.bin"), 4096, 3));
            so = ScaleOut.up(tb, 2, BalancerRules.Pick.RANDOM, line -> { });
            for (int i = 1; i <= 2; i++) {
                so.startNode(i, ScaleOut.apConfig(i, DemoConfigs.aggregationPoint(), ""));
            }
            so.awaitSet(List.of("ap1", "ap2"), Duration.ofSeconds(20));
            Path conf = Files.writeString(dir.resolve("gateway.conf"), DemoConfigs.gateway()
                    + "\nhaap.gateway.path-manager { mode = userspace, policy = fullmesh }\n"
                    + "haap.gateway.robe.fast-open.enabled = false\n");
            gateway = tb.startHaap(HaapApp.GATEWAY, Node.CPE, tb.logFile(Node.CPE, "scale-out-it-gateway"), conf, START);

            InetSocketAddress server = new InetSocketAddress(AddressPlan.SERVER, PORT);
            for (int k = 0; k < CONNECTIONS; k++) {
                SocketChannel ch = NetworkNamespace.call(tb.namespace(Node.CLIENT), SocketChannel::open);
                open.add(ch);
                ch.socket().connect(server, 10_000);
            }
            ScaleOut bed = so;
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                    bed.connections(1).size() + bed.connections(2).size() == CONNECTIONS
                            && bed.connections(1).stream().allMatch(c -> c.subflows().size() == 2)
                            && bed.connections(2).stream().allMatch(c -> c.subflows().size() == 2));
            for (int i = 1; i <= 2; i++) {
                List<ScaleOut.NodeConnection> cs = so.connections(i);
                assertTrue(!cs.isEmpty(), "node " + i + " got no connection of " + CONNECTIONS);
                for (ScaleOut.NodeConnection c : cs) {
                    assertTrue(c.mptcp(), "fell back to TCP: " + c.token());
                    List<String> peers = c.subflows().stream().map(s -> s[1]).sorted().toList();
                    assertEquals(List.of(Wan.DSL.cpeAddress(), Wan.LTE.cpeAddress()), peers, c.token());
                    for (String[] s : c.subflows()) {
                        assertEquals(i, so.nodeOf(s[0]), "subflow " + s[0] + " on node " + i);
                    }
                }
            }
            Map<String, Long> joins = so.joinCounts();
            assertEquals(0L, joins.get("shared"), joins.toString());
            assertTrue(joins.get("ap1") + joins.get("ap2") >= CONNECTIONS, joins.toString());
            for (SocketChannel ch : open) {
                ch.close();
            }
            open.clear();

            long killed = System.currentTimeMillis();
            so.process(1).destroyForcibly();
            ScaleOut.SetChange out = so.awaitSet(List.of("ap2"), Duration.ofSeconds(5));
            assertTrue(out.atMillis() - killed <= 1000, "the balancer took the dead node out after "
                    + (out.atMillis() - killed) + " ms");
            for (int k = 0; k < 4; k++) {
                String code = tb.exec(Node.CLIENT, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "--max-time", "5", "http://" + AddressPlan.SERVER + ":" + PORT + "/file").stdout();
                assertEquals("200", code, "a new connection after the kill");
            }
        } finally {
            for (SocketChannel ch : open) {
                ch.close();
            }
            Testbed.stop(gateway, Duration.ofSeconds(10));
            if (so != null) {
                so.close();
            }
            if (http != null) {
                http.close();
            }
            tb.down();
            if (dir != null) {
                TestFiles.deleteDirectory(dir);
            }
        }
        assertTrue(tb.status().isEmpty(), () -> "left behind: " + tb.status());
    }
}
