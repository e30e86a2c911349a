package org.haap.deploy.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.haap.deploy.testbed.internal.DeployFiles;

/**
 * The testbed topology {@code scale-out}: the testbed of a {@link Testbed} that is up, with
 * its AP namespace turned into a layer-4 load balancer for the shared address
 * ({@link AddressPlan#AP}) in front of N aggregation-point nodes, each in its own namespace
 * {@code PREFIXapI} (I = 1..N):
 *
 * <pre>
 *   dsl/lte routers ── PREFIXap (balancer, 198.18.0.1 shared) ─┬─ n1 ── PREFIXap1  endpoint 198.18.41.2, node 198.18.2.1
 *   server ───────────────────┘                                ├─ n2 ── PREFIXap2  endpoint 198.18.42.2, node 198.18.2.2
 *                                                              └─ ...
 * </pre>
 *
 * The balancer DNATs new TCP flows to the shared address and port to a node's endpoint
 * address the way kube-proxy's nftables mode does ({@link BalancerRules}), and routes each
 * node address 1:1 to its node, so MP_JOINs to an announced node address pass it as plain
 * routed traffic. {@link BalancerMain} runs in the balancer namespace and takes a node out
 * of the set when its metrics endpoint stops answering or when {@link #markDraining} marks
 * it. The nodes run the AP in cluster mode ({@link #apConfig}); an nft table in the
 * balancer counts MP_JOIN SYNs by destination ({@link #joinCounts}). The nodes share one
 * TCP Fast Open key ({@code net.ipv4.tcp_fastopen_key}), as nodes behind a balancer must:
 * with a key per node a gateway's 0-RTT SYN carries a cookie another node issued, the
 * Fast Open fails and the connection fell back to plain TCP (measured: 11 of 20). IPv4 only.
 */
public final class ScaleOut implements AutoCloseable {

    /** The largest number of nodes. */
    public static final int MAX_NODES = 9;
    /** The port of each node's metrics endpoint (on its endpoint address), which the health check reads. */
    public static final int METRICS_PORT = 9124;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Pattern CHANGE = Pattern.compile(Pattern.quote(BalancerMain.CHANGE) + "\\[([^]]*)] at (\\d+)");
    private static final Pattern TOKEN = Pattern.compile("tcp-ulp-mptcp flags:\\S* token:\\S+/([0-9a-f]+)\\(id:\\d+\\)");

    private final Testbed testbed;
    private final int nodes;
    private final Path marks;
    private final Process[] aps;
    private Process balancer;

    private ScaleOut(Testbed testbed, int nodes) {
        this.testbed = testbed;
        this.nodes = nodes;
        this.marks = testbed.runDir().resolve(testbed.prefix() + "lb-marks");
        this.aps = new Process[nodes + 1];
    }

