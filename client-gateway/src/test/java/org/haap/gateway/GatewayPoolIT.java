package org.haap.gateway;

import static org.awaitility.Awaitility.await;
import static org.haap.gateway.GatewayItFixture.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.haap.core.testing.Netns;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The warm pool end to end on a real kernel: namespaces lan (an unmodified client) → gw (the
 * gateway process with {@code robe.pool} on, TPROXY, two WANs) → ap (the real aggregation point
 * with a cookie, metrics on) → srv (an echo server). While every SYN from the gateway to the
 * AP is dropped, LAN connections still complete: they ride pooled connections, so none costs
 * a WAN handshake, and the AP accepts no connection meanwhile. A SIGHUP with new pool sizes
 * resizes the running pool on both sides.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class GatewayPoolIT {

    private static final int POOL_MIN = 6;
    private static final int POOL_MAX = 8;
    private static final Duration T = Duration.ofSeconds(30);

    @AutoClose
    private static GatewayItFixture bed;
    private static Netns gw;
    private static Netns ap;
    private static Process gateway;

    @BeforeAll
    static void setUp() throws Exception {
        bed = GatewayItFixture.create("p");
        gw = bed.gw;
        ap = bed.ap;
        bed.startAp("""
                  metrics { enabled = true, listen = "127.0.0.1:9124" }
                  limits.max-pooled-per-client = 16
                """);
        gateway = bed.startGateway(bed.writeFile("gateway.conf", GatewayItFixture.gatewayConfig("""
                  listen = ["0.0.0.0:15124"]
                  robe { mode = sim, pool { enabled = true, min = %d, max = %d, max-idle = 60s } }
                """.formatted(POOL_MIN, POOL_MAX))));
    }

    @Test
    @Order(1)
    void poolHitsCarryTheRightBytesWithoutAnyWanHandshake() throws Exception {
        await().atMost(T).until(() -> gwMetric("haap_gateway_pool_connections") == POOL_MIN);
        await().atMost(T).until(() -> apMetric("haap_ap_pool_connections") == POOL_MIN);
        double hitsBefore = gwMetric("haap_gateway_pool_takes_total{result=\"hit\"}");
        double setupsBefore = gwMetric("haap_gateway_establish_setup_seconds_count{mode=\"sim\"}");
        double acceptedBefore = apAccepted();
        double usedBefore = apMetric("haap_ap_pool_used_total");
        int n = POOL_MIN - 1;
        // From here no SYN from the gateway reaches the AP: a session that needed a WAN handshake
        // would fail (and the pool cannot refill).
        gw.exec("nft", "add table inet haaptpool");
        gw.exec("nft", "add chain inet haaptpool out { type filter hook output priority 0 ; }");
        gw.exec("nft", "add rule inet haaptpool out tcp dport 5124 tcp flags & (syn | ack) == syn counter drop");
        try {
            for (int i = 0; i < n; i++) {
                exchange(i);
            }
            assertEquals(hitsBefore + n, gwMetric("haap_gateway_pool_takes_total{result=\"hit\"}"), "every one a hit");
            assertEquals(setupsBefore, gwMetric("haap_gateway_establish_setup_seconds_count{mode=\"sim\"}"),
                    "no session established a connection of its own");
            assertEquals(acceptedBefore, apAccepted(), "the AP accepted no connection for them");
            assertEquals(usedBefore + n, apMetric("haap_ap_pool_used_total"), "each arrived on a pooled connection");
            assertTrue(gw.exec("nft", "list chain inet haaptpool out").contains("counter packets"),
                    "the drop rule is in place");
        } finally {
            gw.exec("nft", "delete table inet haaptpool");
        }
        // The pool refills (back-off of at most a few seconds after the dropped attempts).
        await().atMost(T).until(() -> gwMetric("haap_gateway_pool_connections") == POOL_MIN);
    }

    @Test
    @Order(2)
    void aBurstOfThreeTimesThePoolMaxCompletesAndNeitherSideHoldsMoreThanThePoolMax() throws Exception {
        double takesBefore = gwMetric("haap_gateway_pool_takes_total{result=\"miss\"}")
                + gwMetric("haap_gateway_pool_takes_total{result=\"hit\"}");
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 3 * POOL_MAX; i++) {
            int seed = 100 + i;
            Thread t = new Thread(() -> {
                try {
                    exchange(seed);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertEquals(List.of(), failures);
        assertEquals(takesBefore + 3 * POOL_MAX, gwMetric("haap_gateway_pool_takes_total{result=\"miss\"}")
                + gwMetric("haap_gateway_pool_takes_total{result=\"hit\"}"), "every connection looked in the pool");
        // Refilled, and never above the pool max, on either side.
        await().atMost(T).until(() -> gwMetric("haap_gateway_pool_connections") >= POOL_MIN);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                .until(() -> gwMetric("haap_gateway_pool_connections") <= POOL_MAX
                        && apMetric("haap_ap_pool_connections") <= POOL_MAX);
        // Only the pooled connections are left open on the AP: nothing half-open from the burst.
        await().atMost(T).until(() -> apMetric("haap_ap_sessions_active") <= POOL_MAX);
    }

    @Test
    @Order(3)
    void aReloadResizesTheRunningPoolOnBothSides() throws Exception {
        resizeTo(3);
        assertTrue(bed.gatewayLog().contains("applied robe.pool.min, robe.pool.max"), bed::gatewayLog);
        await().atMost(T).until(() -> apMetric("haap_ap_pool_connections") == 3);
        resizeTo(POOL_MAX + 2);
        await().atMost(T).until(() -> apMetric("haap_ap_pool_connections") == POOL_MAX + 2);
        exchange(200); // still serving, from the resized pool
    }

    /** Rewrites the file with pool min = max = {@code size}, sends SIGHUP, waits for the pool. */
    private static void resizeTo(int size) throws Exception {
        double ok = gwMetric("haap_gateway_config_reloads_total{result=\"ok\"}");
        bed.writeFile("gateway.conf", GatewayItFixture.gatewayConfig("""
                  listen = ["0.0.0.0:15124"]
                  robe { mode = sim, pool { enabled = true, min = %d, max = %d, max-idle = 60s } }
                """.formatted(size, size)));
        bed.hangUpGateway();
        await().atMost(T).until(() -> gwMetric("haap_gateway_config_reloads_total{result=\"ok\"}") == ok + 1);
        await().atMost(T).until(() -> gwMetric("haap_gateway_pool_connections") == size);
    }

    @Test
    @Order(4)
    void stoppingTheGatewayLeavesNoPooledOrHalfOpenConnectionOnTheAp() throws Exception {
        gateway.destroy();
        assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "gateway did not stop on SIGTERM");
        await().atMost(T).until(() -> apMetric("haap_ap_pool_connections") == 0.0);
        await().atMost(T).until(() -> apMetric("haap_ap_sessions_active") == 0.0);
        String sockets = ap.exec("ss", "-Htn", "state", "established", "sport", "= :5124");
        assertEquals("", sockets.strip(), "established connections left on the AP");
    }

    // --- helpers

    private static void exchange(int seed) throws Exception {
        byte[] data = new byte[4 * 1024 + seed];
        new Random(seed).nextBytes(data);
        bed.echoRoundTrip(GatewayItFixture.ECHO, data, seed);
    }

    private static double apAccepted() {
        String text = ap.exec("curl", "-sf", "http://127.0.0.1:9124/metrics");
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("haap_ap_connections_accepted_total")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static double gwMetric(String sample) {
        return bed.gatewayMetric(sample);
    }

    private static double apMetric(String sample) {
        return metric(ap.exec("curl", "-sf", "http://127.0.0.1:9124/metrics"), sample);
    }
}
