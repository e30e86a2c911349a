package org.haap.loadtest.cost;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.haap.deploy.demo.DemoConfigs;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.HaapApp;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.TestbedException;
import org.haap.deploy.testbed.Wan;
import org.haap.loadtest.ProcessProbe;
import org.haap.loadtest.ScenarioContext;

/**
 * The cost scenarios' set-up: a private testbed ({@code haapl-XXXX-*}) with profile
 * {@code fast} (no shaping, no delay), a {@link CostServer} in the server namespace, and
 * the three {@link Route}s at once:
 * <ul>
 *   <li>HAAP: the gateway in the CPE namespace and the AP in the AP namespace, each started
 *       with the JVM options the product ships for its role ({@code deploy/jvm/}) and a
 *       configuration that sets only what a deployment must (addresses, WANs, the allowed
 *       destinations) plus {@code limits.max-sessions-per-client} sized for the run, since
 *       one gateway stands for many homes here; everything else is the product's default;</li>
 *   <li>HAProxy: the {@link HaproxyPair}, with an nftables REDIRECT in the CPE;</li>
 *   <li>kernel: the CPE routes and source-NATs the connection.</li>
 * </ul>
 * The CPE's TPROXY chain returns early for the kernel and HAProxy ports. The client, CPE and
 * AP namespaces get the full ephemeral port range and {@code tcp_tw_reuse}, so that tens of
 * thousands of short connections a minute do not run out of ports on any route.
 */
public final class PairBed {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final Testbed testbed;
    private final ScenarioContext ctx;
    private final Map<Route, ProcessProbe> cpeSide = new EnumMap<>(Route.class);
    private final Map<Route, ProcessProbe> apSide = new EnumMap<>(Route.class);

    private PairBed(Testbed testbed, ScenarioContext ctx) {
        this.testbed = testbed;
        this.ctx = ctx;
    }

    /** The AP's configuration for a run of at most {@code maxConnections} at once. */
    static String apConfig(int maxConnections) {
        return "haap.aggregation-point {\n"
                + "  listen = [\"" + AddressPlan.AP + ":" + AddressPlan.AP_PORT + "\"]\n"
                + "  destinations.allow = [\"" + AddressPlan.SERVER + "/32\"]\n"
                + "  limits.max-sessions = " + Math.max(10000, maxConnections + 100) + "\n"
                + "  limits.max-sessions-per-client = " + Math.max(1000, maxConnections + 100) + "\n"
                + "  metrics.listen = \"127.0.0.1:" + DemoConfigs.AP_METRICS_PORT + "\"\n"
                + "}\n";
    }

    /** The gateway's configuration: its listeners, the AP, both WANs, metrics. */
    static String gatewayConfig() {
        StringBuilder b = new StringBuilder("haap.gateway {\n");
        b.append("  listen = [\"0.0.0.0:").append(AddressPlan.GATEWAY_TPROXY_PORT).append("\"]\n");
        b.append("  aggregation-point = \"").append(AddressPlan.AP).append(':').append(AddressPlan.AP_PORT).append("\"\n");
        b.append("  wan = [\n");
        for (Wan w : Wan.values()) {
            b.append("    { name = ").append(w.interfaceName()).append(", interface = ").append(w.interfaceName())
                    .append(", source = \"").append(w.cpeAddress()).append("\", source6 = \"").append(w.cpeAddress6())
                    .append("\", table = ").append(w.table()).append(" }\n");
        }
        b.append("  ]\n");
        b.append("  metrics.listen = \"127.0.0.1:").append(DemoConfigs.GATEWAY_METRICS_PORT).append("\"\n");
        b.append("}\n");
        return b.toString();
    }

    /** The CPE's extra nftables rules: routes other than HAAP skip TPROXY; HAProxy's is redirected. */
    static String cpeRules() {
        return "insert rule inet haap prerouting tcp dport { " + Route.KERNEL.serverPort() + ", "
                + Route.HAPROXY.serverPort() + " } return\n"
                + "table ip haapl-cost\n"
                + "delete table ip haapl-cost\n"
                + "table ip haapl-cost {\n"
                + "  chain prerouting {\n"
                + "    type nat hook prerouting priority dstnat; policy accept;\n"
                + "    iifname \"lan\" tcp dport " + Route.HAPROXY.serverPort() + " redirect to :" + HaproxyPair.CPE_PORT + "\n"
                + "  }\n"
                + "}\n";
    }