    /**
     * Adds {@code nodes} AP node namespaces and the balancer to the testbed {@code testbed},
     * which must be up, and starts the balancer (with no node ready yet, its set is empty).
     * {@link Testbed#down()} removes all of it.
     */
    public static ScaleOut up(Testbed testbed, int nodes, BalancerRules.Pick pick, Consumer<String> progress) {
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("nodes: " + nodes + " (expected: 1.." + MAX_NODES + ")");
        }
        ScaleOut s = new ScaleOut(testbed, nodes);
        Netns lb = s.balancer();
        StringBuilder add = new StringBuilder();
        for (int i = 1; i <= nodes; i++) {
            add.append("netns add ").append(s.node(i).name()).append('\n');
        }
        progress.accept("creating node namespaces " + testbed.prefix() + "ap{1.." + nodes + "}");
        Netns.ip(List.of("-batch", "-"), add.toString());
        StringBuilder lbBatch = new StringBuilder();
        String fastOpenKey = fastOpenKey(new java.security.SecureRandom());
        for (int i = 1; i <= nodes; i++) {
            Netns n = s.node(i);
            // one TCP Fast Open key for all nodes, as behind any balancer: a cookie one node
            // issued must be valid on the others (else the gateway's 0-RTT SYN fails there)
            n.sysctl(List.of("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                    "net.ipv4.ip_forward=0", "net.ipv4.tcp_fastopen_key=" + fastOpenKey));
            n.sysctl(DeployFiles.sysctlAssignments(DeployFiles.read("sysctl/90-haap-aggregation-point.conf")));
            lbBatch.append("link add n").append(i).append(" type veth peer name lb netns ").append(n.name()).append('\n')
                    .append("addr add ").append(linkAddress(i)).append("/24 dev n").append(i).append('\n')
                    .append("link set n").append(i).append(" up\n")
                    .append("route add ").append(nodeAddress(i)).append("/32 via ").append(endpointAddress(i)).append('\n');
        }
        progress.accept("linking the balancer " + lb.name() + " to the nodes, node addresses routed 1:1");
        lb.ipBatch(lbBatch.toString());
        for (int i = 1; i <= nodes; i++) {
            s.node(i).ipBatch("link set lo up\n"
                    + "addr add " + endpointAddress(i) + "/24 dev lb\n"
                    + "link set lb up\n"
                    + "addr add " + nodeAddress(i) + "/32 dev lo\n"
                    + "route add default via " + linkAddress(i) + "\n");
        }
        lb.nft(joinCounterRules(nodes));
        try {
            Files.createDirectories(s.marks);
            for (int i = 1; i <= nodes; i++) {
                Files.deleteIfExists(s.marks.resolve(name(i) + ".draining"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("--vip", AddressPlan.AP, "--port", Integer.toString(AddressPlan.AP_PORT),
                "--marks", s.marks.toString(), "--pick", pick.name().toLowerCase(java.util.Locale.ROOT)));
        for (int i = 1; i <= nodes; i++) {
            args.add("--endpoint");
            args.add(name(i) + "=" + endpointAddress(i) + "," + METRICS_PORT);
        }
        progress.accept("starting the balancer's health check (" + pick.name().toLowerCase(java.util.Locale.ROOT) + " pick)");
        s.balancer = testbed.startService(lb, s.balancerLog(), BalancerMain.READY, START, BalancerMain.class.getName(),
                args.toArray(String[]::new));
        return s;
    }

    /** The number of nodes. */
    public int nodes() {
        return nodes;
    }

    /** The balancer's namespace (the testbed's AP namespace). */
    public Netns balancer() {
        return testbed.netns(Node.AP);
    }

    /** Node {@code i}'s namespace ({@code PREFIXapI}). */
    public Netns node(int i) {
        return testbed.netns(name(i));
    }

    /** Node {@code i}'s name: {@code apI}. */
    public static String name(int i) {
        return "ap" + i;
    }

    /** The address the balancer DNATs node {@code i}'s flows to (198.18.4I.2). */
    public static String endpointAddress(int i) {
        return AddressPlan.v4(40 + i, 2);
    }

    /** Node {@code i}'s own address, the one it announces (198.18.2.I). */
    public static String nodeAddress(int i) {
        return AddressPlan.v4(2, i);
    }

    private static String linkAddress(int i) {
        return AddressPlan.v4(40 + i, 1);
    }

    /** The node whose endpoint or node address is {@code address}, or 0. */
    public int nodeOf(String address) {
        for (int i = 1; i <= nodes; i++) {
            if (address.equals(endpointAddress(i)) || address.equals(nodeAddress(i))) {
                return i;
            }
        }
        return 0;
    }

    /**
     * Node {@code i}'s AP configuration: the demo AP's, listening on its endpoint address,
     * in cluster mode announcing its node address, metrics on the endpoint address for the
     * health check, {@code extra} appended (HOCON, e.g. {@code timeouts.drain}).
     */
    public static String apConfig(int i, String demoConfig, String extra) {
        String listen = "\"" + endpointAddress(i) + ":" + AddressPlan.AP_PORT + "\"";
        return demoConfig + "\nhaap.aggregation-point {\n"
                + "  listen = [" + listen + "]\n"
                + "  cluster { enabled = true, node-address = \"" + nodeAddress(i) + "\", subflows-limit = 4 }\n"
                + "  metrics.listen = \"" + endpointAddress(i) + ":" + METRICS_PORT + "\"\n"
                + "}\n" + extra + "\n";
    }

    /** Starts (or restarts) node {@code i}'s AP with the configuration text {@code config}; returns once it listens. */
    public synchronized Process startNode(int i, String config) {
        Path conf = testbed.runDir().resolve(node(i).name() + ".conf");
        try {
            Files.writeString(conf, config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        aps[i] = testbed.startHaap(HaapApp.AGGREGATION_POINT, node(i), testbed.logFile(node(i), "aggregation-point"),
                conf, START);
        return aps[i];
    }

    /** Node {@code i}'s AP process, or null. */
    public synchronized Process process(int i) {
        return aps[i];
    }

    /** Marks node {@code i} draining (the balancer takes it out at its next check) or clears the mark. */
    public void markDraining(int i, boolean draining) {
        Path f = marks.resolve(name(i) + ".draining");
        try {
            if (draining) {
                Files.writeString(f, "");
            } else {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The balancer's log. */
    public Path balancerLog() {
        return testbed.logFile(balancer(), "balancer");
    }

    /** One change of the balancer's set: the nodes in it, from when (epoch ms). */
    public record SetChange(List<String> endpoints, long atMillis) {
    }

    /** Every change of the balancer's set so far, oldest first. */
    public List<SetChange> setChanges() {
        List<SetChange> out = new ArrayList<>();
        Matcher m = CHANGE.matcher(Processes.readQuietly(balancerLog()));
        while (m.find()) {
            List<String> names = m.group(1).isBlank() ? List.of() : List.of(m.group(1).split(",\\s*"));
            out.add(new SetChange(names, Long.parseLong(m.group(2))));
        }
        return out;
    }

    /**
     * Waits until the balancer's set is exactly {@code names} (in node order) and returns
     * the change that made it so.
     *
     * @throws TestbedException if it is not within {@code timeout}
     */
    public SetChange awaitSet(List<String> names, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<SetChange> changes = setChanges();
            if (!changes.isEmpty() && changes.get(changes.size() - 1).endpoints().equals(names)) {
                return changes.get(changes.size() - 1);
            }
            if (System.nanoTime() > deadline || balancer == null || !balancer.isAlive()) {
                throw new TestbedException("balancer set is not " + names + " after " + timeout.toSeconds() + " s: "
                        + (changes.isEmpty() ? "no set yet" : changes.get(changes.size() - 1)));
            }
            sleep(20); // polling the balancer's log: there is no event to wait on
        }
    }

    /** The names of nodes 1..N in order, without {@code except} (0: none). */
    public List<String> allBut(int except) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            if (i != except) {
                out.add(name(i));
            }
        }
        return out;
    }

    /** MP_JOIN SYNs the balancer forwarded or received, by destination: {@code shared}, {@code ap1}, ... */
    public Map<String, Long> joinCounts() {
        String out = balancer().exec("nft", "list", "counters", "table", "ip", "haap-lb-joins").check().stdout();
        Map<String, Long> m = new TreeMap<>();
        Matcher c = Pattern.compile("counter (\\w+) \\{\\s*packets (\\d+)").matcher(out);
        while (c.find()) {
            m.put(c.group(1).replace("join_", ""), Long.parseLong(c.group(2)));
        }
        return m;
    }

    /** A random TCP Fast Open key in the sysctl's format (four groups of 8 hex digits). */
    static String fastOpenKey(java.util.Random random) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < 4; k++) {
            b.append(k == 0 ? "" : "-").append(String.format("%08x", random.nextInt()));
        }
        return b.toString();
    }

    static String joinCounterRules(int nodes) {
        StringBuilder b = new StringBuilder("table ip haap-lb-joins {\n  counter join_shared { }\n");
        for (int i = 1; i <= nodes; i++) {
            b.append("  counter join_").append(name(i)).append(" { }\n");
        }
        b.append("  chain prerouting {\n    type filter hook prerouting priority raw - 10; policy accept;\n");
        String join = "    tcp flags & (syn | ack) == syn tcp option mptcp subtype 1 ip daddr ";
        b.append(join).append(AddressPlan.AP).append(" counter name join_shared\n");
        for (int i = 1; i <= nodes; i++) {
            b.append(join).append(nodeAddress(i)).append(" counter name join_").append(name(i)).append('\n');
        }
        return b.append("  }\n}\n").toString();
    }

    /**
     * One connection on a node: its subflows as (local address, peer address); the token
     * of an MPTCP connection, or {@code tcp LOCAL PEER} for a plain TCP one (a fallback).
     */
    public record NodeConnection(String token, List<String[]> subflows) {
        /** Whether it is MPTCP (not a fallback to plain TCP). */
        public boolean mptcp() {
            return !token.startsWith("tcp ");
        }
    }

    /** Node {@code i}'s established connections on the AP port (MPTCP ones grouped by token), from {@code ss}. */
    public List<NodeConnection> connections(int i) {
        String out = node(i).exec("ss", "-tniH", "state", "established", "sport", "=", ":" + AddressPlan.AP_PORT)
                .check().stdout();
        String[] lines = out.split("\n");
        Map<String, List<String[]>> byToken = new TreeMap<>();
        for (int k = 0; k + 1 < lines.length; k++) {
            String[] f = lines[k].trim().split("\\s+");
            if (lines[k].startsWith("\t") || f.length < 4 || !f[2].endsWith(":" + AddressPlan.AP_PORT)) {
                continue;
            }
            Matcher m = TOKEN.matcher(lines[k + 1]);
            String token = m.find() ? m.group(1) : "tcp " + f[2] + " " + f[3];
            byToken.computeIfAbsent(token, t -> new ArrayList<>()).add(new String[] {host(f[2]), host(f[3])});
        }
        List<NodeConnection> list = new ArrayList<>();
        byToken.forEach((t, s) -> list.add(new NodeConnection(t, s)));
        return list;
    }

    private static String host(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    /**
     * Stops the nodes (SIGTERM, 10 s grace) and the balancer and removes the nodes' config
     * files and the draining marks. {@link Testbed#down()} removes the namespaces.
     */
    @Override
    public synchronized void close() {
        for (int i = 1; i <= nodes; i++) {
            Testbed.stop(aps[i], Duration.ofSeconds(10));
            aps[i] = null;
        }
        Testbed.stop(balancer, Duration.ofSeconds(5));
        balancer = null;
        try {
            for (int i = 1; i <= nodes; i++) {
                Files.deleteIfExists(testbed.runDir().resolve(node(i).name() + ".conf"));
                Files.deleteIfExists(marks.resolve(name(i) + ".draining"));
            }
            Files.deleteIfExists(marks);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("interrupted", e);
        }
    }
}
