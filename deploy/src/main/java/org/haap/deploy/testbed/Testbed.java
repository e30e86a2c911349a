package org.haap.deploy.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

import org.haap.deploy.testbed.internal.Commands;
import org.haap.deploy.testbed.internal.DeployFiles;
import org.haap.deploy.testbed.internal.OldLogs;

/**
 * The network-namespace testbed: a LAN client, the home router (CPE) with two WAN links
 * (DSL and LTE, each through its own router namespace that shapes, delays and drops), the
 * aggregation point and a server net, all on one machine. {@code deploy/README.md} shows
 * the topology and the address plan ({@link AddressPlan}).
 *
 * <p>Everything the testbed creates lives in namespaces named with its prefix
 * ({@code haap-} by default): interfaces, routes, nft tables, qdiscs and iptables rules
 * vanish with the namespaces, and every process it starts runs inside one of them and is
 * tagged {@code -Dhaap.testbed.ns=<namespace>}. {@link #down()} therefore needs no record
 * of what {@link #up} did: it kills the processes in (or tagged with) the prefix's
 * namespaces and deletes the namespaces, also after a crash of whoever called {@code up}.
 * A small state file under the run directory ({@value #DEFAULT_RUN_DIR} or
 * {@code $HAAP_TESTBED_RUN_DIR}) records the profile and link settings for
 * {@link #status()} and run-time changes; delay-line logs are kept there too.
 *
 * <p>Needs root, {@code ip}, {@code tc}, {@code nft}, {@code iptables}/{@code ip6tables}
 * (NFQUEUE target) and {@code sysctl}. Instances are thread-safe; the testbed of a prefix
 * is a machine-wide singleton.
 */
public final class Testbed {

    /** The prefix of the product's testbed. */
    public static final String DEFAULT_PREFIX = "haap-";
    /** The environment variable that overrides {@link #DEFAULT_PREFIX} in {@link #create()}. */
    public static final String PREFIX_ENV = "HAAP_TESTBED_PREFIX";
    /** The default directory for state and logs. */
    public static final String DEFAULT_RUN_DIR = "/run/haap-testbed";
    /** Logs of other testbeds in the run directory older than this are removed by {@link #up}. */
    public static final java.time.Duration LOG_RETENTION = java.time.Duration.ofDays(1);
    /** The environment variable that overrides {@link #DEFAULT_RUN_DIR}. */
    public static final String RUN_DIR_ENV = "HAAP_TESTBED_RUN_DIR";
    /** The JVM property that tags every process the testbed starts with its namespace. */
    public static final String TAG_PROPERTY = "haap.testbed.ns";

    private static final Path CC_ALLOWED = Path.of("/proc/sys/net/ipv4/tcp_allowed_congestion_control");
    private static final Path CC_AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");
    /** State key: the initial namespace's allowed list before {@link #setCongestionControl} changed it. */
    private static final String STATE_CC_ALLOWED = "cc.allowedBefore";
    /** State key: the namespaces' default congestion control set by {@link #setCongestionControl}. */
    private static final String STATE_CC = "cc.default";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> SMALL_JVM = Processes.SMALL_JVM;

    private final String prefix;
    private final Path runDir;
    private final String javaCommand;
    private final String classPath;
    private final Topology topology;
    private final Processes processes;
    private final StateFile stateFile;

    /**
     * A testbed with the given namespace prefix, run directory and the JVM (binary and
     * class path) used to start delay lines and other Java processes in the namespaces.
     */
    public Testbed(String prefix, Path runDir, String javaCommand, String classPath) {
        if (!prefix.matches("[a-z][a-z0-9-]{1,16}-")) {
            throw new IllegalArgumentException("prefix: " + prefix + " (expected: [a-z][a-z0-9-]{1,16}- )");
        }
        this.prefix = prefix;
        this.runDir = runDir;
        this.javaCommand = javaCommand;
        this.classPath = classPath;
        this.topology = new Topology(prefix);
        this.processes = new Processes(prefix, runDir, javaCommand, classPath);
        this.stateFile = new StateFile(runDir.resolve(prefix + "state.properties"),
                "HAAP testbed state (" + prefix.toLowerCase(Locale.ROOT) + "*)");
    }

