package org.haap.loadtest.pageload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Wan;
import org.haap.loadtest.Json;
import org.haap.loadtest.aggregation.TcpProbe;
import org.haap.loadtest.hybrid.GatewayMode;
import org.haap.loadtest.hybrid.HybridBed;
import org.haap.loadtest.hybrid.LoadMode;
import org.haap.loadtest.hybrid.Timings;
import org.haap.loadtest.pageload.PageLoadResult.ModeResult;
import org.junit.jupiter.api.Test;

class PageLoadResultTest {

    private static PageLoadResult result() {
        return new PageLoadResult("robe-paper", "lte", Map.of("dsl", 20.0, "lte", 40.0), Map.of("dsl", 100.0),
                Page.synthetic(6, 65), 2,
                List.of(new ModeResult(LoadMode.parse("classic"), new Timings(2, 0, List.of(900.0, 1000.0)), List.of(),
                                Map.of("dsl", 512_000L), new TcpProbe.Segments(820, 180), List.of(90.0, 110.0, 130.0),
                                List.of(40.0, 50.0), Map.of("mptcp_retransmissions", 12L, "mptcp_duplicates_received", 30L)),
                        new ModeResult(LoadMode.parse("sim+pool"), new Timings(2, 1, List.of(600.0)),
                                List.of("SocketTimeoutException: deadline passed"), Map.of(), new TcpProbe.Segments(0, 0),
                                List.of(), List.of(), Map.of()),
                        new ModeResult(LoadMode.parse("direct-dsl"), new Timings(2, 0, List.of(1000.0, 1000.0)),
                                List.of(), Map.of("dsl", 600_000L), new TcpProbe.Segments(990, 10), List.of(70.0),
                                List.of(30.0), Map.of()),
                        new ModeResult(LoadMode.parse("direct-lte"), new Timings(2, 0, List.of(1200.0, 1200.0)), List.of(),
                                Map.of("dsl", 0L), new TcpProbe.Segments(1000, 0), List.of(80.0), List.of(45.0), Map.of())));
    }

    @Test
    void syntheticPageIsBrowserSized() {
        Page p = Page.synthetic(PageLoadScenario.HOSTS, PageLoadScenario.OBJECTS);
        assertTrue(p.count() >= 60, "objects: " + p.count());
        assertTrue(p.hosts() >= 6);
        for (int h = 0; h < p.hosts(); h++) {
            assertFalse(p.sizesOn(h).isEmpty(), "host " + h);
        }
        assertTrue(p.objects().stream().allMatch(o -> o.size() >= Page.MIN_OBJECT && o.size() <= Page.MAX_OBJECT));
        assertEquals(p, Page.synthetic(PageLoadScenario.HOSTS, PageLoadScenario.OBJECTS), "same page every time");
        assertThrows(IllegalArgumentException.class, () -> new Page(1, 10, List.of(new Page.PageObject(1, 10))));
    }

    @Test
    void modesParse() {
        assertEquals(LoadMode.direct(Wan.DSL), LoadMode.parse("direct-dsl"));
        assertEquals(LoadMode.via(new GatewayMode("sim", true)), LoadMode.parse("sim+pool"));
        assertEquals("sim", LoadMode.parse("sim+pool").jsonMode());
        assertTrue(LoadMode.parse("sim+pool").pool());
        assertEquals("direct-lte", LoadMode.parse("direct-lte").jsonMode());
        assertThrows(IllegalArgumentException.class, () -> LoadMode.parse("direct-wifi"));
        assertEquals(6, PageLoadScenario.defaultModes().size());
    }

    @Test
    void directBaselinesAreAlwaysMeasured() {
        assertEquals(List.of(LoadMode.parse("classic"), LoadMode.parse("sim+pool"), LoadMode.direct(Wan.DSL),
                        LoadMode.direct(Wan.LTE)),
                LoadMode.withDirect(List.of(LoadMode.parse("classic"), LoadMode.parse("sim+pool"))));
        assertEquals(List.of(LoadMode.direct(Wan.LTE), LoadMode.parse("sim"), LoadMode.direct(Wan.DSL)),
                LoadMode.withDirect(List.of(LoadMode.direct(Wan.LTE), LoadMode.parse("sim"))));
        assertEquals(PageLoadScenario.defaultModes(), LoadMode.withDirect(PageLoadScenario.defaultModes()));
    }

    @Test
    void retransmissionsAreCountedWhereThePageIsSent() {
        assertEquals(List.of(Node.AP), PageLoadScenario.senders(LoadMode.parse("sim+pool")));
        assertEquals(List.of(Node.SERVER, Node.CLIENT), PageLoadScenario.senders(LoadMode.parse("direct-dsl")));
    }

