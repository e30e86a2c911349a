package org.haap.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.haap.core.testing.ClassHistogram;
import org.haap.core.testing.ProcessStats;
import org.haap.core.testing.SilentServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an idle relayed connection costs the gateway's and the AP's heap: LAN clients connect
 * through the gateway and the AP to a {@link SilentServer}, then nothing moves. Each
 * process's class histogram (after a full GC) is taken before the first connection, at
 * {@link #WARM} connections and at {@link #sessions()} connections; the growth per
 * connection is printed, in all and for the top classes, and then each process's CPU while
 * the connections idle and its RSS growth. Asserted: every connection is
 * relayed, the relay's meters and every other Micrometer object are shared on both sides,
 * the idle connections' subflows are still counted per WAN,
 * and the sessions end when the clients and the server close. {@code -Dhaap.it.idle.sessions=N} sets the
 * number (default 2,000).
 */
class GatewayIdleSessionsIT {

    private static final InetSocketAddress SILENT = new InetSocketAddress("198.18.1.2", 7008);
    private static final String RELAYED = "haap_gateway_connections_intercepted_total{result=\"relayed\"}";
    /** Connections opened before the second histograms, so one-time costs stay out of the per-session table. */
    private static final int WARM = 200;
    /** Classes listed per session ({@code -Dhaap.it.idle.top=N}). */
    private static final int TOP = Integer.getInteger("haap.it.idle.top", 40);
    /** Connections opened before waiting for them to be relayed. */
    private static final int BATCH = 100;
    private static final Duration T = Duration.ofSeconds(60);
    /** How long the idle processes' CPU time is measured (printed, not asserted). */
    private static final Duration IDLE_CPU_WINDOW = Duration.ofSeconds(5);

    private GatewayItFixture bed;
    private Process ap;
    private Process gateway;
    private SilentServer silent;
    private final List<Socket> clients = new ArrayList<>();

    private static int sessions() {
        return Integer.getInteger("haap.it.idle.sessions", 2000);
    }

    @BeforeEach
    void setUp() throws Exception {
        bed = GatewayItFixture.create("gwidle");
        silent = SilentServer.start(bed.srv, SILENT);
        int limit = sessions() + 100;
        ap = bed.startAp("limits { max-sessions = %d, max-sessions-per-client = %d }".formatted(limit, limit));
        gateway = bed.startGateway(bed.writeFile("gateway.conf", GatewayItFixture.gatewayConfig("""
                  listen = ["0.0.0.0:15124"]
                """)));
    }

    @AfterEach
    void tearDown() throws Exception {
        closeClients();
        if (silent != null) {
            silent.close();
        }
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void idleConnectionsShareTheirMetersAndReportTheirHeap() throws Exception {
        int n = sessions();
        ClassHistogram gwEmpty = ClassHistogram.of(gateway.pid());
        ClassHistogram apEmpty = ClassHistogram.of(ap.pid());
        long gwRssEmpty = ProcessStats.rssKib(gateway.pid());
        long apRssEmpty = ProcessStats.rssKib(ap.pid());
        long started = System.nanoTime();
        open(WARM);
        ClassHistogram gwWarm = ClassHistogram.of(gateway.pid());
        ClassHistogram apWarm = ClassHistogram.of(ap.pid());
        open(n - WARM);
        double seconds = (System.nanoTime() - started) / 1e9;
        ClassHistogram gwFull = ClassHistogram.of(gateway.pid());
        ClassHistogram apFull = ClassHistogram.of(ap.pid());

        assertEquals(n, bed.gatewayMetric("haap_gateway_sessions_active"));
        assertEquals(n, bed.gatewayMetric(RELAYED));
        gwFull.assertMetersShared("gateway", gwWarm, n - WARM);
        apFull.assertMetersShared("AP", apWarm, n - WARM);
        System.out.printf(Locale.ROOT, "gateway idle sessions IT: %d connections relayed in %.1f s%n", n, seconds);
        gwFull.report("gateway idle sessions IT: gateway", gwEmpty, gwWarm, WARM, n, TOP).forEach(System.out::println);
        apFull.report("gateway idle sessions IT: AP", apEmpty, apWarm, WARM, n, TOP).forEach(System.out::println);
        System.out.printf(Locale.ROOT, "gateway idle sessions IT: CPU with %d idle connections over %d s:"
                + " gateway %.1f %%, AP %.1f %% of a core%n", n, IDLE_CPU_WINDOW.toSeconds(),
                100 * ProcessStats.shareOfACore(gateway.pid(), IDLE_CPU_WINDOW),
                100 * ProcessStats.shareOfACore(ap.pid(), IDLE_CPU_WINDOW));
        // the WAN accounting no longer samples these quiet connections, but still counts their subflows
        double subflows = bed.gatewayMetric("haap_gateway_wan_subflows{wan=\"wa\"}")
                + bed.gatewayMetric("haap_gateway_wan_subflows{wan=\"wb\"}");
        assertTrue(subflows >= n, () -> subflows + " established subflows for " + n + " idle connections");
        long gwRss = ProcessStats.rssKib(gateway.pid());
        long apRss = ProcessStats.rssKib(ap.pid());
        System.out.printf(Locale.ROOT, "gateway idle sessions IT: RSS before the first connection and after that"
                + " CPU window: gateway %d -> %d KiB (%.1f KiB per connection), AP %d -> %d KiB (%.1f KiB per"
                + " connection)%n", gwRssEmpty, gwRss, (gwRss - gwRssEmpty) / (double) n, apRssEmpty, apRss,
                (apRss - apRssEmpty) / (double) n);

        // both ends close (a client's FIN alone leaves the sessions half-closed)
        closeClients();
        silent.close();
        await().atMost(T).until(() -> bed.gatewayMetric("haap_gateway_sessions_active") == 0);
    }

    /** Opens {@code count} more LAN connections to the silent server and waits until each is relayed. */
    private void open(int count) throws Exception {
        for (int done = 0; done < count; done += BATCH) {
            for (int i = 0; i < Math.min(BATCH, count - done); i++) {
                clients.add(bed.lan.call(() -> {
                    Socket s = new Socket();
                    s.connect(SILENT, (int) T.toMillis());
                    return s;
                }));
            }
            int expected = clients.size();
            await().atMost(T).until(() -> bed.gatewayMetric(RELAYED) >= expected && silent.accepted() >= expected);
        }
    }

    private void closeClients() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        clients.clear();
    }
}
