package org.haap.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway's link monitor under CPU starvation, in the {@link GatewayItFixture}
 * namespaces with the real gateway and AP processes (default link-monitor settings: a probe
 * per WAN every 200 ms, 300 ms timeout, down after 3): once both WANs are up and settled,
 * while busy threads, two per CPU, saturate every core for 20 s and a LAN client keeps
 * echoing through the gateway, no WAN goes down (degraded is allowed: the AP, on the same
 * starved cores, may answer late; the count is printed); then a real fault (every packet from WAN wa dropped in the AP's namespace, a
 * silent blackhole) still makes wa down within a second or so while wb stays up, and wa
 * comes back once the drop ends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(240)
class GatewayLinkStarvationIT {

    private static final Duration HOG = Duration.ofSeconds(20);
    private static final String BLACKHOLE_TABLE = "haapt_blackhole";

    private static GatewayItFixture bed;

    @BeforeAll
    static void setUp() throws Exception {
        bed = GatewayItFixture.create("s");
        bed.startAp("");
        bed.startGateway(bed.writeFile("gateway.conf", GatewayItFixture.gatewayConfig("""
                  listen = ["0.0.0.0:15124"]
                """)));
        // Settled: both up, and at least a full window (10 probes) answered on each since the
        // start (a cold start on either side can degrade a WAN for a moment).
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String m = bed.gatewayMetrics();
            return state(m, "wa", "up") == 1 && state(m, "wb", "up") == 1
                    && sum(m, "haap_gateway_wan_probe_rtt_seconds_count{wan=\"wa\"}") >= 25
                    && sum(m, "haap_gateway_wan_probe_rtt_seconds_count{wan=\"wb\"}") >= 25;
        });
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (bed != null) {
            try {
                bed.ap.exec("nft", "delete", "table", "inet", BLACKHOLE_TABLE);
            } catch (RuntimeException absent) {
                // not there: the fault test did not get that far, or removed it
            }
            bed.close();
        }
    }

    @Test
    @Order(1)
    void noWanIsDownWhileEveryCoreIsSaturatedFor20Seconds() throws Exception {
        String before = bed.gatewayMetrics();
        System.out.println("state changes before the load (cold start): "
                + sum(before, "haap_gateway_wan_state_changes_total{"));

        long deadline = System.nanoTime() + HOG.toNanos();
        AtomicLong spins = new AtomicLong();
        List<Thread> hogs = new ArrayList<>();
        int threads = 2 * Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < deadline) {
                    n++;
                }
                spins.addAndGet(n);
            }, "haapt-cpu-hog-" + i);
            t.setDaemon(true);
            hogs.add(t);
        }
        AtomicInteger echoed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Thread client = new Thread(() -> {
            byte[] data = new byte[64 * 1024];
            while (System.nanoTime() < deadline) {
                try {
                    bed.echoRoundTrip(GatewayItFixture.ECHO, data, echoed.get());
                    echoed.incrementAndGet();
                } catch (Exception | AssertionError e) {
                    failed.incrementAndGet();
                    System.out.println("echo through the gateway failed under load: " + e);
                }
            }
        }, "haapt-echo-client");
        client.setDaemon(true);
        hogs.forEach(Thread::start);
        client.start();
        for (Thread t : hogs) {
            t.join(HOG.plusSeconds(10).toMillis());
        }
        client.join(Duration.ofSeconds(60).toMillis());
        assertTrue(hogs.stream().noneMatch(Thread::isAlive) && !client.isAlive(), "the load ended");

        String after = bed.gatewayMetrics();
        System.out.printf(Locale.ROOT, "%d busy threads for %d s (%d spins); %d echo round trips through the"
                + " gateway, %d failed; probes answered wa %+.0f wb %+.0f, lost wa %+.0f wb %+.0f%n", threads,
                HOG.toSeconds(), spins.get(), echoed.get(), failed.get(),
                delta(before, after, "haap_gateway_wan_probe_rtt_seconds_count{wan=\"wa\"}"),
                delta(before, after, "haap_gateway_wan_probe_rtt_seconds_count{wan=\"wb\"}"),
                delta(before, after, "haap_gateway_wan_probes_lost_total{wan=\"wa\"}"),
                delta(before, after, "haap_gateway_wan_probes_lost_total{wan=\"wb\"}"));
        System.out.println("state changes during the load: "
                + delta(before, after, "haap_gateway_wan_state_changes_total{") + "\n" + stateLines(bed.gatewayLog()));
        assertEquals(0, delta(before, after, "haap_gateway_wan_state_changes_total{state=\"down\","),
                () -> "a WAN went down under CPU load alone:\n" + stateLines(bed.gatewayLog()));
        assertEquals(1, state(after, "wa", "up"));
        assertEquals(1, state(after, "wb", "up"));
        // The monitor kept probing through the load (5 probes per second per WAN).
        for (String wan : List.of("wa", "wb")) {
            assertTrue(delta(before, after, "haap_gateway_wan_probes_sent_total{wan=\"" + wan + "\"}") >= 50,
                    wan + " was probed during the load");
        }
        assertTrue(echoed.get() > 0, "sessions went through the gateway during the load");
        assertEquals(0, failed.get(), "echo round trips that failed during the load");
    }

    @Test
    @Order(2)
    void aSilentBlackholeOnOneWanIsStillFoundQuickly() {
        bed.ap.exec("nft", "add", "table", "inet", BLACKHOLE_TABLE);
        bed.ap.exec("nft", "add", "chain", "inet", BLACKHOLE_TABLE, "in",
                "{ type filter hook prerouting priority -300 ; }");
        bed.ap.exec("nft", "add", "rule", "inet", BLACKHOLE_TABLE, "in", "iifname", "wa-ap", "drop");
        long dropped = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> state(bed.gatewayMetrics(), "wa", "down") == 1);
        System.out.printf(Locale.ROOT, "wa down %.0f ms after its packets were dropped (detection bound 900 ms)%n",
                (System.nanoTime() - dropped) / 1e6);
        assertEquals(1, state(bed.gatewayMetrics(), "wb", "up"), "wb unaffected");
        assertTrue(bed.gatewayLog().contains("wan wa (wa): "), "the change is logged");

        bed.ap.exec("nft", "delete", "table", "inet", BLACKHOLE_TABLE);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> state(bed.gatewayMetrics(), "wa", "up") == 1);
    }

    private static double state(String exposition, String wan, String state) {
        return sum(exposition, "haap_gateway_wan_state{state=\"" + state + "\",wan=\"" + wan + "\"}");
    }

    /** The sum of every sample whose line starts with {@code prefix}. */
    private static double sum(String exposition, String prefix) {
        return exposition.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static double delta(String before, String after, String sample) {
        return sum(after, sample) - sum(before, sample);
    }

    private static String stateLines(String log) {
        StringBuilder sb = new StringBuilder();
        log.lines().filter(l -> l.contains(" -> ")).forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }
}
