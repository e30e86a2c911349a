package org.haap.loadtest.robeloss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.haap.loadtest.Json;
import org.haap.loadtest.hybrid.GatewayMode;
import org.haap.loadtest.hybrid.Timings;
import org.junit.jupiter.api.Test;

class RobeLossResultTest {

    private static RobeLossResult result() {
        GatewayMode classic = GatewayMode.parse("classic");
        GatewayMode pool = GatewayMode.parse("sim+pool");
        return new RobeLossResult("robe-paper", "lte", Map.of("lte", 40.0), 3, 10_000, List.of(
                new LossPoint(classic, 0, new Timings(3, 0, List.of(90.0, 100.0, 110.0)), List.of()),
                new LossPoint(classic, 100, new Timings(3, 3, List.of()), List.of("EOFException: closed after 0/100 bytes")),
                new LossPoint(pool, 0, new Timings(3, 0, List.of(40.0, 45.0, 50.0)), List.of()),
                new LossPoint(pool, 100, new Timings(3, 1, List.of(41.0, 42.0)), List.of())));
    }

    @Test
    void tableHasOneRowPerPointAndTheErrors() {
        String t = result().table();
        assertTrue(t.contains("mode      SYN loss %  attempts  failures  median ms"), t);
        assertTrue(t.contains("classic            0         3         0      100.0"), t);
        assertTrue(t.contains("classic          100         3         3          -"), t);
        assertTrue(t.contains("sim+pool         100         3         1       41.5"), t);
        assertTrue(t.contains("classic at 100 %: EOFException"), t);
    }

    @Test
    void jsonHasTheAgreedFields() {
        Map<String, Object> j = result().toJson();
        assertEquals("robe-loss", j.get("scenario"));
        assertEquals(Map.of("lte", 40.0), j.get("rtt_ms"));
        String line = Json.write(j);
        assertTrue(line.startsWith("{\"scenario\":\"robe-loss\""), line);
        assertTrue(line.contains("{\"mode\":\"sim\",\"pool\":true,\"loss_pct\":100,\"attempts\":3,\"failures\":1,"
                + "\"median_ms\":41.5,"), line);
        assertTrue(line.contains("{\"mode\":\"classic\",\"pool\":false,\"loss_pct\":100,\"attempts\":3,\"failures\":3,"
                + "\"median_ms\":null,\"p10_ms\":null,\"p90_ms\":null,\"p99_ms\":null"), line);
        assertTrue(line.contains("\"p90_ms\":108,"), line);
    }

    @Test
    void serverFirstFiguresStandBesideTheClientFirstOnesWhenMeasured() {
        GatewayMode sim = GatewayMode.parse("sim");
        GatewayMode fast = GatewayMode.parse("sim-0rtt");
        RobeLossResult r = new RobeLossResult("robe-paper", "lte", Map.of("lte", 40.0), 3, 10_000, List.of(
                new LossPoint(sim, 0, new Timings(3, 0, List.of(44.0, 44.5, 45.0)), List.of(), -1,
                        new Timings(3, 0, List.of(43.0, 44.0, 46.0))),
                new LossPoint(fast, 100, new Timings(3, 0, List.of(44.0, 45.0, 46.0)),
                        List.of("server-first: EOFException: closed after 0/100 bytes"), -1,
                        new Timings(3, 1, List.of(50.0, 52.0)))));
        String t = r.table();
        assertTrue(t.contains("s-first failures  s-first median ms  s-first p99 ms  s-first - c-first ms"), t);
        assertTrue(t.replaceAll(" +", " ").contains("sim 0 3 0 44.5 44.9 45.0 44.5 0 44.0 46.0 -0.5"),
                t.replaceAll(" +", " "));
        assertTrue(t.replaceAll(" +", " ").contains("sim-0rtt 100 3 0 45.0 45.8 46.0 45.0 1 51.0 52.0 6.0"), t);
        assertTrue(t.contains("sim-0rtt at 100 %: server-first: EOFException"), t);
        String line = Json.write(r.toJson());
        assertTrue(line.contains("\"server_first\":{\"attempts\":3,\"failures\":1,\"median_ms\":51,"), line);
        assertTrue(!result().table().contains("s-first"), "no server-first columns when none was measured");
        assertTrue(!Json.write(result().toJson()).contains("server_first"));
    }

    @Test
    void attemptsSplitIntoTimingsAndAtMostThreeDistinctErrors() {
        List<String> errors = new java.util.ArrayList<>();
        Timings t = RobeLossScenario.timings(List.of(new RobeLossScenario.Attempt(12.0, null, true),
                new RobeLossScenario.Attempt(Double.NaN, "a", true), new RobeLossScenario.Attempt(Double.NaN, "a", true),
                new RobeLossScenario.Attempt(Double.NaN, "b", false), new RobeLossScenario.Attempt(Double.NaN, "c", false),
                new RobeLossScenario.Attempt(Double.NaN, "d", false)), errors);
        assertEquals(6, t.attempts());
        assertEquals(5, t.failures());
        assertEquals(List.of(12.0), t.samplesMs());
        assertEquals(List.of("server-first: a", "b", "c"), errors);
    }

    @Test
    void everyOtherConnectionGoesToTheBannerServerOnlyWhenThereIsOne() {
        var server = new java.net.InetSocketAddress("198.18.100.2", 8080);
        var banner = new java.net.InetSocketAddress("198.18.100.2", RobeLossScenario.BANNER_PORT);
        assertEquals(30, new RobeLossScenario.Target("ns", server, null).perPoint(30));
        assertEquals(60, new RobeLossScenario.Target("ns", server, banner).perPoint(30));
    }

    @Test
    void plotIsAPng() throws Exception {
        byte[] png = result().files().get("png");
        assertNotNull(png);
        var img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(1000, img.getWidth());
        assertEquals(620, img.getHeight());
    }

    @Test
    void modesAndEstimate() {
        assertEquals(GatewayMode.PAPER, RobeLossScenario.modes(List.of()));
        assertEquals(List.of(GatewayMode.parse("ips")), RobeLossScenario.modes(List.of("ips")));
        assertThrows(IllegalArgumentException.class, () -> RobeLossScenario.modes(List.of("direct-dsl")));
        String e = RobeLossScenario.estimate(GatewayMode.PAPER, RobeLossScenario.DEFAULT_POINTS, 50);
        // 24 points x (5 s arrivals + 5 s set-up), classic's lost SYNs 14 s more: 4.2 min
        // (the run with these parameters took 4.5 min); the bound waits 10 s at every point
        assertTrue(e.equals("4 modes x 6 points x 50 connections (one every 100 ms): about 4 min, at most 8 min"), e);
        String sim = RobeLossScenario.estimate(List.of(GatewayMode.parse("sim")), List.of(100), 600);
        assertTrue(sim.endsWith("about 1 min, at most 1 min"), sim); // 60 + 5 + 0.2 s; bound 75 s
    }
}