    /**
     * Brings everything up for at most {@code maxConnections} connections open at once;
     * registers all of it with the context's teardown list.
     */
    public static PairBed up(ScenarioContext ctx, int maxConnections) throws Exception {
        String prefix = "haapl-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2)) + "-";
        Testbed tb = Testbed.withPrefix(prefix);
        ctx.teardown().add("testbed " + prefix + "* down", tb::down);
        ctx.progress("bringing up testbed " + prefix + "* (profile fast)");
        tb.up(Profile.FAST, line -> { });
        for (Node n : List.of(Node.CLIENT, Node.CPE, Node.AP)) {
            tb.exec(n, "sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65535",
                    "net.ipv4.tcp_tw_reuse=1").check();
        }
        List<Integer> ports = new ArrayList<>();
        for (Route r : Route.values()) {
            ports.add(r.serverPort());
        }
        CostServer server = CostServer.start(tb.namespace(Node.SERVER), ports);
        ctx.teardown().add("cost server", server::close);
        tb.loadNftRules(Node.CPE, cpeRules());

        PairBed bed = new PairBed(tb, ctx);
        ctx.progress("starting the HAAP aggregation point and gateway (shipped JVM options)");
        Process ap = tb.startShippedHaap(HaapApp.AGGREGATION_POINT, Node.AP, tb.logFile(Node.AP, "aggregation-point"),
                bed.write("aggregation-point.conf", apConfig(maxConnections)), START_TIMEOUT);
        ctx.teardown().add("aggregation point", () -> Testbed.stop(ap, STOP_GRACE));
        bed.apSide.put(Route.HAAP, ProcessProbe.ofLaunched(ap, "/java"));
        Process gw = tb.startShippedHaap(HaapApp.GATEWAY, Node.CPE, tb.logFile(Node.CPE, "gateway"),
                bed.write("gateway.conf", gatewayConfig()), START_TIMEOUT);
        ctx.teardown().add("gateway", () -> Testbed.stop(gw, STOP_GRACE));
        bed.cpeSide.put(Route.HAAP, ProcessProbe.ofLaunched(gw, "/java"));

        ctx.progress("starting the HAProxy pair (mptcpize run haproxy)");
        bed.apSide.put(Route.HAPROXY, bed.startHaproxy(Node.AP, HaproxyPair.apConfig(maxConnections),
                AddressPlan.AP, HaproxyPair.AP_PORT));
        bed.cpeSide.put(Route.HAPROXY, bed.startHaproxy(Node.CPE, HaproxyPair.cpeConfig(maxConnections),
                "0.0.0.0", HaproxyPair.CPE_PORT));
        return bed;
    }

    /** The namespace the LAN client runs in. */
    public String clientNamespace() {
        return testbed.namespace(Node.CLIENT);
    }

    /** Where a client connects to take {@code route}. */
    public InetSocketAddress target(Route route) {
        return new InetSocketAddress(AddressPlan.SERVER, route.serverPort());
    }

    /** The CPE-side process of a proxied route (the HAAP gateway, the CPE's HAProxy). */
    public ProcessProbe cpeProcess(Route route) {
        return Optional.ofNullable(cpeSide.get(route)).orElseThrow(() -> new IllegalArgumentException(route + ": no proxy"));
    }

    /** The AP-side process of a proxied route (the HAAP AP, the AP's HAProxy). */
    public ProcessProbe apProcess(Route route) {
        return Optional.ofNullable(apSide.get(route)).orElseThrow(() -> new IllegalArgumentException(route + ": no proxy"));
    }

    /** The testbed. */
    public Testbed testbed() {
        return testbed;
    }

    private ProcessProbe startHaproxy(Node node, String config, String address, int port)
            throws IOException, InterruptedException {
        String name = "haproxy-" + (node == Node.CPE ? "cpe" : "ap");
        Path cfg = write(name + ".cfg", config);
        Process p = testbed.start(node, testbed.logFile(node, name),
                List.of("mptcpize", "run", "haproxy", "-db", "-f", cfg.toString()));
        ctx.teardown().add(name, () -> Testbed.stop(p, STOP_GRACE));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!testbed.exec(node, "ss", "-Hltn", "sport = :" + port).stdout().contains(address + ":" + port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new TestbedException(name + (p.isAlive() ? " is not listening" : " exited with " + p.exitValue())
                        + ": " + Files.readString(testbed.logFile(node, name), StandardCharsets.UTF_8));
            }
            Thread.sleep(50); // polling a listener: there is no event to wait on
        }
        return ProcessProbe.ofLaunched(p, "/haproxy");
    }

    private Path write(String name, String text) throws IOException {
        Files.createDirectories(testbed.runDir());
        Path p = testbed.runDir().resolve(testbed.prefix() + name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        ctx.teardown().add("remove " + p.getFileName(), () -> Files.deleteIfExists(p));
        return p;
    }
}
