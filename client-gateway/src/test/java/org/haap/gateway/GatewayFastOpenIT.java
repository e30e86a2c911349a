package org.haap.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * 0-RTT exactly once (issue 14), on a real kernel: the {@link GatewayItFixture} namespaces
 * with the real AP (TCP Fast Open server bit on, as the shipped sysctl file sets it) and the
 * real gateway (robe.mode = sim, no pool, robe.fast-open on), and a counting server in
 * srv. Each LAN connection sends one request line with a unique id; the server counts every
 * line it receives and answers with the line's SHA-256. For each loss pattern, injected with
 * nftables {@code numgen random} drops of SYNs leaving the gateway on WAN wa, or of SYN/ACKs
 * leaving the AP on one WAN, {@value #CONNECTIONS} connections must each get the SHA-256 of
 * their own request, and the server must have seen every request exactly once, although
 * every attempt carried the request in its SYN. The AP's passive Fast Open counter proves the
 * requests did travel in SYNs; its duplicate-attempt counter that the copies were refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class GatewayFastOpenIT {

    static final int CONNECTIONS = 300;
    private static final int PARALLEL = 30;
    private static final int PORT = 7011;
    private static final InetSocketAddress COUNTING = new InetSocketAddress("198.18.1.2", PORT);

    private static GatewayItFixture bed;
    private static GatewayItFixture.CountingServer counting;

    @BeforeAll
    static void setUp() throws Exception {
        org.haap.core.testing.Prerequisites.requireCommand("nstat");
        bed = GatewayItFixture.create("f");
        bed.ap.sysctl("net.ipv4.tcp_fastopen", "3");
        counting = bed.countingServer(COUNTING, 256, line -> "SHA " + sha256(line));
        bed.startAp("");
        bed.startGateway(bed.writeFile("gateway.conf", GatewayItFixture.gatewayConfig("""
                  listen = ["0.0.0.0:15124"]
                  robe { mode = sim, fast-open.enabled = true }
                """)));
        // the first connection on each WAN fetches the AP's TFO cookie for that source address
        run("warm-up", 20);
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    @Order(1)
    void noLossEveryRequestOnceAndInTheSyn() throws Exception {
        long passive = fastOpenPassive();
        double duplicates = apMetric("haap_ap_rejected_total{reason=\"duplicate_attempt\"}");
        run("none", CONNECTIONS);
        assertTrue(fastOpenPassive() - passive >= CONNECTIONS,
                "the AP took data from at least one SYN per connection: " + (fastOpenPassive() - passive));
        assertTrue(apMetric("haap_ap_rejected_total{reason=\"duplicate_attempt\"}") - duplicates > 0,
                "racing copies were refused as duplicates");
    }

    @Test
    @Order(2)
    void halfTheSynsOnOneWanLost() throws Exception {
        withLoss(bed.gw, "oifname \"wa\" tcp flags & (syn | ack) == syn", 50, () -> run("syn50", CONNECTIONS));
    }

    @Test
    @Order(3)
    void everySynOnOneWanLost() throws Exception {
        withLoss(bed.gw, "oifname \"wa\" tcp flags & (syn | ack) == syn", 100, () -> run("syn100", CONNECTIONS));
    }

    @Test
    @Order(4)
    void halfTheSynAcksOnWanALost() throws Exception {
        withLoss(bed.ap, "oifname \"wa-ap\" tcp flags & (syn | ack) == syn | ack", 50,
                () -> run("synack50-wa", CONNECTIONS));
    }

    @Test
    @Order(5)
    void halfTheSynAcksOnWanBLost() throws Exception {
        withLoss(bed.ap, "oifname \"wb-ap\" tcp flags & (syn | ack) == syn | ack", 50,
                () -> run("synack50-wb", CONNECTIONS));
    }

    private interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} while {@code ns} drops {@code percent} % of its outgoing packets matching {@code match}. */
    private static void withLoss(org.haap.core.testing.Netns ns, String match, int percent, Body body)
            throws Exception {
        String rule = percent >= 100 ? match + " counter drop" : match + " numgen random mod 100 < " + percent
                + " counter drop";
        ns.exec("nft", "add table inet haapt_loss");
        ns.exec("nft", "add chain inet haapt_loss out { type filter hook output priority 0 ; }");
        ns.exec("nft", "add rule inet haapt_loss out " + rule);
        try {
            body.run();
            String counters = ns.exec("nft", "list chain inet haapt_loss out");
            assertTrue(counters.matches("(?s).*counter packets [1-9].*"), "the loss rule dropped packets: " + counters);
        } finally {
            ns.exec("nft", "delete table inet haapt_loss");
        }
    }

    /**
     * {@code n} LAN connections, {@value #PARALLEL} at a time, each sending one unique request;
     * asserts each got the SHA-256 of its request and the server counted each request once.
     */
    private static void run(String phase, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<String>> results = new ArrayList<>();
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] noise = new byte[600];
                ThreadLocalRandom.current().nextBytes(noise);
                String request = "REQ " + phase + "-" + i + " " + HexFormat.of().formatHex(noise);
                requests.add(request);
                results.add(pool.submit(() -> exchange(request)));
            }
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String answer = results.get(i).get(60, TimeUnit.SECONDS);
                if (!("SHA " + sha256(requests.get(i))).equals(answer)) {
                    problems.add(requests.get(i).substring(0, 20) + ": " + answer);
                }
            }
            assertEquals(List.of(), problems, phase + ": every connection gets the hash of its own request");
            for (String r : requests) {
                assertEquals(1, counting.count(r), phase + ": the server saw " + r.substring(0, 20) + " once");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One LAN connection: the request, then the answer line ("reset", "eof" or the line). */
    private static String exchange(String request) throws Exception {
        try (Socket s = bed.lan.call(() -> {
            Socket socket = new Socket();
            socket.connect(COUNTING, 10_000);
            return socket;
        })) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write((request + "\n").getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String answer = in.readLine();
            return answer == null ? "eof" : answer;
        } catch (IOException e) {
            return "failed: " + e.getMessage();
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static long fastOpenPassive() {
        String out = bed.ap.exec("nstat", "-az", "TcpExtTCPFastOpenPassive");
        for (String line : out.split("\n")) {
            if (line.startsWith("TcpExtTCPFastOpenPassive")) {
                return Long.parseLong(line.trim().split("\\s+")[1]);
            }
        }
        throw new AssertionError("no TcpExtTCPFastOpenPassive in: " + out);
    }

    private static double apMetric(String sample) {
        return GatewayItFixture.metric(bed.ap.exec("curl", "-sf", "http://127.0.0.1:9124/metrics"), sample);
    }
}
