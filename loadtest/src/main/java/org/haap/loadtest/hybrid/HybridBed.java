package org.haap.loadtest.hybrid;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.LinkSpec;
import org.haap.deploy.testbed.HaapApp;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.TestbedException;
import org.haap.deploy.testbed.Wan;
import org.haap.deploy.testbed.WanCounters;
import org.haap.loadtest.ScenarioContext;

/**
 * The set-up of the RobE scenarios: a private testbed ({@code haapl-XXXX-*}, random suffix)
 * with a profile, extra server addresses in the server namespace with an
 * {@link ObjectServer} on all of them, the aggregation point (started once) and a client
 * gateway that is restarted for each {@link GatewayMode}. Everything is registered with the
 * scenario's teardown list.
 */
public final class HybridBed {

    /** The server net: the AP may relay to any address in it. */
    public static final String SERVER_NET = "198.18.100.0/24";
    /** The object server's port on every server address. */
    public static final int SERVER_PORT = 8080;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Testbed testbed;
    private final Profile profile;
    private final List<InetSocketAddress> servers;
    private final ScenarioContext ctx;
    private Process gateway;
    private GatewayMode gatewayMode;

    private HybridBed(Testbed testbed, Profile profile, List<InetSocketAddress> servers, ScenarioContext ctx) {
        this.testbed = testbed;
        this.profile = profile;
        this.servers = servers;
        this.ctx = ctx;
    }

    /** The server addresses: the testbed's server, then 198.18.100.11, .12, ... */
    public static List<String> serverAddresses(int hosts) {
        if (hosts < 1 || hosts > 100) {
            throw new IllegalArgumentException("hosts: " + hosts + " (expected: 1..100)");
        }
        List<String> out = new ArrayList<>();
        out.add(AddressPlan.SERVER);
        for (int i = 1; i < hosts; i++) {
            out.add("198.18.100." + (10 + i));
        }
        return out;
    }

    /**
     * Brings up a private testbed with {@code profile}, {@code hosts} server addresses with
     * the object server, and the AP. No gateway runs yet.
     */
    public static HybridBed up(ScenarioContext ctx, Profile profile, int hosts) throws Exception {
        return up(ctx, profile, hosts, tb -> { });
    }

