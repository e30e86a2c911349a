package org.haap.ap;

import static org.awaitility.Awaitility.await;
import static org.haap.ap.ApItFixture.HEX;
import static org.haap.ap.ApItFixture.T;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.testing.ClassHistogram;
import org.haap.core.testing.SilentServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an idle relaying session costs the AP's heap: MPTCP clients open sessions to a
 * {@link SilentServer}, then nothing moves. The AP's class histogram (after a full GC) is
 * taken before the first session, at {@link #WARM} sessions and at {@link #sessions()}
 * sessions; the growth per session is printed, in all and for the top classes. Asserted:
 * every session is relaying, the relay's meters and every other Micrometer object are
 * shared (no per-session meter, tag or listener copy), and the sessions end when the
 * clients and the server close. {@code -Dhaap.it.idle.sessions=N} sets the number (default 2,000).
 *
 * <pre>
 *  client ns                         ap ns                          server ns
 *  198.18.46.2  c1 ─── a1 198.18.46.1 :5146
 *                                    a3 198.18.47.1 ─── s3 198.18.47.2 (:7047 accepts, silent)
 * </pre>
 */
class AggregationPointIdleSessionsIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.46.1", 5146);
    private static final InetSocketAddress SILENT = new InetSocketAddress("198.18.47.2", 7047);
    private static final byte[] COOKIE = "idle-secret".getBytes(StandardCharsets.UTF_8);
    /** Sessions opened before the second histogram, so one-time costs stay out of the per-session table. */
    private static final int WARM = 200;
    /** Classes listed per session ({@code -Dhaap.it.idle.top=N}). */
    private static final int TOP = Integer.getInteger("haap.it.idle.top", 40);
    /** Connects written before their replies are read. */
    private static final int BATCH = 100;

    private ApItFixture bed;
    private SilentServer silent;
    private final List<TestClient> clients = new ArrayList<>();

    private static int sessions() {
        return Integer.getInteger("haap.it.idle.sessions", 2000);
    }

    @BeforeEach
    void setUp() throws Exception {
        bed = ApItFixture.create("idle");
        bed.linkThrough(46, 47);
        silent = SilentServer.start(bed.server, SILENT);
        int limit = sessions() + 10;
        bed.startAp("512m", """
                haap.aggregation-point {
                  listen = ["198.18.46.1:5146"]
                  clients.allow = ["198.18.46.0/24"]
                  destinations.allow = ["198.18.47.0/24"]
                  cookies = ["idle-secret"]
                  limits { max-sessions = %d, max-sessions-per-client = %d }
                  metrics.listen = "127.0.0.1:9124"
                }
                """.formatted(limit, limit));
    }

    @AfterEach
    void tearDown() throws IOException {
        clients.forEach(TestClient::close);
        clients.clear();
        if (silent != null) {
            silent.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void idleSessionsShareTheirMetersAndReportTheirHeap() throws Exception {
        int n = sessions();
        long pid = bed.apProcess().pid();
        ClassHistogram empty = ClassHistogram.of(pid);
        long started = System.nanoTime();
        open(WARM);
        ClassHistogram warm = ClassHistogram.of(pid);
        open(n - WARM);
        double seconds = (System.nanoTime() - started) / 1e9;
        await().atMost(T).until(() -> silent.accepted() >= n);
        ClassHistogram full = ClassHistogram.of(pid);

        assertEquals(n, bed.metricSum("haap_ap_sessions_active"));
        full.assertMetersShared("AP", warm, n - WARM);
        System.out.printf(Locale.ROOT, "idle sessions IT: %d sessions opened in %.1f s%n", n, seconds);
        full.report("idle sessions IT: AP", empty, warm, WARM, n, TOP).forEach(System.out::println);

        // both ends close (a client's FIN alone leaves the session half-closed)
        clients.forEach(TestClient::close);
        clients.clear();
        silent.close();
        await().atMost(T).until(() -> bed.metricSum("haap_ap_sessions_active") == 0);
    }

    /** Opens {@code count} relaying sessions to the silent server, {@link #BATCH} connects at a time. */
    private void open(int count) throws Exception {
        byte[] connect = ConvertCodec.encode(ConvertMessage.connect(SILENT, COOKIE));
        byte[] success = HEX.parseHex("01 01 22 63");
        for (int done = 0; done < count; done += BATCH) {
            List<TestClient> batch = new ArrayList<>();
            for (int i = 0; i < Math.min(BATCH, count - done); i++) {
                TestClient c = bed.connect(AP, ClientSocketOptions.mptcp());
                clients.add(c);
                batch.add(c);
                c.writeAsync(connect);
            }
            for (TestClient c : batch) {
                assertArrayEquals(success, c.readExactly(success.length, T));
            }
        }
    }
}
