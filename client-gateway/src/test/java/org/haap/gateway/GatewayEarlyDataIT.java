package org.haap.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.haap.gateway.FaultyAp.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A client's first bytes go upstream at most once (issue 12, defect 7), on a real kernel:
 * the {@link GatewayItFixture} namespaces with the real gateway process (warm pool on), but
 * in namespace ap a {@link FaultyAp} instead of the aggregation point, and in srv a server
 * that counts each request it receives. The faulty AP takes the Convert message and the
 * client's request from a pooled connection, forwards the request to the counting server,
 * then closes, resets or answers garbage without a reply: the server must see the request
 * exactly once, and the LAN client a reset, never a second answer. When the faulty AP
 * instead refuses with Error 64 before connecting anywhere, the gateway sends the same
 * bytes on a fresh connection and the client gets its answer, the request still counted once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class GatewayEarlyDataIT {

    private static final int COUNTING_PORT = 7010;
    private static final InetSocketAddress COUNTING = new InetSocketAddress("198.18.1.2", COUNTING_PORT);
    private static final Duration T = Duration.ofSeconds(30);

    private static GatewayItFixture bed;
    private static FaultyAp faultyAp;
    private static GatewayItFixture.CountingServer counting;
    private static final AtomicInteger ids = new AtomicInteger();

    @BeforeAll
    static void setUp() throws Exception {
        bed = GatewayItFixture.create("e");
        counting = bed.countingServer(COUNTING, 64, line -> "ANSWER " + line);
        faultyAp = FaultyAp.start(bed.ap, new InetSocketAddress("198.18.0.1", 5124), COUNTING);
        // One event loop, so the LAN connection meets the loop whose pool is filled; no link
        // monitor, as the faulty AP answers no probes.
        bed.startGateway(bed.writeFile("gateway.conf", GatewayItFixture.gatewayConfig("""
                  listen = ["0.0.0.0:15124"]
                  event-loops = 1
                  robe { mode = sim, pool { enabled = true, min = 1, max = 1, max-idle = 60s } }
                  link-monitor.enabled = false
                """)));
    }

    @AfterAll
    static void tearDown() throws IOException {
        try {
            if (faultyAp != null) {
                faultyAp.close();
            }
        } finally {
            if (bed != null) {
                bed.close();
            }
        }
    }

    @Test
    @Order(1)
    void aPooledConnectionClosedAfterTheApForwardedTheRequestResetsTheClientAndIsNotRetried() throws Exception {
        assertRequestArrivesOnceAndTheClientIsReset(Fault.FORWARD_THEN_CLOSE);
    }

    @Test
    @Order(2)
    void aPooledConnectionResetAfterTheApForwardedTheRequestResetsTheClientAndIsNotRetried() throws Exception {
        assertRequestArrivesOnceAndTheClientIsReset(Fault.FORWARD_THEN_RESET);
    }

    @Test
    @Order(3)
    void anUndecodableReplyAfterTheApForwardedTheRequestResetsTheClientAndIsNotRetried() throws Exception {
        assertRequestArrivesOnceAndTheClientIsReset(Fault.FORWARD_THEN_GARBAGE);
    }

    @Test
    @Order(4)
    void aRefusalBeforeAnyUpstreamConnectIsSentAgainOnAFreshConnection() throws Exception {
        faultyAp.fault(Fault.REFUSE_RESOURCE_EXCEEDED);
        double retried = bed.gatewayMetric("haap_gateway_pool_failures_total{action=\"retried\"}");
        double refusals = bed.gatewayMetric("haap_gateway_convert_errors_received_total{code=\"resource_exceeded\"}");
        String request = pooledRequest();
        assertEquals("ANSWER " + request, exchange(request), "the answer, over the fresh connection");
        assertEquals(1, count(request), "the request reached the server once");
        assertEquals(retried + 1, bed.gatewayMetric("haap_gateway_pool_failures_total{action=\"retried\"}"));
        assertEquals(refusals + 1,
                bed.gatewayMetric("haap_gateway_convert_errors_received_total{code=\"resource_exceeded\"}"));
    }

    private static void assertRequestArrivesOnceAndTheClientIsReset(Fault fault) throws Exception {
        faultyAp.fault(fault);
        double resets = bed.gatewayMetric("haap_gateway_pool_failures_total{action=\"reset\"}");
        double retried = bed.gatewayMetric("haap_gateway_pool_failures_total{action=\"retried\"}");
        String request = pooledRequest();
        String outcome = exchange(request);
        // A retry would reach the server within a round trip or two; give it ample time.
        await("no second copy of the request").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> count(request) <= 1);
        assertEquals(1, count(request), "the faulty AP forwarded the request once, and nobody again");
        assertEquals("reset", outcome, "the LAN client's view");
        assertEquals(resets + 1, bed.gatewayMetric("haap_gateway_pool_failures_total{action=\"reset\"}"));
        assertEquals(retried, bed.gatewayMetric("haap_gateway_pool_failures_total{action=\"retried\"}"));
    }

    /**
     * Waits until the gateway's pool holds a connection, so the next LAN connection is a
     * pool hit; returns a request line no other test uses.
     */
    private static String pooledRequest() {
        await().atMost(T).until(() -> bed.gatewayMetric("haap_gateway_pool_connections") >= 1);
        return "REQ " + ids.incrementAndGet() + " " + System.nanoTime();
    }

    /**
     * Sends {@code request} (one line) from the LAN and returns the answer line, "reset" if
     * the connection was reset, "eof" if it ended without an answer. Checks that the request
     * rode a pooled connection and that no second answer follows the first.
     */
    private static String exchange(String request) throws Exception {
        int pooledBefore = faultyAp.pooledConnects();
        double hits = bed.gatewayMetric("haap_gateway_pool_takes_total{result=\"hit\"}");
        String outcome;
        try (Socket s = bed.lan.call(() -> {
            Socket socket = new Socket();
            socket.connect(COUNTING, 10_000);
            return socket;
        })) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write((request + "\n").getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            try {
                String answer = in.readLine();
                if (answer == null) {
                    outcome = "eof";
                } else {
                    s.shutdownOutput();
                    String more = in.readLine();
                    if (more != null) {
                        fail("a second answer: " + more);
                    }
                    outcome = answer;
                }
            } catch (SocketException e) {
                assertTrue(String.valueOf(e.getMessage()).contains("reset"), () -> "not a reset: " + e);
                outcome = "reset";
            }
        }
        assertEquals(hits + 1, bed.gatewayMetric("haap_gateway_pool_takes_total{result=\"hit\"}"), "a pool hit");
        assertEquals(pooledBefore + 1, faultyAp.pooledConnects(), "the Connect came on a pooled connection");
        return outcome;
    }

    private static int count(String request) {
        return counting.count(request);
    }
}