    @Test
    void tableComparesWithTheDirectFetchOverTheDefaultWan() {
        String t = result().table();
        assertTrue(t.contains("vs direct-lte"), t);
        assertTrue(t.contains("classic        2         0      950.0"), t);
        assertTrue(t.contains("0.79"), t); // 950 / 1200
        assertTrue(t.contains("vs best direct"), t);
        assertTrue(t.contains("sim+pool: SocketTimeoutException"), t);
        assertTrue(t.contains("rate {dsl=100.0} Mbit/s"), t);
        assertTrue(t.contains("sim+pool loads the page 1.58x as fast as classic (medians)"), t); // 950 / 600
        assertTrue(t.contains("dsl KiB/page  floor ms  retrans %  mptcp rtx/page  1st obj ms  next obj ms"), t);
        // 950 / 1200 and / 1000 (direct-dsl, the faster); 512000 B = 500 KiB, at 100 Mbit/s 40.96 ms;
        // 180 of 1000 segments retransmitted; 12 MPTCP-level retransmissions; medians 110 and 45 ms
        assertTrue(t.matches("(?s).*\\nclassic .* 0\\.79 +0\\.95 +500 +41 +18\\.0 +12 +110 +45\\n.*"), t);
        assertTrue(t.matches("(?s).*\\nsim\\+pool .* +- +- +- +- +- +-\\n.*"), t);
        assertTrue(t.matches("(?s).*\\ndirect-dsl .* 0\\.83 +1\\.00 +586 +48 +1\\.0 +- +70 +30\\n.*"), t);
        assertTrue(t.contains("retrans %: data segments retransmitted / sent"), t);
    }

    @Test
    void floorIsTheBusiestWansShareAtItsRate() {
        var rates = Map.<String, Object>of("dsl", 10.0, "lte", 10.0);
        var r = new ModeResult(LoadMode.parse("sim+pool"), new Timings(1, 0, List.of(600.0)), List.of(),
                Map.of("dsl", 625_000L, "lte", 1_250_000L), new TcpProbe.Segments(0, 0), List.of(), List.of(), Map.of());
        assertEquals(1000.0, r.floorMs(rates), 1e-9); // LTE: 1.25 MB at 10 Mbit/s
        assertEquals(500.0, r.floorMs(Map.of("dsl", 10.0)), 1e-9, "a WAN without a rate is left out");
        assertTrue(Double.isNaN(r.floorMs(Map.of())));
    }

    @Test
    void rateReplacesBothWansRatesAndKeepsTheirDelays() {
        assertEquals(PageLoadScenario.PROFILE, PageLoadScenario.profile(0));
        var p = PageLoadScenario.profile(100);
        assertEquals(100.0, p.dsl().rateMbit());
        assertEquals(100.0, p.lte().rateMbit());
        assertEquals(PageLoadScenario.PROFILE.dsl().oneWayDelayMs(), p.dsl().oneWayDelayMs());
        assertEquals(PageLoadScenario.PROFILE.lte().oneWayDelayMs(), p.lte().oneWayDelayMs());
        assertEquals(PageLoadScenario.PROFILE.defaultWan(), p.defaultWan());
        assertEquals(Map.of("dsl", 10.0, "lte", 10.0), HybridBed.rates(PageLoadScenario.PROFILE));
    }

    @Test
    void jsonHasTheAgreedFields() {
        String line = Json.write(result().toJson());
        assertTrue(line.startsWith("{\"scenario\":\"pageload\""), line);
        assertTrue(line.contains("\"runs\":2,"), line);
        assertTrue(line.contains("\"rate_mbit\":{\"dsl\":100"), line);
        assertTrue(line.endsWith(",\"pool_speedup_vs_classic\":1.58}"), line);
        assertTrue(line.contains("{\"mode\":\"classic\",\"pool\":false,\"attempts\":2,\"failures\":0,\"median_ms\":950,"),
                line);
        assertTrue(line.contains("{\"mode\":\"sim\",\"pool\":true,"), line);
        assertTrue(line.contains("{\"mode\":\"direct-lte\",\"pool\":false,"), line);
        assertTrue(line.contains("\"p99_ms\":"), line);
        assertTrue(line.contains("\"objects\":66,\"hosts\":6,"), line);
        assertTrue(line.contains("\"down_bytes_per_page\":{\"dsl\":512000},\"floor_ms\":41,"
                + "\"segments_counted_at\":[\"ap\"],\"segments_sent\":1000,\"segments_retransmitted\":180,"
                + "\"retransmitted_pct\":18,\"mptcp_per_page\":{"), line);
        assertTrue(line.contains("\"mptcp_retransmissions\":12"), line);
        assertTrue(line.contains("\"mptcp_duplicates_received\":30"), line);
        assertTrue(line.contains("\"first_object_ms\":{\"count\":3,\"median\":110,\"p90\":"), line);
        assertTrue(line.contains("\"later_object_ms\":{\"count\":2,\"median\":45,"), line);
        assertTrue(line.contains("\"segments_counted_at\":[\"server\",\"client\"],\"segments_sent\":1000,"
                + "\"segments_retransmitted\":10,\"retransmitted_pct\":1,\"mptcp_per_page\":{},"), line);
        assertTrue(line.contains("\"down_bytes_per_page\":{},\"segments_counted_at\":[\"ap\"],\"segments_sent\":0,"
                + "\"segments_retransmitted\":0,\"retransmitted_pct\":null,\"mptcp_per_page\":{},"
                + "\"first_object_ms\":{\"count\":0,"
                + "\"median\":null,\"p90\":null},"), line);
    }

    @Test
    void plotIsAPng() throws Exception {
        var img = ImageIO.read(new ByteArrayInputStream(result().files().get("png")));
        assertEquals(1000, img.getWidth());
    }
}
