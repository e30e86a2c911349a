package org.haap.loadtest.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import org.haap.config.ApConfig;
import org.haap.config.GatewayConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.loadtest.Json;
import org.junit.jupiter.api.Test;

import com.typesafe.config.ConfigFactory;

/** The cost scenarios' parts that need no testbed: configs, rules, requests, results. */
class CostUnitsTest {

    @Test
    void haapConfigsAreValidAndLeaveTheRestAtTheDefaults() throws Exception {
        ApConfig ap = HaapConfigLoader.aggregationPoint(ConfigFactory.parseString(PairBed.apConfig(8100)));
        assertTrue(ap.destinations().allow().contains(InetAddress.getByName(AddressPlan.SERVER)));
        assertTrue(ap.limits().maxSessionsPerClient() >= 8100, "one gateway holds every connection");
        assertTrue(ap.limits().maxSessions() >= 8100);
        ApConfig defaults = HaapConfigLoader.aggregationPoint(ConfigFactory.parseString(
                "haap.aggregation-point.listen = [\"" + AddressPlan.AP + ":5124\"]"));
        assertEquals(defaults.relay(), ap.relay(), "the relay is the shipped default");
        assertEquals(defaults.eventLoops(), ap.eventLoops());

        GatewayConfig gw = HaapConfigLoader.gateway(ConfigFactory.parseString(PairBed.gatewayConfig()));
        assertEquals(List.of("dsl", "lte"), gw.wans().stream().map(w -> w.name()).toList());
        assertEquals(false, gw.robe().pool().enabled(), "no warm pool: the shipped default");
    }

    @Test
    void haproxyPairSpeaksProxyV2AndConnectsToTheOriginalDestination() {
        String cpe = HaproxyPair.cpeConfig(9000);
        assertTrue(cpe.contains("bind 0.0.0.0:" + HaproxyPair.CPE_PORT + "\n"), cpe);
        assertTrue(cpe.contains("server ap " + AddressPlan.AP + ":" + HaproxyPair.AP_PORT + " send-proxy-v2"), cpe);
        assertTrue(cpe.contains("maxconn 9000"), cpe);
        String ap = HaproxyPair.apConfig(9000);
        assertTrue(ap.contains("bind " + AddressPlan.AP + ":" + HaproxyPair.AP_PORT + " accept-proxy"), ap);
        assertTrue(ap.contains("server upstream 0.0.0.0:0"), ap);
        assertTrue(ap.contains("mode tcp"), ap);
        assertThrows(IllegalArgumentException.class, () -> HaproxyPair.cpeConfig(0));
    }

    @Test
    void cpeRulesLetOnlyTheHaapPortReachTproxyAndRedirectHaproxys() {
        String rules = PairBed.cpeRules();
        assertTrue(rules.startsWith("insert rule inet haap prerouting tcp dport { 8000, 8002 } return\n"), rules);
        assertTrue(rules.contains("tcp dport 8002 redirect to :" + HaproxyPair.CPE_PORT), rules);
        assertTrue(!rules.contains("8001"), "HAAP's port goes to TPROXY");
    }

    @Test
    void requestCarriesCommandAndSize() {
        byte[] r = CostServer.request('R', 0x01020304);
        assertEquals(CostServer.REQUEST_SIZE, r.length);
        assertEquals('R', r[0]);
        assertEquals(1, r[1]);
        assertEquals(4, r[4]);
    }

    @Test
    void routesParseFromModes() {
        assertEquals(List.of(Route.values()), ConnRateScenario.routes(List.of()));
        assertEquals(List.of(Route.HAAP, Route.HAPROXY), ConnRateScenario.routes(List.of("haap", "haproxy", "haap")));
        assertThrows(IllegalArgumentException.class, () -> ConnRateScenario.routes(List.of("nginx")));
    }

    @Test
    void connRateRowsRatiosAndJson() {
        List<ConnRateRun> runs = List.of(
                new ConnRateRun(Route.HAAP, 2000, 0, 2.0, List.of(2.0, 3.0, 4.0), 1.0, 0.5, 0.7, null),
                new ConnRateRun(Route.HAPROXY, 4000, 1, 2.0, List.of(1.0, 1.0, 2.0), 0.6, 0.4, 0.5, "reset"),
                new ConnRateRun(Route.HAAP, 2400, 0, 2.0, List.of(2.0), 1.2, 0.6, 0.9, null),
                new ConnRateRun(Route.HAPROXY, 4000, 0, 2.0, List.of(1.0), 0.6, 0.4, 0.5, null));
        ConnRateResult r = new ConnRateResult(10, 2, 1024, runs);
        assertEquals(0.55, r.haapToHaproxy(), 1e-9); // medians 1100 and 2000 conn/s
        ConnRateResult.Row haap = r.rows().get(0);
        assertEquals(Route.HAAP, haap.route());
        assertEquals(1000, haap.minRate(), 1e-9);
        assertEquals(2.5, haap.ttfbMedianMs(), 1e-9);
        assertEquals((1.0 + 0.5 + 1.2 + 0.6) * 1e6 / 4400, haap.cpuUsPerConnection(), 1e-6);
        assertEquals((0.7 + 0.9) * 1e6 / 4400, haap.kernelUsPerConnection(), 1e-6);
        assertEquals(55, Math.round(haap.cpeCpuPct()));
        String table = r.table();
        assertTrue(table.contains("haproxy: first failure: reset"), table);
        String json = Json.write(r.toJson());
        assertTrue(json.contains("\"haap_to_haproxy\":0.55"), json);
        assertTrue(r.files().get("png").length > 1000);
    }