    /**
     * The product's testbed ({@code haap-*}, or the prefix in {@code $HAAP_TESTBED_PREFIX} so
     * that two test runs on one machine do not share namespaces) with the run directory from
     * the environment.
     */
    public static Testbed create() {
        String prefix = System.getenv(PREFIX_ENV);
        return withPrefix(prefix == null || prefix.isBlank() ? DEFAULT_PREFIX : prefix);
    }

    /**
     * A testbed whose namespaces start with {@code prefix} (tests use unique
     * {@code haapt-xxxx-} prefixes), started with the current JVM and class path.
     */
    public static Testbed withPrefix(String prefix) {
        String dir = System.getenv(RUN_DIR_ENV);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new Testbed(prefix, Path.of(dir == null || dir.isBlank() ? DEFAULT_RUN_DIR : dir), java,
                System.getProperty("java.class.path"));
    }

    /** The namespace prefix. */
    public String prefix() {
        return prefix;
    }

    /** The directory holding the state file and the logs of started processes. */
    public Path runDir() {
        return runDir;
    }

    /** The namespace name of {@code node}, for example {@code haap-cpe}. */
    public String namespace(Node node) {
        return prefix + node.suffix();
    }

    /** The namespace of {@code node}, to run commands in. */
    public Netns netns(Node node) {
        return new Netns(namespace(node));
    }

    /**
     * A namespace of this testbed outside the {@link Node} set ({@code prefix + suffix}), for
     * topologies that add namespaces; {@link #down()} removes it with the others.
     */
    public Netns netns(String suffix) {
        return new Netns(prefix + suffix);
    }

    // ---------------------------------------------------------------- up / down / status

    /** {@link #up(Profile, Consumer)} without progress output. */
    public void up(Profile profile) {
        up(profile, line -> { });
    }

