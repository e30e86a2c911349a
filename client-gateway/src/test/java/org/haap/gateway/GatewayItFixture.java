package org.haap.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.haap.core.testing.Veth;

/**
 * The real-kernel set-up the gateway ITs share: namespaces lan (an unmodified client,
 * 192.168.7.2) → gw (the gateway's host: TPROXY from the deploy module's nftables files, two
 * WAN links {@code wa} 10.1.0.1 and {@code wb} 10.2.0.1 with their own policy routing tables
 * 101 and 102) → ap (the aggregation point's host, 198.18.0.1) → srv (an echo server on
 * port {@value #ECHO_PORT} at 198.18.1.2, which the AP's configuration allows: the default
 * policy denies the benchmarking block 198.18.0.0/15).
 * It starts the AP and gateway processes from the test class path, reads the gateway's
 * Prometheus endpoint, and {@link #close() tears everything down}.
 */
final class GatewayItFixture implements AutoCloseable {

    static final int ECHO_PORT = 7007;
    /** The echo server's IPv4 address and port. */
    static final InetSocketAddress ECHO = new InetSocketAddress("198.18.1.2", ECHO_PORT);
    /** The cookie the AP requires and the gateway sends. */
    static final String COOKIE = "haapt-cookie";
    /** The operator files in the deploy module, read from the source tree (deploy depends on this module). */
    private static final Path DEPLOY_NFT = Path.of("..", "deploy", "nftables").toAbsolutePath().normalize();
    private static final Pattern DEFINE = Pattern.compile("(?m)^define\\s+(\\w+)\\s*=.*$");

    final Netns lan;
    final Netns gw;
    final Netns ap;
    final Netns srv;
    private final Path dir;
    private ServerSocket echo;
    private final List<CountingServer> counting = new ArrayList<>();
    private Process gateway;
    private Path gatewayLog;

    private GatewayItFixture(Path dir, List<Netns> namespaces) {
        this.dir = dir;
        lan = namespaces.get(0);
        gw = namespaces.get(1);
        ap = namespaces.get(2);
        srv = namespaces.get(3);
    }