    @Test
    void idleConnsPerConnectionFigures() {
        IdleConnsRun.Side s = new IdleConnsRun.Side(60_000, 40, 10_000, 124_000, 16_040, 58_000, 66_000, 41);
        assertEquals(8, s.rssKibPerConnection(8000), 1e-9);
        assertEquals(6, s.heapKibPerConnection(8000), 1e-9);
        assertEquals(2, s.fdsPerConnection(8000), 1e-9);
        assertEquals(1.1, s.afterCloseToIdle(), 1e-9);
        IdleConnsRun.Side native_ = new IdleConnsRun.Side(15_000, 10, -1, 43_000, 16_010, -1, 15_500, 10);
        assertTrue(Double.isNaN(native_.heapKibPerConnection(8000)), "no heap for a native process");
        IdleConnsResult r = new IdleConnsResult(8000, 60, List.of(
                new IdleConnsRun(Route.HAAP, 8000, 8000, 12.0, null, s, s),
                new IdleConnsRun(Route.HAPROXY, 8000, 8000, 6.0, null, native_, native_),
                new IdleConnsRun(Route.KERNEL, 8000, 7999, 3.0, "refused", null, null)));
        String table = r.table();
        assertTrue(table.contains("kernel: first failure: refused"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("haap") && l.contains(" 2.00 ")), table);
        String json = Json.write(r.toJson());
        assertTrue(json.contains("\"idle_heap_kib\":10000,"), json);
        assertTrue(json.contains("\"idle_heap_kib\":null,") && json.contains("\"heap_kib_per_conn\":null,"),
                "HAProxy has no heap: " + json);
        assertTrue(r.files().get("png").length > 1000);
    }

    @Test
    void throughputRowsAndRatios() {
        List<ThroughputRun> runs = List.of(
                new ThroughputRun(Route.HAAP, true, 1, 1_000_000_000L, 4.0, 1.0, 1.0),
                new ThroughputRun(Route.HAPROXY, true, 1, 500_000_000L, 4.0, 0.5, 0.5),
                new ThroughputRun(Route.KERNEL, false, 4, 2_000_000_000L, 4.0, Double.NaN, Double.NaN));
        ThroughputResult r = new ThroughputResult(4, 1, runs);
        ThroughputResult.Row haap = r.rows().stream().filter(x -> x.route() == Route.HAAP).findFirst().orElseThrow();
        assertEquals(2000, haap.medianMbit(), 1e-9);
        assertEquals(2.0, r.ratioToHaproxy(haap), 1e-9);
        assertEquals(2.0, haap.cpuSecondsPerGb(), 1e-9);
        ThroughputResult.Row kernel = r.rows().stream().filter(x -> x.route() == Route.KERNEL).findFirst().orElseThrow();
        assertTrue(Double.isNaN(r.ratioToHaproxy(kernel)), "no HAProxy upload x4 to compare with");
        assertTrue(r.table().lines().anyMatch(l -> l.matches("upload\\s+4\\s+kernel\\s+4000 .*")), r.table());
        assertTrue(Json.write(r.toJson()).contains("\"ratio_to_haproxy\":2"), Json.write(r.toJson()));
        assertTrue(r.files().get("png").length > 1000);
    }