    /**
     * {@link #up(ScenarioContext, Profile, int)}, with {@code prepare} run on the testbed
     * once it is up, before anything starts in it (e.g. to set its congestion control).
     */
    public static HybridBed up(ScenarioContext ctx, Profile profile, int hosts,
                               java.util.function.Consumer<Testbed> prepare) throws Exception {
        String prefix = "haapl-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2)) + "-";
        Testbed tb = Testbed.withPrefix(prefix);
        ctx.teardown().add("testbed " + prefix + "* down", tb::down);
        ctx.progress("bringing up testbed " + prefix + "* (profile " + profile.name() + ")");
        tb.up(profile, line -> { });
        prepare.accept(tb);
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String a : serverAddresses(hosts)) {
            if (!a.equals(AddressPlan.SERVER)) {
                tb.exec(Node.SERVER, "ip", "addr", "add", a + "/24", "dev", "eth0").check();
            }
            servers.add(new InetSocketAddress(a, SERVER_PORT));
        }
        ObjectServer server = ObjectServer.start(tb.namespace(Node.SERVER), SERVER_PORT);
        ctx.teardown().add("object server", server::close);
        HybridBed bed = new HybridBed(tb, profile, List.copyOf(servers), ctx);
        ctx.teardown().add("gateway", bed::stopGateway);
        ctx.progress("starting the aggregation point (shipped JVM options)");
        Path conf = bed.writeConfig("ap", HybridConfigs.aggregationPoint());
        // the product as shipped, JVM options included (the AP's C2 and G1, the gateway's C1)
        Process ap = tb.startShippedHaap(HaapApp.AGGREGATION_POINT, Node.AP, tb.logFile(Node.AP, "aggregation-point"),
                conf, START_TIMEOUT);
        ctx.teardown().add("aggregation point", () -> Testbed.stop(ap, STOP_GRACE));
        return bed;
    }

    /** The testbed. */
    public Testbed testbed() {
        return testbed;
    }

    /** The profile the testbed was brought up with. */
    public Profile profile() {
        return profile;
    }

    /** The LAN client's namespace, where every measured connection starts. */
    public String clientNamespace() {
        return testbed.namespace(Node.CLIENT);
    }

    /** The object server's addresses, one per host. */
    public List<InetSocketAddress> servers() {
        return servers;
    }

    /** The round-trip time each WAN adds in the profile, in ms, by WAN name. */
    public Map<String, Object> rttMs() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Wan w : Wan.values()) {
            m.put(w.interfaceName(), profile.link(w).rttMs());
        }
        return m;
    }

    /**
     * {@code base}, or with {@code rateMbit > 0} both its WANs shaped to {@code rateMbit}
     * Mbit/s and their delays, losses and default route kept: the same page and RTTs on
     * faster or slower links ({@code --rate}).
     */
    public static Profile atRate(Profile base, int rateMbit) {
        if (rateMbit == 0) {
            return base;
        }
        return base.withLink(Wan.DSL, atRate(base.dsl(), rateMbit)).withLink(Wan.LTE, atRate(base.lte(), rateMbit));
    }

    private static LinkSpec atRate(LinkSpec link, int rateMbit) {
        return new LinkSpec(rateMbit, link.oneWayDelayMs(), link.lossPct(), link.synLossPct());
    }

    /** Each WAN's shaped rate in Mbit/s in {@code profile}, by WAN name. */
    public static Map<String, Object> rates(Profile profile) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(Wan.DSL.interfaceName(), profile.dsl().rateMbit());
        m.put(Wan.LTE.interfaceName(), profile.lte().rateMbit());
        return m;
    }

    /** The CPE's byte counters of each WAN interface now. */
    public Map<Wan, WanCounters> wanCounters() {
        Map<Wan, WanCounters> m = new LinkedHashMap<>();
        for (Wan w : List.of(Wan.DSL, Wan.LTE)) {
            m.put(w, testbed.wanBytes(w));
        }
        return m;
    }

    /**
     * Sets the bed up for {@code mode}: through the gateway, the CPE's default route as in
     * the profile and the gateway (re)started in the mode (a fresh JVM); direct, no gateway
     * running (LAN TCP takes the CPE's route-only path with masquerading) and the CPE's
     * default route on the mode's WAN. Modes may follow each other in any order.
     */
    public void use(LoadMode mode) throws IOException {
        if (mode.gateway() != null) {
            ctx.progress("mode " + mode + ": starting the gateway");
            setDefaultRoute(profile.defaultWan());
            startGateway(mode.gateway());
        } else {
            ctx.progress("mode " + mode + ": no gateway, default route via " + mode.direct().interfaceName());
            stopGateway();
            setDefaultRoute(mode.direct());
        }
    }

    /**
     * How long a page-load scenario waits after a load in {@code mode}: its connections
     * close and, with the warm pool, the pool refills (a page is "read" between loads).
     */
    public static Duration pauseAfterLoad(LoadMode mode) {
        return mode.pool() ? Duration.ofSeconds(1) : Duration.ofMillis(500);
    }

    /** Stops the gateway and puts the profile's default route back. */
    public void useNone() {
        stopGateway();
        setDefaultRoute(profile.defaultWan());
    }

    /**
     * (Re)starts the gateway with {@code mode}; its preferred WAN is the profile's default
     * WAN. Returns once it listens.
     */
    public synchronized void startGateway(GatewayMode mode) throws IOException {
        startGateway("gateway-" + mode.label().replace('+', '-').replace(':', '-'), HybridConfigs.gateway(mode, profile.defaultWan()));
        gatewayMode = mode;
    }

    /**
     * (Re)starts the gateway with the configuration text {@code config}; its config file
     * and log are named after {@code name} ({@code [a-z0-9-]+}). Returns the log file once
     * the gateway listens. {@link #gatewayMode()} is {@code null} for such a gateway.
     */
    public synchronized Path startGateway(String name, String config) throws IOException {
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("name: " + name + " (expected: [a-z0-9-]+)");
        }
        stopGateway();
        Path conf = writeConfig(name, config);
        Path log = testbed.logFile(Node.CPE, name);
        gateway = testbed.startShippedHaap(HaapApp.GATEWAY, Node.CPE, log, conf, START_TIMEOUT);
        gatewayMode = null;
        return log;
    }

    /** The mode of the running gateway, or {@code null} when none runs. */
    public synchronized GatewayMode gatewayMode() {
        return gateway == null ? null : gatewayMode;
    }

    /** Stops the gateway if one runs; LAN TCP then takes the CPE's route-only path. */
    public synchronized void stopGateway() {
        if (gateway != null) {
            Testbed.stop(gateway, STOP_GRACE);
            gateway = null;
            gatewayMode = null;
        }
    }

    /**
     * The running gateway's warm-pool hits so far ({@code haap_gateway_pool_takes_total{result="hit"}}),
     * or -1 when it cannot be read (no gateway, no pool, metrics unreachable).
     */
    public long gatewayPoolHits() {
        try {
            String text = testbed.exec(Node.CPE, "curl", "-s", "--max-time", "5",
                    "http://127.0.0.1:" + org.haap.deploy.demo.DemoConfigs.GATEWAY_METRICS_PORT + "/metrics").stdout();
            String key = "haap_gateway_pool_takes_total{result=\"hit\"} ";
            for (String line : text.split("\n")) {
                if (line.startsWith(key)) {
                    return (long) Double.parseDouble(line.substring(key.length()).trim());
                }
            }
        } catch (RuntimeException e) {
            // reported as unknown
        }
        return -1;
    }

    /** Sets the SYN loss of {@code wan} (the rest of its link spec as in the profile). */
    public void setSynLoss(Wan wan, int pct) {
        LinkSpec spec = profile.link(wan).withSynLoss(pct);
        testbed.setLink(wan, spec);
    }

    /** Points the CPE's main-table IPv4 default route at {@code wan}. */
    public void setDefaultRoute(Wan wan) {
        testbed.exec(Node.CPE, "ip", "route", "replace", "default", "via", wan.routerAddress(),
                "dev", wan.interfaceName()).check();
    }

    private Path writeConfig(String name, String text) throws IOException {
        Files.createDirectories(testbed.runDir());
        Path p = testbed.runDir().resolve(testbed.prefix() + name + ".conf");
        Files.writeString(p, text, StandardCharsets.UTF_8);
        ctx.teardown().add("config " + p.getFileName(), () -> Files.deleteIfExists(p));
        return p;
    }
}
