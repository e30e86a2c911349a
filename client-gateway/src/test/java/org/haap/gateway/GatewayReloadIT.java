package org.haap.gateway;

import static org.awaitility.Awaitility.await;
import static org.haap.gateway.GatewayItFixture.ECHO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGHUP on the real kernel: a gateway process (namespaces lan → gw → ap → srv, as in
 * {@link GatewayIT}) started with {@code robe.mode = timer} is told by a rewritten file and
 * {@code kill -HUP} to establish with RobE_SIM, then to send the echo server's address past the
 * aggregation point ({@code bypass.destinations}); new LAN connections follow each change, a
 * connection opened before the first reload keeps relaying, a changed {@code listen} is only
 * warned about, and a broken file leaves the last good configuration in force, counted as
 * {@code haap_gateway_config_reloads_total{result="invalid"}}.
 */
@Timeout(180)
class GatewayReloadIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final String OK = "haap_gateway_config_reloads_total{result=\"ok\"}";
    private static final String INVALID = "haap_gateway_config_reloads_total{result=\"invalid\"}";

    @AutoClose
    private static GatewayItFixture bed;

    @BeforeAll
    static void setUp() throws Exception {
        bed = GatewayItFixture.create("rl");
        // a bypassed connection leaves wa for the echo server: the AP's host routes it
        bed.ap.sysctl("net.ipv4.ip_forward", "1");
        bed.startAp("");
        bed.startGateway(bed.writeFile("gateway.conf", config("robe.mode = timer")));
    }

    private static String config(String keys) {
        return GatewayItFixture.gatewayConfig("  listen = [\"0.0.0.0:15124\"]\n" + keys);
    }

    /** Established connections to the AP with strategy {@code mode}, on either WAN. */
    private static double winners(String mode) {
        String exposition = bed.gatewayMetrics();
        return GatewayItFixture.metric(exposition, "haap_gateway_establish_winners_total{mode=\"" + mode
                + "\",wan=\"wa\"}") + GatewayItFixture.metric(exposition,
                "haap_gateway_establish_winners_total{mode=\"" + mode + "\",wan=\"wb\"}");
    }

    private static double bypassed() {
        return bed.gatewayMetric("haap_gateway_connections_intercepted_total{result=\"bypassed\"}");
    }

    /** Rewrites the file, sends SIGHUP and waits until {@code counter} has grown by one. */
    private static void reload(String text, String counter) throws Exception {
        double before = bed.gatewayMetric(counter);
        bed.writeFile("gateway.conf", text);
        bed.hangUpGateway();
        await().atMost(T).until(() -> bed.gatewayMetric(counter) == before + 1);
        assertTrue(bed.gateway().isAlive(), bed::gatewayLog);
    }

    private static void echo(Socket s, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        s.getOutputStream().write(data);
        assertArrayEquals(data, s.getInputStream().readNBytes(data.length), "echo of " + text);
    }

    @Test
    void sighupAppliesReloadableKeysToNewConnectionsAndSurvivesABrokenFile() throws Exception {
        String exposition = bed.gatewayMetrics();
        assertTrue(exposition.contains(OK + " 0.0") && exposition.contains(INVALID + " 0.0"),
                "both results exported from start");
        bed.echoRoundTrip(ECHO, new byte[] {1, 2, 3}, 1);
        assertEquals(1.0, winners("timer"));
        assertEquals(0.0, winners("sim"));

        try (Socket open = bed.lan.call(() -> new Socket(ECHO.getAddress(), ECHO.getPort()))) {
            open.setSoTimeout(30_000);
            echo(open, "before");
            assertEquals(2.0, winners("timer"));

            // robe.mode timer -> sim; listen changed too, but only start reads it
            reload(config("robe.mode = sim\nlisten = [\"0.0.0.0:16000\"]"), OK);
            String log = bed.gatewayLog();
            assertTrue(log.contains("applied robe.mode to new connections"), log);
            assertTrue(log.contains("listen changed but need a restart"), log);
            bed.echoRoundTrip(ECHO, new byte[] {4, 5, 6}, 2);
            assertEquals(1.0, winners("sim"), "the new connection was set up with RobE_SIM");
            assertEquals(2.0, winners("timer"), "and not with RobE_TIMER");
            assertEquals(0.0, bypassed());

            // the echo server's address now bypasses the AP
            reload(config("robe.mode = sim\nbypass.destinations = [\"198.18.1.2/32\"]"), OK);
            bed.echoRoundTrip(ECHO, new byte[] {7, 8, 9}, 3);
            assertEquals(1.0, bypassed());
            assertEquals(1.0, winners("sim"), "no connection to the AP for it");

            // a broken file: warned, counted, the last good configuration stays
            reload(config("robe.mode = classic\ntimeouts.connect = -1s"), INVALID);
            assertTrue(bed.gatewayLog().contains("haap.gateway.timeouts.connect"), bed::gatewayLog);
            assertEquals(2.0, bed.gatewayMetric(OK));
            bed.echoRoundTrip(ECHO, new byte[] {10, 11}, 4);
            assertEquals(2.0, bypassed(), "still bypassed");
            assertEquals(0.0, winners("classic"));

            // the connection opened before the first reload still goes through the AP
            echo(open, "after");
            open.shutdownOutput();
            assertEquals(-1, open.getInputStream().read());
        }
    }
}