    @Test
    void serverAnswersLongerThanItsBufferAndCloses() {
        ByteBuf fill = Unpooled.unreleasableBuffer(Unpooled.buffer(CostServer.FILL_SIZE).writeZero(CostServer.FILL_SIZE));
        EmbeddedChannel ch = new EmbeddedChannel(new CostServer.Handler(fill));
        int size = 2 * CostServer.FILL_SIZE + 12345;
        ch.writeInbound(Unpooled.wrappedBuffer(CostServer.request('R', size)));
        long answered = 0;
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            answered += b.readableBytes();
            b.release();
        }
        assertEquals(size, answered);
        assertFalse(ch.isOpen(), "the server closes after the answer");
        EmbeddedChannel tooLong = new EmbeddedChannel(new CostServer.Handler(fill));
        tooLong.writeInbound(Unpooled.wrappedBuffer(CostServer.request('R', CostServer.MAX_ANSWER + 1)));
        assertNull(tooLong.readOutbound());
        assertFalse(tooLong.isOpen(), "an answer above the limit is refused");
    }

    @Test
    void footprintLoadOfAHomeAndItsLimits() {
        FootprintScenario.Load home = FootprintScenario.Load.home(10);
        assertEquals(600, home.runSeconds());
        assertEquals(FootprintScenario.SAMPLE_SECONDS, home.sampleSeconds());
        assertTrue(home.downloadBytes() <= CostServer.MAX_ANSWER, "the server can answer a download");
        assertThrows(IllegalArgumentException.class, () -> new FootprintScenario.Load(0, 10, 2, 1024, 10, 1024));
        assertThrows(IllegalArgumentException.class, () -> new FootprintScenario.Load(60, 10, 0, 1024, 10, 1024));
        assertThrows(IllegalArgumentException.class,
                () -> new FootprintScenario.Load(60, 10, 2, 1024, 10, CostServer.MAX_ANSWER + 1));
    }

    @Test
    void footprintProcessStartPeakEndAndCpu() {
        FootprintProcess p = new FootprintProcess(Route.HAAP, "cpe", List.of(0.0, 10.0, 20.0, 30.0),
                List.of(40_000L, 70_000L, 70_000L, 50_000L), 8_000, 45_000, 30, 1.5);
        assertEquals(40_000, p.startRssKib());
        assertEquals(70_000, p.peakRssKib());
        assertEquals(10.0, p.peakSeconds(), 1e-9, "the first reading at the peak");
        assertEquals(50_000, p.endRssKib());
        assertEquals(5.0, p.cpuPercent(), 1e-9);
        assertTrue(p.java());
        assertThrows(IllegalArgumentException.class, () -> new FootprintProcess(Route.HAAP, "ap", List.of(0.0),
                List.of(), -1, -1, 0, 0));
    }

    @Test
    void footprintTableJsonAndPlot() {
        List<Double> t = List.of(0.0, 300.0, 600.0);
        FootprintResult r = new FootprintResult(FootprintScenario.Load.home(10),
                List.of(Route.HAAP, Route.HAPROXY, Route.KERNEL), List.of(
                new FootprintProcess(Route.HAAP, "cpe", t, List.of(50_000L, 90_000L, 61_440L), 6_000, 55_000, 40, 6),
                new FootprintProcess(Route.HAAP, "ap", t, List.of(100_000L, 140_000L, 133_120L), 7_000, 120_000, 60, 3),
                new FootprintProcess(Route.HAPROXY, "cpe", t, List.of(15_000L, 16_000L, 15_360L), -1, -1, 20, 1.2),
                new FootprintProcess(Route.HAPROXY, "ap", t, List.of(15_000L, 16_500L, 16_640L), -1, -1, 20, 1.2)),
                List.of(new FootprintTraffic(Route.HAAP, 1200, 0, 60, 0, 130_000_000L, null),
                        new FootprintTraffic(Route.HAPROXY, 1199, 1, 60, 0, 130_000_000L, "short connection: reset"),
                        new FootprintTraffic(Route.KERNEL, 1200, 0, 60, 0, 130_000_000L, null)));
        assertEquals(4.0, r.endToHaproxy(r.processes().get(0)), 1e-9);
        String table = r.table();
        assertTrue(table.lines().anyMatch(l -> l.matches("haap\\s+cpe\\s+48\\.8\\s+87\\.9\\s+5\\.0\\s+60\\.0\\s+4\\.00\\s+"
                + "5\\.9\\s+53\\.7\\s+40\\s+1\\.0")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("haproxy\\s+ap\\s+14\\.6\\s+.*\\s+-\\s+-\\s+20\\s+0\\.2")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("kernel\\s+-(\\s+-)+")), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("haproxy\\s+1199\\s+1\\s+60\\s+0\\s+124\\.0")), table);
        assertTrue(table.contains("haproxy: first failure: short connection: reset"), table);
        assertTrue(table.contains("issue 13 acceptance, RSS at the end: gateway 60.0 MiB (<= 64: met), "
                + "AP 130.0 MiB (<= 128: NOT met)"), table);
        assertTrue(table.startsWith("footprint: 10 min of light traffic"), table);
        String json = Json.write(r.toJson());
        assertTrue(json.contains("\"route\":\"haap\",\"side\":\"cpe\",\"start_rss_kib\":50000,\"peak_rss_kib\":90000,"
                + "\"peak_t_s\":300,\"end_rss_kib\":61440,\"end_to_haproxy\":4,\"heap_after_gc_kib\":6000,"), json);
        assertTrue(json.contains("\"heap_after_gc_kib\":null,\"rss_after_gc_kib\":null,"), "HAProxy has no heap: " + json);
        assertTrue(json.contains("\"rss_kib\":[15000,16500,16640]"), json);
        assertTrue(r.files().get("png").length > 1000);
    }
}
