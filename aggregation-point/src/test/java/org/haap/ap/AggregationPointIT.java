package org.haap.ap;

import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.mptcp.MptcpFullInfo;
import org.haap.core.mptcp.MptcpInfoReader;
import org.haap.core.mptcp.SubflowInfo;
import org.haap.core.testing.Netns;
import org.haap.core.testing.SocketStats;
import org.haap.core.testing.Prerequisites;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.haap.ap.ApItFixture.HEX;
import static org.haap.ap.ApItFixture.T;
import static org.haap.ap.ApItFixture.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The aggregation point on the real kernel: an AP process in its own network namespace,
 * clients in another (two veth links, so MPTCP gets two subflows), origin servers in a
 * third. Every case checks the exact bytes on the wire and that the AP keeps serving.
 *
 * <pre>
 *  client ns                     ap ns                         server ns
 *  198.18.1.2 c1 ─── veth ─── a1 198.18.1.1  (listens :5124)
 *  198.18.2.2 c2 ─── veth ─── a2 198.18.2.1
 *                                a3 198.18.3.1 ─── veth ─── s3 198.18.3.2 (:7001 exchange,
 *                                   2001:db8:3::1               2001:db8:3::2  :7002 reset, :7003 echo)
 * </pre>
 * 198.18.2.0/24 is not in {@code clients.allow}: a plain TCP client from there is an
 * unknown client (MPTCP joins from there are subflows of allowed connections).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregationPointIT {

    private static final int MIB = 1 << 20;
    private static final InetSocketAddress AP = new InetSocketAddress("198.18.1.1", 5124);
    private static final InetSocketAddress EXCHANGE = new InetSocketAddress("198.18.3.2", 7001);
    private static final InetSocketAddress RESET = new InetSocketAddress("198.18.3.2", 7002);
    private static final InetSocketAddress ECHO = new InetSocketAddress("198.18.3.2", 7003);

    @AutoClose
    private ApItFixture bed;
    private Netns client;
    private Netns ap;

    @BeforeAll
    void setUp() throws Exception {
        bed = ApItFixture.create("it");
        client = bed.client;
        ap = bed.ap;
        Netns server = bed.server;
        Veth.link(client, "c1", "198.18.1.2/24", ap, "a1", "198.18.1.1/24");
        Veth.link(client, "c2", "198.18.2.2/24", ap, "a2", "198.18.2.1/24");
        Veth.link(ap, "a3", "198.18.3.1/24", server, "s3", "198.18.3.2/24");
        ap.exec("ip", "-6", "addr", "add", "2001:db8:3::1/64", "dev", "a3", "nodad");
        server.exec("ip", "-6", "addr", "add", "2001:db8:3::2/64", "dev", "s3", "nodad");
        client.exec("ip", "route", "add", "default", "via", "198.18.1.1");
        client.exec("ip", "rule", "add", "from", "198.18.2.2", "table", "102");
        client.exec("ip", "route", "add", "default", "via", "198.18.2.1", "dev", "c2", "table", "102");
        client.exec("ip", "mptcp", "limits", "set", "subflows", "2", "add_addr_accepted", "2");
        client.exec("ip", "mptcp", "endpoint", "add", "198.18.2.2", "dev", "c2", "subflow");
        ap.exec("ip", "mptcp", "limits", "set", "subflows", "2", "add_addr_accepted", "2");
        server.exec("ip", "route", "add", "default", "via", "198.18.3.1");
        server.exec("ip", "-6", "route", "add", "default", "via", "2001:db8:3::1");
        // SYNs to 198.18.8.0/24 go to the server namespace, which does not forward: no answer.
        ap.exec("ip", "route", "add", "198.18.8.0/24", "via", "198.18.3.2");

        bed.serve(EXCHANGE, TestServer.Mode.EXCHANGE);
        bed.serve(RESET, TestServer.Mode.RESET);
        bed.serve(ECHO, TestServer.Mode.ECHO);
        bed.serve(new InetSocketAddress("2001:db8:3::2", 7003), TestServer.Mode.ECHO);

        bed.startAp("512m", """
                haap.aggregation-point {
                  listen = ["0.0.0.0:5124", "[::]:5124"]
                  event-loops = 2
                  clients.allow = ["198.18.1.0/24", "2001:db8::/32"]
                  # the test servers and the unroutable and silent destinations: all in
                  # special-purpose blocks the default policy denies
                  destinations.allow = ["198.18.3.0/24", "198.18.8.0/24", "203.0.113.0/24", "2001:db8:3::/64"]
                  timeouts { header = 1s, connect = 1s, drain = 5s }
                  limits { max-sessions = 5000, max-sessions-per-client = 2000 }
                  metrics.listen = "127.0.0.1:9124"
                  # not the host's default (bbr here): what the sockets show comes from the key
                  congestion-control = cubic
                }
                """);
    }

    /** The AP drains and stops on SIGTERM, with exit code 0 ({@link AutoClose} then tears the rest down). */
    @AfterAll
    void stopApCleanly() throws Exception {
        if (bed != null && bed.apRunning()) {
            assertEquals(0, bed.stopAp(), () -> "AP exit code\n" + bed.log());
            assertTrue(bed.log().contains("haap ap: stopped"), bed::log);
        }
    }

    private TestClient connect(ClientSocketOptions options) throws Exception {
        return bed.connect(AP, options);
    }

    private TestClient mptcp() throws Exception {
        return connect(ClientSocketOptions.mptcp().withSource(new InetSocketAddress("198.18.1.2", 0)));
    }

    private static byte[] connectMessage(InetSocketAddress destination) {
        return ConvertCodec.encode(ConvertMessage.connect(destination));
    }

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    // ---------------------------------------------------------------- transfers

    @Test
    void mptcpClientMoves64MiBEachWayOverBothSubflows() throws Exception {
        Map<Integer, Long> carriedPerSubflow = new ConcurrentHashMap<>();
        exchange(mptcp(), 64 * MIB, 64 * MIB, carriedPerSubflow);
        assertEquals(2, carriedPerSubflow.size(), () -> "subflows seen: " + carriedPerSubflow);
        carriedPerSubflow.forEach((local, bytes) ->
                assertTrue(bytes > MIB, "subflow from " + local + " carried only " + bytes + " bytes"));
    }

    @Test
    void congestionControlOfTheConfigIsOnEverySubflowAndTheUpstreamSocket() throws Exception {
        try (TestClient c = mptcp()) {
            c.write(connectMessage(ECHO));
            c.readExactly(4, T); // the success reply: the upstream socket is connected
            c.write("ping".getBytes(StandardCharsets.US_ASCII));
            c.readExactly(4, T);
            await().atMost(T).until(() -> SocketStats.congestionControls(ap, ":5124").size() == 2);
            assertEquals(List.of("local cubic", "local cubic"), SocketStats.congestionControls(ap, ":5124"),
                    "both subflows of the client's connection");
            // Netty makes IPv6 sockets: the upstream shows as [::ffff:198.18.3.2]:7003
            assertEquals(List.of("peer cubic"), SocketStats.congestionControls(ap, ":7003"),
                    () -> "the upstream socket\n" + ap.exec("ss", "-tinH", "state", "established"));
        }
    }

    @Test
    void plainTcpClientWorksTheSameWay() throws Exception {
        TestClient c = connect(ClientSocketOptions.tcp().withSource(new InetSocketAddress("198.18.1.2", 0)));
        assertTrue(!MptcpInfoReader.isMptcp(c.channel()));
        exchange(c, 64 * MIB, 64 * MIB, null);
    }

    /**
     * Sends Connect to the exchange server, then {@code up} bytes while receiving
     * {@code down}; checks the reply, both SHA-256 digests, and (when asked) samples
     * MPTCP_FULL_INFO during the transfer to record the bytes each subflow carried,
     * keyed by the subflow's local address octet.
     */
    private void exchange(TestClient c, long up, long down, Map<Integer, Long> carried) throws Exception {
        try (c) {
            long seedUp = System.nanoTime();
            long seedDown = seedUp * 31 + 7;
            ByteBuffer head = ByteBuffer.allocate(16).putLong(seedDown).putLong(down);
            byte[] msg = connectMessage(EXCHANGE);
            byte[] first = new byte[msg.length + 16];
            System.arraycopy(msg, 0, first, 0, msg.length);
            System.arraycopy(head.array(), 0, first, msg.length, 16);
            c.write(first); // header and application data in one segment
            assertArrayEquals(hex("01 01 22 63"), c.readExactly(4, T));

            MessageDigest sentSha = MessageDigest.getInstance("SHA-256");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    TestData data = new TestData(seedUp);
                    long left = up;
                    while (left > 0) {
                        byte[] chunk = new byte[(int) Math.min(256 * 1024, left)];
                        data.fill(chunk, 0, chunk.length);
                        sentSha.update(chunk);
                        c.writeAsync(chunk);
                        left -= chunk.length;
                        if (carried != null) {
                            sample(c, carried);
                        }
                    }
                    c.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            MessageDigest gotSha = MessageDigest.getInstance("SHA-256");
            MessageDigest wantSha = MessageDigest.getInstance("SHA-256");
            TestData expected = new TestData(seedDown);
            long received = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            byte[] tail = new byte[0];
            byte[] chunk;
            while ((chunk = c.next(deadline)) != null) {
                // the last 32 bytes are the server's digest of what it received
                byte[] all = concat(tail, chunk);
                int body = (int) Math.max(0, Math.min(all.length, down - received));
                gotSha.update(all, 0, body);
                byte[] want = new byte[body];
                expected.fill(want, 0, body);
                wantSha.update(want);
                received += body;
                tail = java.util.Arrays.copyOfRange(all, body, all.length);
                if (carried != null) {
                    sample(c, carried);
                }
            }
            writer.get(3, TimeUnit.MINUTES);
            assertEquals(down, received, "bytes received from the server");
            assertArrayEquals(wantSha.digest(), gotSha.digest(), "download SHA-256");
            assertEquals(32, tail.length, "server digest length");
            assertArrayEquals(sentSha.digest(), tail, "upload SHA-256 as computed by the server");
        }
    }

    private static void sample(TestClient c, Map<Integer, Long> carried) {
        MptcpInfoReader.fullInfo(c.channel()).ifPresent((MptcpFullInfo info) -> {
            for (SubflowInfo sf : info.subflows()) {
                byte[] a = sf.local().getAddress().getAddress();
                long bytes = sf.tcp().bytesSent() + sf.tcp().bytesReceived();
                carried.merge(a[a.length - 2] & 0xff, bytes, Math::max);
            }
        });
    }

    private void assertStillServes() throws Exception {
        try (TestClient c = mptcp()) {
            c.write(concat(connectMessage(ECHO), "still here".getBytes(StandardCharsets.US_ASCII)));
            c.shutdownOutput();
            assertEquals("01 01 22 63 " + HEX.formatHex("still here".getBytes(StandardCharsets.US_ASCII)),
                    HEX.formatHex(c.readToEnd(T)));
        }
    }

    // ---------------------------------------------------------------- errors

    /** Sends {@code request} and expects exactly {@code reply} followed by the AP's close. */
    private void expectReply(byte[] request, String reply) throws Exception {
        try (TestClient c = mptcp()) {
            c.write(request);
            assertEquals(reply, HEX.formatHex(c.readToEnd(T)));
        }
        assertStillServes();
    }

    /**
     * Requests the AP must answer with an Error TLV and close, each named as its test was:
     * the request, then the AP's exact reply.
     */
    static Stream<Arguments> refusedRequests() {
        return Stream.of(
                arguments(named("refusedPortGetsConnectionReset",
                        connectMessage(new InetSocketAddress("198.18.3.2", 7999))), "01 02 22 63 1e 01 60 00"),
                // the AP namespace has no route to 203.0.113.0/24: ENETUNREACH, ICMP code 0 (net)
                arguments(named("unroutableDestinationGetsDestinationUnreachable",
                        connectMessage(new InetSocketAddress("203.0.113.9", 80))), "01 02 22 63 1e 01 61 00"),
                arguments(named("silentDestinationGetsNetworkFailureAfterConnectTimeout",
                        connectMessage(new InetSocketAddress("198.18.8.8", 80))), "01 02 22 63 1e 01 41 00"),
                arguments(named("malformedMessageGetsMalformed",
                        hex("01 06 22 64 0a 05 1b 5b 00 00 00 00 00 00 00 00 00 00 ff ff c6 12 03 02")),
                        "01 02 22 63 1e 01 01 00"),
                arguments(named("wrongVersionGetsUnsupportedVersion", hex("02 01 22 63")), "01 02 22 63 1e 01 00 00"),
                arguments(named("loopbackDestinationIsNotAuthorized",
                        connectMessage(new InetSocketAddress("127.0.0.1", 7001))), "01 02 22 63 1e 01 20 00"),
                arguments(named("privateDestinationIsNotAuthorizedWithoutAllowList",
                        connectMessage(new InetSocketAddress("10.1.2.3", 80))), "01 02 22 63 1e 01 20 00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedRequests")
    void refusedRequestGetsItsErrorAndTheApKeepsServing(byte[] request, String reply) throws Exception {
        expectReply(request, reply);
    }

    @Test
    void unknownClientIsNotAuthorized() throws Exception {
        try (TestClient c = connect(ClientSocketOptions.tcp().withSource(new InetSocketAddress("198.18.2.2", 0)))) {
            c.write(connectMessage(ECHO));
            assertEquals("01 02 22 63 1e 01 20 00", HEX.formatHex(c.readToEnd(T)));
        }
        assertStillServes();
    }

    @Test
    void serverResetReachesTheClientAsReset() throws Exception {
        try (TestClient c = mptcp()) {
            c.write(concat(connectMessage(RESET), "x".getBytes(StandardCharsets.US_ASCII)));
            assertArrayEquals(hex("01 01 22 63"), c.readExactly(4, T));
            c.readToEnd(T);
            assertTrue(c.wasReset(), () -> "expected a reset, got " + c.error);
        }
        assertStillServes();
    }

    @Test
    void silentClientIsClosedAfterHeaderTimeout() throws Exception {
        try (TestClient c = mptcp()) {
            assertEquals(0, c.readToEnd(T).length);
        }
        assertStillServes();
    }

    /** A connection closed (FIN) before its first byte, like a losing RobE attempt: abandoned, not an error. */
    @Test
    void clientClosingBeforeAnyByteIsAbandonedNotAProtocolError() throws Exception {
        await().atMost(T).until(this::activeSessions, v -> v == 0); // earlier tests' sessions have ended
        double abandoned = metricSum("haap_ap_sessions_abandoned_total");
        double ended = metricSum("haap_ap_sessions_ended_total");
        try (TestClient c = mptcp()) {
            c.shutdownOutput();
            assertEquals(0, c.readToEnd(T).length);
        }
        await().atMost(T).until(() -> metricSum("haap_ap_sessions_abandoned_total") == abandoned + 1);
        assertEquals(ended, metricSum("haap_ap_sessions_ended_total"), "not counted as an ended session");
        assertStillServes();
    }

    @Test
    void ipv6DestinationWorks() throws Exception {
        try (TestClient c = mptcp()) {
            c.write(concat(connectMessage(new InetSocketAddress("2001:db8:3::2", 7003)), hex("0a 0b 0c")));
            c.shutdownOutput();
            assertEquals("01 01 22 63 0a 0b 0c", HEX.formatHex(c.readToEnd(T)));
        }
    }

    @Test
    void externalPythonMptcpClientGetsSuccessThenServerBytes() throws Exception {
        Prerequisites.requireCommand("python3");
        String script = String.join("\n",
                "import socket",
                "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)",
                "s.connect(('198.18.1.1', 5124))",
                "s.sendall(bytes.fromhex('0106 2263 0a05 1b5b 00000000000000000000 ffff c6120302') + b'py')",
                "s.shutdown(socket.SHUT_WR)",
                "out = b''",
                "while True:",
                "    d = s.recv(4096)",
                "    if not d: break",
                "    out += d",
                "print(out.hex())");
        assertEquals("01012263" + "7079", client.exec("python3", "-c", script).trim());
    }

    /**
     * TCP Fast Open: the Convert message travels in the MP_CAPABLE SYN (the first connect
     * only fetches a cookie). The AP namespace's TCPFastOpenPassive counter proves the data
     * came with the SYN; the reply proves the AP honoured it.
     */
    @Test
    void convertMessageInTheSynIsHonoured() throws Exception {
        Prerequisites.requireCommand("python3");
        client.sysctl("net.ipv4.tcp_fastopen", "3");
        ap.sysctl("net.ipv4.tcp_fastopen", "3");
        long before = tcpExtCounter(ap, "TCPFastOpenPassive");
        String script = String.join("\n",
                "import socket",
                "msg = bytes.fromhex('0106 2263 0a05 1b5b 00000000000000000000 ffff c6120302') + b'tfo'",
                "for i in range(2):",
                "    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)",
                "    s.sendto(msg, socket.MSG_FASTOPEN, ('198.18.1.1', 5124))",
                "    s.shutdown(socket.SHUT_WR)",
                "    out = b''",
                "    while True:",
                "        d = s.recv(4096)",
                "        if not d: break",
                "        out += d",
                "    print(out.hex())",
                "    s.close()");
        assertEquals("01012263" + "74666f\n" + "01012263" + "74666f", client.exec("python3", "-c", script).trim());
        assertTrue(tcpExtCounter(ap, "TCPFastOpenPassive") > before, "no SYN carried data to the AP");
    }

    private static long tcpExtCounter(Netns ns, String name) {
        List<String> lines = ns.exec("cat", "/proc/net/netstat").lines()
                .filter(l -> l.startsWith("TcpExt:")).toList();
        List<String> names = List.of(lines.get(0).split("\\s+"));
        List<String> values = List.of(lines.get(1).split("\\s+"));
        return Long.parseLong(values.get(names.indexOf(name)));
    }

    @Test
    void thousandConcurrentConnectionsLeaveNoDescriptorBehind() throws Exception {
        await().atMost(T).until(this::activeSessions, v -> v == 0);
        int before = bed.apOpenFds();
        int n = 1000;
        List<TestClient> clients = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                // header at once: this AP's header timeout is 1 s
                TestClient c = mptcp();
                clients.add(c);
                c.write(concat(connectMessage(ECHO), ("conn-" + i).getBytes(StandardCharsets.US_ASCII)));
            }
            // all of them open at the same time on the AP, each with its upstream connection
            await().atMost(T).until(this::activeSessions, v -> v == n);
            assertTrue(bed.apOpenFds() >= before + 2 * n, "descriptors while " + n + " sessions are open");
            for (int i = 0; i < n; i++) {
                clients.get(i).shutdownOutput();
            }
            for (int i = 0; i < n; i++) {
                String want = "01 01 22 63 " + HEX.formatHex(("conn-" + i).getBytes(StandardCharsets.US_ASCII));
                assertEquals(want, HEX.formatHex(clients.get(i).readToEnd(T)), "connection " + i);
            }
        } finally {
            clients.forEach(TestClient::close);
        }
        await().atMost(T).until(this::activeSessions, v -> v == 0);
        await().atMost(T).until(() -> bed.apOpenFds() <= before);
        await().atMost(T).until(() -> bed.servers().stream().mapToInt(s -> s.open.get()).sum() == 0);
    }

    /** The AP's own count of open sessions, from its Prometheus endpoint. */
    private int activeSessions() {
        return (int) metricSum("haap_ap_sessions_active ");
    }

    private double metricSum(String prefix) {
        return bed.metricSum(prefix);
    }

    static InetAddress addr(String s) throws IOException {
        return InetAddress.getByName(s);
    }
}
