package org.haap.ap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.haap.core.testing.Veth;

/**
 * The real-kernel set-up the aggregation point ITs share: namespaces client, ap and server
 * (each IT links them its own way), {@link TestServer origin servers} in the server
 * namespace, the AP process started from the test class path with an IT's configuration,
 * and a client side (MPTCP sockets and an epoll event loop group) that connects from the
 * client namespace. {@link #close()} stops the AP and tears everything down.
 */
final class ApItFixture implements AutoCloseable {

    /** How long a step may take before the test fails. */
    static final Duration T = Duration.ofSeconds(30);
    /** Bytes as the tests write them: two hex digits each, separated by spaces. */
    static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    final Netns client;
    final Netns ap;
    final Netns server;
    private final List<TestServer> servers = new ArrayList<>();
    private Process apProcess;
    private Path apLog;
    private Path apConfig;
    private MptcpSockets sockets;
    private MultiThreadIoEventLoopGroup group;

    private ApItFixture(List<Netns> namespaces) {
        client = namespaces.get(0);
        ap = namespaces.get(1);
        server = namespaces.get(2);
    }

    /**
     * Checks the prerequisites (root, {@code ip}, {@code curl}, MPTCP) and creates the three
     * namespaces, named after {@code prefix}.
     */
    static ApItFixture create(String prefix) {
        Prerequisites.requireRoot();
        Prerequisites.requireCommand("ip", "curl");
        Prerequisites.requireMptcp();
        return new ApItFixture(Netns.createAll(prefix, "cli", "ap", "srv"));
    }

    /**
     * Links client and AP on 198.18.{@code clientNet}.0/24 (client .2 on c1, AP .1 on a1) and
     * AP and server on 198.18.{@code serverNet}.0/24 (AP .1 on a3, server .2 on s3, its
     * default route via the AP).
     */
    void linkThrough(int clientNet, int serverNet) {
        Veth.link(client, "c1", "198.18." + clientNet + ".2/24", ap, "a1", "198.18." + clientNet + ".1/24");
        Veth.link(ap, "a3", "198.18." + serverNet + ".1/24", server, "s3", "198.18." + serverNet + ".2/24");
        server.exec("ip", "route", "add", "default", "via", "198.18." + serverNet + ".1");
    }

    /** Starts an origin server in {@code mode} on {@code address}, in the server namespace. */
    void serve(InetSocketAddress address, TestServer.Mode mode) throws Exception {
        servers.add(new TestServer(server.call(() -> TestServer.listen(address)), mode));
    }

    /** The origin servers started by {@link #serve}. */
    List<TestServer> servers() {
        return servers;
    }

    /**
     * Writes {@code config} to a temporary file, starts the AP with it in the ap namespace
     * ({@code maxHeap} as the JVM's {@code -Xmx}), waits until it listens, then opens the
     * client side.
     */
    void startAp(String maxHeap, String config) throws IOException {
        startAp(maxHeap, config, List.of());
    }

    /** {@link #startAp(String, String)} with the JVM's command line after {@code wrapper} (which execs it). */
    void startAp(String maxHeap, String config, List<String> wrapper) throws IOException {
        Path dir = Files.createTempDirectory("haap-ap-it");
        Path conf = Files.writeString(dir.resolve("ap.conf"), config);
        apConfig = conf;
        apLog = dir.resolve("ap.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(java, "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"),
                "org.haap.ap.Main", "--config", conf.toString()));
        apProcess = ap.start(command, apLog);
        await().atMost(T).until(() -> log().contains("listening on") || !apProcess.isAlive());
        assertTrue(apProcess.isAlive(), () -> "AP did not start:\n" + log());
        sockets = MptcpSockets.open();
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    /** Replaces the AP's configuration file with {@code config} (the AP reads it again on SIGHUP). */
    void rewriteApConfig(String config) throws IOException {
        Files.writeString(apConfig, config);
    }

    /**
     * Sends SIGHUP to the AP process ({@code ip netns exec} execs the JVM, so the process's
     * pid is the JVM's) and waits until its log holds one more line containing {@code marker}
     * than before.
     */
    void reloadAp(String marker) throws IOException, InterruptedException {
        long before = log().lines().filter(l -> l.contains(marker)).count();
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(apProcess.pid()))
                .redirectErrorStream(true).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP failed");
        await().atMost(T).until(() -> log().lines().filter(l -> l.contains(marker)).count() > before
                || !apProcess.isAlive());
        assertTrue(apProcess.isAlive(), () -> "AP died on SIGHUP:\n" + log());
    }

    /** The AP process started by {@link #startAp}. */
    Process apProcess() {
        return apProcess;
    }

    /** Whether the AP was started and is still running. */
    boolean apRunning() {
        return apProcess != null && apProcess.isAlive();
    }

    /** Stops the AP with SIGTERM (it drains and stops); fails unless it exits within 20 s; returns its exit code. */
    int stopAp() throws InterruptedException {
        apProcess.destroy();
        assertTrue(apProcess.waitFor(20, TimeUnit.SECONDS), "AP did not stop on SIGTERM");
        return apProcess.exitValue();
    }

    /** File descriptors the AP process has open now ({@code /proc/PID/fd}). */
    int apOpenFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(apProcess.pid()), "fd"))) {
            return (int) fds.count();
        }
    }

    /** The AP's log so far. */
    String log() {
        try {
            return Files.readString(apLog);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The AP's Prometheus exposition (its metrics endpoint is 127.0.0.1:9124 in its namespace). */
    String metrics() {
        return ap.exec("curl", "-sf", "http://127.0.0.1:9124/metrics");
    }

    /** The sum of the AP's samples whose line starts with {@code prefix}; fails if there is none. */
    double metricSum(String prefix) {
        String metrics = metrics();
        List<String> lines = metrics.lines().filter(l -> l.startsWith(prefix)).toList();
        if (lines.isEmpty()) {
            throw new AssertionError("no " + prefix + " in\n" + metrics);
        }
        return lines.stream().mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Connects from the client namespace to the AP at {@code address}. */
    TestClient connect(InetSocketAddress address, ClientSocketOptions options) throws Exception {
        return client.call(() -> TestClient.connect(sockets, group, address, options));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Stops the AP if it runs ({@link #stopAp}), then the origin servers, the client side and the namespaces. */
    @Override
    public void close() {
        try {
            if (apRunning()) {
                stopAp();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (TestServer s : servers) {
                try {
                    s.close();
                } catch (IOException e) {
                    // the namespace goes away below, and the listener with it
                }
            }
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            for (Netns ns : List.of(client, ap, server)) {
                ns.close();
            }
        }
    }
}