    /**
     * Checks the prerequisites (netns, MPTCP, {@code nft}, {@code curl}), builds the topology
     * in namespaces named after {@code prefix} and starts the echo server; on failure, tears
     * down what it built.
     */
    static GatewayItFixture create(String prefix) throws Exception {
        Prerequisites.requireNetns();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("nft", "curl");
        GatewayItFixture bed = new GatewayItFixture(Files.createTempDirectory("haapt-" + prefix),
                Netns.createAll(prefix, "lan", "cpe", "ap", "srv"));
        try {
            bed.build();
        } catch (Exception | Error e) {
            try {
                bed.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return bed;
    }

    private void build() throws Exception {
        Veth.link(lan, "eth0", "192.168.7.2/24", gw, "lan0", "192.168.7.1/24");
        lan.route("default", "via", "192.168.7.1");

        Veth.link(gw, "wa", "10.1.0.1/24", ap, "wa-ap", "10.1.0.2/24");
        Veth.link(gw, "wb", "10.2.0.1/24", ap, "wb-ap", "10.2.0.2/24");
        gw.ip("route", "add", "default", "via", "10.1.0.2", "dev", "wa", "table", "101");
        gw.ip("route", "add", "default", "via", "10.2.0.2", "dev", "wb", "table", "102");
        gw.ip("rule", "add", "from", "10.1.0.1", "lookup", "101");
        gw.ip("rule", "add", "from", "10.2.0.1", "lookup", "102");
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
        srv.route("default", "via", "198.18.1.1");
        ap.exec("ip", "mptcp", "limits", "set", "subflows", "4", "add_addr_accepted", "4");
        ap.route("192.168.7.0/24", "via", "10.1.0.1");

        echo = srv.call(() -> new ServerSocket(ECHO_PORT, 256, null)); // [::], both families
        serve(echo, "haapt-echo", s -> {
            s.getInputStream().transferTo(s.getOutputStream());
            s.shutdownOutput();
        });
    }

    /** The file {@code name} in this fixture's temporary directory. */
    Path file(String name) {
        return dir.resolve(name);
    }

    /** Writes {@code text} to {@link #file file} {@code name}. */
    Path writeFile(String name, String text) throws IOException {
        return Files.writeString(file(name), text);
    }

    /**
     * Starts the AP in namespace ap, listening on 198.18.0.1:5124 and requiring {@link
     * #COOKIE}, with {@code extraKeys} added to {@code haap.aggregation-point}; returns the
     * AP's process once it listens.
     */
    Process startAp(String extraKeys) throws IOException {
        Path conf = writeFile("ap.conf", """
                haap.aggregation-point {
                  listen = ["198.18.0.1:5124"]
                  timeouts.connect = 2s
                  cookies = ["%s"]
                  require-cookie = true
                  destinations.allow = ["198.18.1.0/24", "2001:db8:1::/64"]
                %s
                }
                """.formatted(COOKIE, extraKeys));
        Path log = file("ap.log");
        Process process = ap.start(java("org.haap.ap.Main", "--config", conf.toString()), log);
        awaitLog(log, "listening on");
        return process;
    }

    /**
     * A gateway configuration for this topology (AP, cookie, both WANs, kernel path manager
     * with fullmesh, metrics on 127.0.0.1:9125) with {@code extraKeys} (at least {@code
     * listen}) added to {@code haap.gateway}.
     */
    static String gatewayConfig(String extraKeys) {
        return """
                haap.gateway {
                  aggregation-point = "198.18.0.1:5124"
                  cookie = "%s"
                  wan = [
                    { name = wa, interface = wa, source = "10.1.0.1", table = 101 }
                    { name = wb, interface = wb, source = "10.2.0.1", table = 102 }
                  ]
                  path-manager { mode = kernel, policy = fullmesh }
                  timeouts { connect = 2s, convert-reply = 5s }
                  metrics { enabled = true, listen = "127.0.0.1:9125" }
                  event-loops = 2
                %s
                }
                """.formatted(COOKIE, extraKeys);
    }

    /** Starts the gateway in namespace gw with configuration file {@code conf}; returns once it listens. */
    Process startGateway(Path conf) {
        gatewayLog = file("gateway.log");
        gateway = gw.start(java("org.haap.gateway.Main", "--config", conf.toString()), gatewayLog);
        awaitLog(gatewayLog, "listening on");
        return gateway;
    }

    /** The gateway process started by {@link #startGateway}. */
    Process gateway() {
        return gateway;
    }

    /** Sends SIGHUP to the gateway process, which re-reads its configuration file. */
    void hangUpGateway() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(gateway.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill -HUP still running");
        assertEquals(0, kill.exitValue(), "kill -HUP " + gateway.pid());
    }

    /** The gateway's output so far (log lines included). */
    String gatewayLog() {
        try {
            return Files.readString(gatewayLog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The gateway's Prometheus exposition. */
    String gatewayMetrics() {
        return gw.exec("curl", "-sf", "http://127.0.0.1:9125/metrics");
    }

    /** The value of the gateway's sample {@code sample}, as {@link #metric} reads it. */
    double gatewayMetric(String sample) {
        return metric(gatewayMetrics(), sample);
    }

    /** The value of the sample {@code name} or {@code name{labels}} (all its labels), or 0 if absent. */
    static double metric(String exposition, String sample) {
        String key = sample + " ";
        for (String line : exposition.split("\n")) {
            if (line.startsWith(key)) {
                return Double.parseDouble(line.substring(key.length()).trim().split(" ")[0]);
            }
        }
        return 0;
    }

    /**
     * Connects from the LAN to {@code server}, writes {@code data} and expects the same bytes
     * back, then half-closes and expects the end of stream. The half-close comes only once the
     * echo is in (GatewayIT's halfCloseWithDataInFlightDeliversEverything covers the other
     * order).
     */
    void echoRoundTrip(InetSocketAddress server, byte[] data, int id) throws Exception {
        try (Socket s = lan.call(() -> {
            Socket socket = new Socket();
            socket.connect(server, 10_000);
            return socket;
        })) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(data);
            assertArrayEquals(data, s.getInputStream().readNBytes(data.length), "echo of connection " + id);
            s.shutdownOutput();
            assertEquals(-1, s.getInputStream().read(), "end of stream after the echo");
        }
    }

    /** The command that runs {@code mainClass} in a JVM like this one, with this test class path. */
    static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Waits until {@code log} contains {@code text}; fails at once if the process could not start. */
    static void awaitLog(Path log, String text) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String s = Files.exists(log) ? Files.readString(log) : "";
            if (s.contains("Exception in thread") || s.contains("cannot start") || s.contains("refusing")) {
                fail(log.getFileName() + ":\n" + s);
            }
            return s.contains(text);
        });
    }

    /** Replaces the value of each {@code define NAME = ...} line named in {@code values}; each must occur. */
    private static String substituteDefines(String nft, Map<String, String> values) {
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

    /** What a test server does with one accepted connection (closed afterwards). */
    interface ConnectionHandler {
        void handle(Socket s) throws IOException;
    }

    /**
     * Accepts connections on {@code server} on a daemon thread named {@code name} until it is
     * closed, each handled on a thread of its own and closed afterwards; an I/O error ends
     * only that connection (the peer went away).
     */
    static void serve(ServerSocket server, String name, ConnectionHandler handler) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> {
                        try (s) {
                            handler.handle(s);
                        } catch (IOException e) {
                            // the peer went away
                        }
                    }, name + "-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * A server in srv that counts every request line it receives, across connections, and
     * answers each with {@code answer.apply(line)} and a newline: whether a request reached
     * the server exactly once. Closed with the fixture.
     */
    final class CountingServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        private final UnaryOperator<String> answer;

        private CountingServer(InetSocketAddress address, int backlog, UnaryOperator<String> answer) throws Exception {
            this.answer = answer;
            socket = srv.call(() -> new ServerSocket(address.getPort(), backlog, address.getAddress()));
            serve(socket, "haapt-counting", this::countAndAnswer);
        }

        /** How often the server received {@code line} (without its newline). */
        int count(String line) {
            AtomicInteger n = received.get(line);
            return n == null ? 0 : n.get();
        }

        private void countAndAnswer(Socket s) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
                received.computeIfAbsent(line, k -> new AtomicInteger()).incrementAndGet();
                s.getOutputStream().write((answer.apply(line) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Starts a {@link CountingServer} on {@code address} (in srv) with a listen backlog of {@code backlog}. */
    CountingServer countingServer(InetSocketAddress address, int backlog, UnaryOperator<String> answer)
            throws Exception {
        CountingServer server = new CountingServer(address, backlog, answer);
        counting.add(server);
        return server;
    }

    /** Stops the echo server, deletes the namespaces (killing the processes in them) and prints the gateway's log. */
    @Override
    public void close() throws IOException {
        try {
            for (CountingServer c : counting) {
                c.close();
            }
            if (echo != null) {
                echo.close();
            }
        } finally {
            for (Netns ns : List.of(lan, gw, ap, srv)) {
                ns.close();
            }
        }
        if (gatewayLog != null && Files.exists(gatewayLog)) {
            System.out.println("gateway log:\n" + Files.readString(gatewayLog));
        }
    }
}
