package org.haap.ap;

import static org.awaitility.Awaitility.await;
import static org.haap.ap.ApItFixture.HEX;
import static org.haap.ap.ApItFixture.T;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.mptcp.ClientSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * File descriptors of idle relayed sessions on a real AP: {@value #SESSIONS} MPTCP sessions
 * to an echo server, each with a small exchange, cost the AP at most 2 fds each (their two
 * sockets; a small request or reply borrows no splice pipe), plus the few pipes an event loop
 * keeps for reuse. Then {@value #BULK} bytes go through every session at once, both ways, and
 * come back intact (spliced, with pipes lent while the bytes flow), and once the data has
 * stopped the AP is back to 2 fds per session: every pipe given back.
 *
 * <pre>
 *  client ns                         ap ns                          server ns
 *  198.18.51.2  c1 ─── a1 198.18.51.1 :5124
 *                                    a3 198.18.53.1 ─── s3 198.18.53.2 (:7005 echo)
 * </pre>
 */
class AggregationPointIdleFdsIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.51.1", 5124);
    private static final InetSocketAddress ECHO = new InetSocketAddress("198.18.53.2", 7005);
    private static final byte[] COOKIE = "idle-fds-secret".getBytes(StandardCharsets.UTF_8);
    private static final int SESSIONS = 200;
    private static final int BULK = 256 * 1024;
    private static final int EVENT_LOOPS = 2;
    /**
     * What the AP may hold beyond 2 fds per session: the empty pipes its event loops keep
     * for reuse (4 each, 2 fds per pipe) and a few more (a metrics scrape, a jar the class
     * loader opens late).
     */
    private static final int SLACK = EVENT_LOOPS * 4 * 2 + 16;

    private ApItFixture bed;
    private final List<TestClient> sessions = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        bed = ApItFixture.create("ifd");
        bed.linkThrough(51, 53);
        bed.serve(ECHO, TestServer.Mode.ECHO);
        bed.startAp("256m", """
                haap.aggregation-point {
                  listen = ["198.18.51.1:5124"]
                  event-loops = %d
                  clients.allow = ["198.18.51.0/24"]
                  destinations.allow = ["198.18.53.0/24"]
                  cookies = ["idle-fds-secret"]
                  timeouts.drain = 2s
                  metrics.listen = "127.0.0.1:9124"
                }
                """.formatted(EVENT_LOOPS));
    }

    /** A session through the AP to the echo server. */
    private TestClient openSession() throws Exception {
        TestClient c = bed.connect(AP, ClientSocketOptions.mptcp());
        c.write(ConvertCodec.encode(ConvertMessage.connect(ECHO, COOKIE)));
        assertArrayEquals(HEX.parseHex("01 01 22 63"), c.readExactly(4, T));
        return c;
    }

    @AfterEach
    void tearDown() {
        sessions.forEach(TestClient::close);
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void idleSessionsHoldTwoFdsAndPipesAreLentOnlyWhileBytesFlow() throws Exception {
        try (TestClient warmUp = openSession()) { // the splice path's classes loaded, a pipe pooled
            byte[] block = new byte[BULK];
            new TestData(-1).fill(block, 0, BULK);
            warmUp.write(block);
            assertArrayEquals(block, warmUp.readExactly(BULK, T));
        }
        await().atMost(T).until(() -> bed.metricSum("haap_relay_splice_pipes{state=\"in_use\"") == 0);
        double pooled = bed.metricSum("haap_relay_splice_pipes{state=\"pooled\"");
        assertTrue(pooled >= 1, "the warm-up's pipes given back to the pool");
        int base = bed.apOpenFds();
        for (int i = 0; i < SESSIONS; i++) {
            TestClient c = openSession();
            sessions.add(c);
            byte[] hello = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
            c.write(hello);
            assertArrayEquals(hello, c.readExactly(hello.length, T));
        }
        int idle = bed.apOpenFds();
        System.out.printf("idle-fds IT: %d fds before (%.0f pipes pooled), %d with %d idle sessions (%.2f per session)%n",
                base, pooled, idle, SESSIONS, (idle - base) / (double) SESSIONS);
        assertTrue(idle - base <= 2 * SESSIONS + SLACK,
                () -> (idle - base) + " more fds for " + SESSIONS + " idle sessions");

        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            byte[] block = new byte[BULK];
            new TestData(i).fill(block, 0, BULK);
            sent.add(block);
            sessions.get(i).writeAsync(block);
        }
        int busy = bed.apOpenFds();
        for (int i = 0; i < SESSIONS; i++) {
            assertArrayEquals(sent.get(i), sessions.get(i).readExactly(BULK, T), "session " + i);
        }
        await().atMost(T).until(() -> bed.apOpenFds() - base <= 2 * SESSIONS + SLACK);
        int after = bed.apOpenFds();
        System.out.printf("idle-fds IT: %d fds while %d sessions moved %d bytes each way, %d once the data stopped%n",
                busy, SESSIONS, BULK, after);
        await().atMost(T).until(() -> bed.metricSum("haap_relay_splice_pipes{state=\"in_use\"") == 0);
        assertEquals(0, bed.metricSum("haap_relay_splice_pipe_shortages_total"));
        assertTrue(bed.metricSum("haap_relay_splice_pipes{state=\"pooled\"") <= EVENT_LOOPS * 4);

        sessions.forEach(TestClient::close);
        sessions.clear();
        await().atMost(T).until(() -> bed.apOpenFds() - base <= SLACK);
        assertTrue(bed.apRunning());
    }
}