    /**
     * Builds the testbed for {@code profile}, first removing whatever a previous run left.
     * On failure removes everything again and throws.
     *
     * @param progress receives one line per step
     * @throws TestbedException if a command fails
     */
    public synchronized void up(Profile profile, Consumer<String> progress) {
        if (!status().isEmpty() || stateFile.read().getProperty(STATE_CC_ALLOWED) != null) {
            progress.accept("removing the previous testbed");
            down(progress);
        }
        try {
            mkdirs();
            progress.accept("creating namespaces " + prefix + "{client,cpe,dsl,lte,ap,server}");
            StringBuilder add = new StringBuilder();
            for (Node n : Node.values()) {
                add.append("netns add ").append(namespace(n)).append('\n');
            }
            ip(List.of("-batch", "-"), add.toString());
            for (Node n : Node.values()) {
                baseSysctls(n);
            }
            progress.accept("creating links and addresses");
            for (Node n : Node.values()) {
                ip(List.of("-n", namespace(n), "-batch", "-"), topology.linksAndAddresses(n));
            }
            progress.accept("routing (policy routing per WAN in " + namespace(Node.CPE) + ", default via "
                    + profile.defaultWan().interfaceName() + ")");
            for (Node n : Node.values()) {
                ip(List.of("-n", namespace(n), "-batch", "-"), topology.routes(n, profile.defaultWan()));
            }
            ip(List.of("-6", "-n", namespace(Node.CPE), "-batch", "-"), Topology.cpeRules6());
            progress.accept("gateway files: sysctl, TPROXY routing and nft rules from deploy/");
            applySysctlFile(Node.CPE, "sysctl/90-haap-gateway.conf");
            applySysctlFile(Node.AP, "sysctl/90-haap-aggregation-point.conf");
            ip(List.of("-4", "-n", namespace(Node.CPE), "-batch", "-"), DeployFiles.read("nftables/haap-tproxy-routes.ipv4"));
            ip(List.of("-6", "-n", namespace(Node.CPE), "-batch", "-"), DeployFiles.read("nftables/haap-tproxy-routes.ipv6"));
            loadNftRules(Node.CPE, Topology.gatewayRules());
            loadNftRules(Node.CPE, Topology.cpeMasquerade());
            Properties state = new Properties();
            state.setProperty("profile", profile.name());
            state.setProperty("defaultWan", profile.defaultWan().interfaceName());
            for (Wan w : Wan.values()) {
                progress.accept("link " + w.interfaceName() + ": " + profile.link(w));
                applyLink(w, profile.link(w), true, state, null);
            }
            stateFile.write(state);
            progress.accept("testbed " + prefix + "* is up (profile " + profile.name() + ")");
        } catch (RuntimeException e) {
            progress.accept("up failed: " + e.getMessage() + "; removing what was created");
            try {
                down(progress);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** {@link #down(Consumer)} without progress output. */
    public void down() {
        down(line -> { });
    }

    /**
     * Removes the testbed: kills every process in (or tagged with) a namespace with this
     * prefix, deletes those namespaces (their interfaces, qdiscs, nft tables and iptables
     * rules go with them) and the state file. Works without any record of {@code up}.
     *
     * @throws TestbedException if something is still left afterwards
     */
    public synchronized void down(Consumer<String> progress) {
        TestbedStatus before = status();
        Properties state = stateFile.read();
        Set<Long> pids = new HashSet<>(before.strayProcesses());
        before.namespaces().values().forEach(pids::addAll);
        if (!pids.isEmpty()) {
            progress.accept("stopping processes " + pids);
            Processes.killAll(pids);
        }
        for (String ns : before.namespaces().keySet()) {
            progress.accept("deleting namespace " + ns);
            Commands.run(List.of("ip", "netns", "delete", ns), null, COMMAND_TIMEOUT);
        }
        restoreAllowedCongestionControl(state, progress); // throws, keeping the state file, if it cannot
        try {
            stateFile.delete();
            for (String role : List.of("aggregation-point", "gateway")) {
                Files.deleteIfExists(runDir.resolve(prefix + role + ".options"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestbedStatus after = status();
        if (!after.isEmpty()) {
            throw new TestbedException("testbed not fully removed: " + after);
        }
        progress.accept("testbed " + prefix + "* is down");
    }

    /** What exists now: namespaces with their processes, recorded profile and links. */
    public TestbedStatus status() {
        Map<String, List<Long>> namespaces = new LinkedHashMap<>();
        for (String ns : existingNamespaces()) {
            List<Long> pids = new ArrayList<>();
            ExecResult r = Commands.run(List.of("ip", "netns", "pids", ns), null, COMMAND_TIMEOUT);
            for (String line : r.stdout().split("\\s+")) {
                if (!line.isBlank()) {
                    long pid = Long.parseLong(line.strip());
                    if (!isSelfOrAncestor(pid)) {
                        pids.add(pid);
                    }
                }
            }
            namespaces.put(ns, pids);
        }
        Set<Long> inNamespaces = new HashSet<>();
        namespaces.values().forEach(inNamespaces::addAll);
        List<Long> stray = new ArrayList<>();
        String tag = "-D" + TAG_PROPERTY + "=" + prefix;
        ProcessHandle.allProcesses().forEach(ph -> {
            if (!inNamespaces.contains(ph.pid()) && !isSelfOrAncestor(ph.pid())
                    && ph.info().commandLine().map(c -> c.contains(tag)).orElse(false)) {
                stray.add(ph.pid());
            }
        });
        Properties state = stateFile.read();
        Map<Wan, LinkSpec> links = new EnumMap<>(Wan.class);
        Map<Wan, Boolean> up = new EnumMap<>(Wan.class);
        for (Wan w : Wan.values()) {
            String spec = state.getProperty("link." + w.interfaceName());
            if (spec != null) {
                links.put(w, LinkSpec.decode(spec));
                up.put(w, !"false".equals(state.getProperty("up." + w.interfaceName())));
            }
        }
        return new TestbedStatus(prefix, namespaces, Optional.ofNullable(state.getProperty("profile")),
                links, up, stray);
    }

    // ---------------------------------------------------------------- congestion control

    /**
     * Sets the default TCP congestion control ({@code net.ipv4.tcp_congestion_control}) of
     * every namespace of the testbed, what its hosts, routers and any process that does not
     * choose its own use. A namespace other than the initial one may only pick an algorithm
     * in the initial namespace's {@code net.ipv4.tcp_allowed_congestion_control} (else
     * EPERM), so one missing there is added first; the list as it was is recorded in the
     * state file and put back by {@link #down}, also by a {@code down} after a crash.
     *
     * @param algorithm e.g. {@code cubic}; must be in {@code tcp_available_congestion_control}
     * @throws TestbedException if the kernel has not got it or a sysctl cannot be set
     */
    public synchronized void setCongestionControl(String algorithm) {
        if (!algorithm.matches("[a-z0-9_]{1,15}")) {
            throw new IllegalArgumentException("algorithm: " + algorithm + " (expected: 1-15 of a-z, 0-9, _)");
        }
        Properties state = requireState();
        String available = readSysctl(CC_AVAILABLE);
        if (!List.of(available.split("\\s+")).contains(algorithm)) {
            throw new TestbedException("congestion control " + algorithm + " is not available (kernel has: "
                    + available + ")");
        }
        String allowed = readSysctl(CC_ALLOWED);
        String wanted = withAllowed(allowed, algorithm);
        if (!wanted.equals(allowed)) {
            if (state.getProperty(STATE_CC_ALLOWED) == null) {
                state.setProperty(STATE_CC_ALLOWED, allowed);
                stateFile.write(state); // recorded before the change, so that down() undoes it whatever happens next
            }
            writeSysctl(CC_ALLOWED, wanted);
        }
        for (Node n : Node.values()) {
            sysctl(n, List.of("net.ipv4.tcp_congestion_control=" + algorithm));
        }
        state.setProperty(STATE_CC, algorithm);
        stateFile.write(state);
    }

    /** The testbed's namespaces' default congestion control as set by {@link #setCongestionControl}, if it was. */
    public Optional<String> congestionControl() {
        return Optional.ofNullable(stateFile.read().getProperty(STATE_CC));
    }

    /** {@code allowedList} (space separated) with {@code algorithm} appended when it is not in it. */
    static String withAllowed(String allowedList, String algorithm) {
        List<String> names = new ArrayList<>();
        for (String s : allowedList.strip().split("\\s+")) {
            if (!s.isEmpty()) {
                names.add(s);
            }
        }
        if (!names.contains(algorithm)) {
            names.add(algorithm);
        }
        return String.join(" ", names);
    }

    /** Puts back the initial namespace's allowed list that {@link #setCongestionControl} recorded. */
    private void restoreAllowedCongestionControl(Properties state, Consumer<String> progress) {
        String original = state.getProperty(STATE_CC_ALLOWED);
        if (original != null) {
            progress.accept("restoring net.ipv4.tcp_allowed_congestion_control = " + original);
            writeSysctl(CC_ALLOWED, original);
        }
    }

    private static String readSysctl(Path p) {
        try {
            return Files.readString(p, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new TestbedException("cannot read " + p, e);
        }
    }

    private static void writeSysctl(Path p, String value) {
        try {
            Files.writeString(p, value + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TestbedException("cannot write " + value + " to " + p, e);
        }
    }

    // ---------------------------------------------------------------- run-time changes

    /**
     * Changes one link at run time: rate, delay (restarts its delay line; packets in the
     * old one are dropped), loss and SYN loss. The link's up/down state is kept.
     */
    public synchronized void setLink(Wan wan, LinkSpec spec) {
        Properties state = requireState();
        boolean linkUp = !"false".equals(state.getProperty("up." + wan.interfaceName()));
        LinkSpec old = LinkSpec.decode(state.getProperty("link." + wan.interfaceName()));
        applyLink(wan, spec, linkUp, state, old);
        stateFile.write(state);
    }

    /**
     * Takes a link down or brings it back. Down is a silent blackhole: the link's router
     * drops every packet in both directions while the interfaces stay up, as when a DSL
     * line or an LTE cell stops passing traffic without the CPE noticing.
     */
    public synchronized void setLinkUp(Wan wan, boolean up) {
        Properties state = requireState();
        LinkSpec spec = LinkSpec.decode(state.getProperty("link." + wan.interfaceName()));
        state.setProperty("up." + wan.interfaceName(), Boolean.toString(up));
        loadNftRules(wan.node(), LossRules.render(spec, up));
        stateFile.write(state);
    }

    /**
     * Takes the CPE's interface of {@code wan} administratively down ({@code ip link set
     * down}: the gateway sees the link go, its routes vanish) or brings it back with its
     * addresses, routes and policy-routing table as {@link #up} made them.
     */
    public synchronized void setInterfaceUp(Wan wan, boolean up) {
        Properties state = requireState();
        String ns = namespace(Node.CPE);
        String dev = wan.interfaceName();
        if (!up) {
            ip(List.of("-n", ns, "link", "set", "dev", dev, "down"), "");
            return;
        }
        ip(List.of("-n", ns, "-batch", "-"), Topology.interfaceUpBatch(wan, dev.equals(state.getProperty("defaultWan"))));
    }

    /**
     * Points the CPE's default routes (IPv4 and IPv6, main table: what an unbound socket, a
     * RobE {@code classic} SYN, takes) at {@code wan}, as a profile's default WAN would. The
     * WAN's interface must be up; {@link #setInterfaceUp} keeps the choice.
     */
    public synchronized void setDefaultWan(Wan wan) {
        Properties state = requireState();
        ip(List.of("-n", namespace(Node.CPE), "-batch", "-"), Topology.defaultRoutes(wan));
        state.setProperty("defaultWan", wan.interfaceName());
        stateFile.write(state);
    }

    /** Byte counters of the CPE's interface for {@code wan}. */
    public WanCounters wanBytes(Wan wan) {
        String dir = "/sys/class/net/" + wan.interfaceName() + "/statistics/";
        ExecResult r = exec(Node.CPE, "cat", dir + "rx_bytes", dir + "tx_bytes").check();
        String[] f = r.stdout().strip().split("\\s+");
        return new WanCounters(wan, Long.parseLong(f[0]), Long.parseLong(f[1]));
    }

    // ---------------------------------------------------------------- processes in namespaces

    /** Runs a command in a namespace to completion (30 s at most). */
    public ExecResult exec(Node node, String... command) {
        return exec(node, List.of(command), COMMAND_TIMEOUT);
    }

    /** Runs a command in a namespace to completion, killing it after {@code timeout}. */
    public ExecResult exec(Node node, List<String> command, Duration timeout) {
        return netns(node).exec(command, timeout);
    }

    /**
     * Starts a background process in a namespace, its output appended to {@code log}. The
     * caller owns the process; {@link #down()} kills it too.
     */
    public Process start(Node node, Path log, List<String> command) {
        mkdirs();
        return netns(node).start(log, command);
    }

    /**
     * Starts a Java main class from this JVM's class path in a namespace (small heap,
     * serial GC), tagged so that {@link #down()} finds it even outside the namespace.
     */
    public Process startJava(Node node, Path log, String mainClass, String... args) {
        return start(node, log, javaCommandLine(namespace(node), mainClass, args));
    }

    /**
     * Starts the AP or the gateway in {@code node}'s namespace with the configuration file
     * {@code config} (small JVM, a fresh log) and returns once it listens.
     *
     * @throws TestbedException if it exits or does not listen within {@code timeout} (the
     *     message carries its log); the process is stopped then
     */
    public Process startHaap(HaapApp app, Node node, Path log, Path config, Duration timeout) {
        return startHaap(app, netns(node), log, config, timeout);
    }

    /** {@link #startHaap(HaapApp, Node, Path, Path, Duration)} in any namespace of the testbed. */
    public Process startHaap(HaapApp app, Netns ns, Path log, Path config, Duration timeout) {
        return startHaap(app, ns, log, config, timeout, SMALL_JVM);
    }

    /**
     * {@link #startHaap(HaapApp, Netns, Path, Path, Duration)} with the JVM options
     * {@code jvmOptions} instead of the small-JVM flags (e.g. a fixed heap a load test sizes).
     */
    public Process startHaap(HaapApp app, Netns ns, Path log, Path config, Duration timeout, List<String> jvmOptions) {
        return startService(ns, log, app.readyLine(), timeout,
                javaCommandLine(ns.name(), jvmOptions, app.mainClass(), "--config", config.toString()));
    }

    /**
     * Starts a long-running Java service (the AP, the gateway) like {@link #startJava}, with
     * a fresh log, and returns once the log shows {@code readyLine}.
     *
     * @throws TestbedException if it exits or is not ready within {@code timeout} (the
     *     message carries its log); the process is stopped then
     */
    public Process startService(Node node, Path log, String readyLine, Duration timeout,
                                String mainClass, String... args) {
        return startService(node, log, readyLine, timeout, javaCommandLine(namespace(node), mainClass, args));
    }

    /**
     * Starts the AP or the gateway like {@link #startHaap(HaapApp, Node, Path, Path, Duration)},
     * but with the JVM options the product ships for it ({@code deploy/jvm/ROLE.options},
     * passed as a java @argument file as the package's launchers do) instead of the testbed's
     * small-JVM flags: what load tests that measure the product's footprint need. As with the
     * launchers, the options in the environment variable {@code HAAP_JAVA_OPTS} (split at white
     * space) come after the file's and win; {@code HAAP_JVM_DEFAULTS=off} leaves the file out.
     */
    public Process startShippedHaap(HaapApp app, Node node, Path log, Path config, Duration timeout) {
        List<String> jvm = processes.shippedJvmOptions(app);
        return startService(node, log, app.readyLine(), timeout,
                javaCommandLine(namespace(node), jvm, app.mainClass(), "--config", config.toString()));
    }

    /** {@link #startService(Node, Path, String, Duration, String, String...)} in any namespace of the testbed. */
    public Process startService(Netns ns, Path log, String readyLine, Duration timeout,
                                String mainClass, String... args) {
        return startService(ns, log, readyLine, timeout, javaCommandLine(ns.name(), mainClass, args));
    }

    /** {@link #startService(Node, Path, String, Duration, String, String...)} for any command. */
    public Process startService(Node node, Path log, String readyLine, Duration timeout, List<String> command) {
        return startService(netns(node), log, readyLine, timeout, command);
    }

    private Process startService(Netns ns, Path log, String readyLine, Duration timeout, List<String> command) {
        mkdirs();
        return Processes.startAndAwait(ns, log, readyLine, timeout, command);
    }

    /**
     * Stops a process started here and its descendants: SIGTERM (services drain and exit),
     * then SIGKILL after {@code grace}. Null is ignored.
     */
    public static void stop(Process p, Duration grace) {
        Processes.stop(p, grace);
    }

    /** Runs a Java main class in a namespace to completion. */
    public ExecResult execJava(Node node, Duration timeout, String mainClass, String... args) {
        return exec(node, javaCommandLine(namespace(node), mainClass, args), timeout);
    }

    /**
     * Starts a Java main class from this JVM's class path in any namespace of the testbed
     * (small heap, serial GC, tagged), its output appended to {@code log}.
     */
    public Process startJava(Netns ns, Path log, String mainClass, String... args) {
        mkdirs();
        return ns.start(log, javaCommandLine(ns.name(), mainClass, args));
    }

    /** The log file for a process named {@code name} in namespace {@code ns}. */
    public Path logFile(Netns ns, String name) {
        return runDir.resolve(ns.name() + "-" + name + ".log");
    }

    /** The log file for a process named {@code name} in {@code node}'s namespace. */
    public Path logFile(Node node, String name) {
        return runDir.resolve(namespace(node) + "-" + name + ".log");
    }

    private List<String> javaCommandLine(String namespace, String mainClass, String... args) {
        return javaCommandLine(namespace, SMALL_JVM, mainClass, args);
    }

    private List<String> javaCommandLine(String namespace, List<String> jvmOptions, String mainClass, String... args) {
        return processes.javaCommandLine(namespace, jvmOptions, mainClass, args);
    }

    // ---------------------------------------------------------------- links

    private void applyLink(Wan wan, LinkSpec spec, boolean linkUp, Properties state, LinkSpec old) {
        Node r = wan.node();
        for (String dev : List.of("cpe", "ap")) {
            if (spec.shaped()) {
                long bytesPerSecond = Math.round(spec.rateMbit() * 1e6 / 8);
                long burst = Math.max(15_140, bytesPerSecond / 200); // 5 ms, at least 10 full frames
                exec(r, "tc", "qdisc", "replace", "dev", dev, "root", "tbf",
                        "rate", Math.round(spec.rateMbit() * 1000) + "kbit",
                        "burst", Long.toString(burst), "latency", "50ms").check();
            } else {
                exec(r, "tc", "qdisc", "del", "dev", dev, "root"); // fails harmlessly when none is set
            }
        }
        loadNftRules(r, LossRules.render(spec, linkUp));
        boolean delayChanged = old == null || old.oneWayDelayMs() != spec.oneWayDelayMs();
        if (delayChanged) {
            stopDelayLine(wan, state);
            if (spec.delayed()) {
                startDelayLine(wan, spec, state);
            }
        }
        state.setProperty("link." + wan.interfaceName(), spec.encode());
        state.setProperty("up." + wan.interfaceName(), Boolean.toString(linkUp));
    }

    private void startDelayLine(Wan wan, LinkSpec spec, Properties state) {
        Node r = wan.node();
        String ms = Double.toString(spec.oneWayDelayMs());
        Process p = startService(r, logFile(r, "delay-line"), DelayLineMain.READY, READY_TIMEOUT,
                DelayLineMain.class.getName(),
                "--queue", Integer.toString(wan.upstreamQueue()), "--delay-ms", ms,
                "--queue", Integer.toString(wan.downstreamQueue()), "--delay-ms", ms);
        state.setProperty("delayline." + wan.interfaceName() + ".pid", Long.toString(p.pid()));
        // No --queue-bypass: if the delay line dies, the link drops (fail-closed).
        for (String tool : List.of("iptables", "ip6tables")) {
            exec(r, tool, "-w", "-A", "FORWARD", "-i", "cpe", "-j", "NFQUEUE",
                    "--queue-num", Integer.toString(wan.upstreamQueue())).check();
            exec(r, tool, "-w", "-A", "FORWARD", "-i", "ap", "-j", "NFQUEUE",
                    "--queue-num", Integer.toString(wan.downstreamQueue())).check();
        }
    }

    private void stopDelayLine(Wan wan, Properties state) {
        Node r = wan.node();
        for (String tool : List.of("iptables", "ip6tables")) {
            exec(r, tool, "-w", "-F", "FORWARD");
        }
        String pid = (String) state.remove("delayline." + wan.interfaceName() + ".pid");
        if (pid != null) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ph -> Processes.killAll(Set.of(ph.pid())));
        }
    }

    /**
     * The random-loss rule's counters for {@code wan}, both directions together, since the
     * link was last set ({@link #up}, {@link #setLink}, {@link #setLinkUp}): how a scenario
     * checks the loss rate it asked for.
     */
    public LinkLoss linkLoss(Wan wan) {
        return new LinkLoss(nftCounter(wan.node(), LossRules.COUNTER_PACKETS), nftCounter(wan.node(), LossRules.COUNTER_DROPPED));
    }

    private long nftCounter(Node node, String name) {
        String out = exec(node, "nft", "list", "counter", "inet", "haap-link", name).check().stdout();
        return LossRules.parseNftPackets(out);
    }

    // ---------------------------------------------------------------- topology

    private void baseSysctls(Node n) {
        boolean router = n != Node.CLIENT && n != Node.SERVER;
        String fwd = router ? "1" : "0";
        sysctl(n, List.of(
                "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv4.ip_forward=" + fwd, "net.ipv6.conf.all.forwarding=" + fwd,
                "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"));
    }

    private void applySysctlFile(Node n, String file) {
        sysctl(n, DeployFiles.sysctlAssignments(DeployFiles.read(file)));
    }

    private void sysctl(Node n, List<String> assignments) {
        netns(n).sysctl(assignments);
    }

    // ---------------------------------------------------------------- helpers

    private static void ip(List<String> args, String stdin) {
        Netns.ip(args, stdin);
    }

    /** Loads nftables rules ({@code nft -f -} syntax) in {@code node}'s namespace. */
    public void loadNftRules(Node node, String rules) {
        netns(node).nft(rules);
    }

    private List<String> existingNamespaces() {
        ExecResult r = Commands.run(List.of("ip", "netns", "list"), null, COMMAND_TIMEOUT).check();
        List<String> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (name.startsWith(prefix)) {
                out.add(name);
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean isSelfOrAncestor(long pid) {
        Optional<ProcessHandle> p = Optional.of(ProcessHandle.current());
        while (p.isPresent()) {
            if (p.get().pid() == pid) {
                return true;
            }
            p = p.get().parent();
        }
        return false;
    }

    private void mkdirs() {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OldLogs.prune(runDir, prefix, LOG_RETENTION, java.time.Instant.now());
    }

    private Properties requireState() {
        Properties p = stateFile.read();
        if (p.getProperty("link.dsl") == null || !status().isComplete()) {
            throw new TestbedException("testbed " + prefix + "* is not up");
        }
        return p;
    }
}
