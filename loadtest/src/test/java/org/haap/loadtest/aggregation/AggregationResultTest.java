package org.haap.loadtest.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.haap.deploy.testbed.LinkLoss;
import org.haap.deploy.testbed.Node;
import org.haap.loadtest.Json;
import org.haap.loadtest.aprelay.Transfer;
import org.junit.jupiter.api.Test;

class AggregationResultTest {

    /** A cell of 10 s whose goodput is {@code mbit}, 5 % of its 1000 data segments retransmitted. */
    private static Cell cell(int loss, Transfer t, Route r, double mbit) {
        long bytes = Math.round(mbit * 1e6 / 8 * 10);
        return new Cell(loss, t, 1, r, 10, bytes, 1, r == Route.LTE ? 0 : bytes / 2, r == Route.DSL ? 0 : bytes * 6 / 10,
                new TcpProbe.Segments(950, 50), new LinkLoss(10_000, loss * 100L), Set.of(r == Route.HAAP ? "bbr" : "cubic"),
                List.of());
    }

    private static AggregationResult result() {
        List<Cell> cells = new ArrayList<>();
        for (int loss : List.of(0, 1, 3)) {
            cells.add(cell(loss, Transfer.DOWNLOAD, Route.KERNEL, loss == 0 ? 38 : 19.4));
            cells.add(cell(loss, Transfer.DOWNLOAD, Route.HAAP, loss == 0 ? 38 : loss == 1 ? 36 : 27));
            cells.add(cell(loss, Transfer.DOWNLOAD, Route.DSL, 15.2));
            cells.add(cell(loss, Transfer.DOWNLOAD, Route.LTE, loss == 0 ? 22.8 : 8));
        }
        return new AggregationResult("default", Map.of("dsl", 16.0, "lte", 24.0), Map.of("dsl", 20.0, "lte", 40.0), 12,
                Map.of("client", "cubic"), cells, Map.of(0, 0.0, 1, 1.02, 3, 2.97));
    }

    @Test
    void ratiosCompareWithTheSameRouteLossFreeAndWithTheBetterWanAtTheSameLoss() {
        AggregationResult r = result();
        Cell haap1 = r.cell(1, Transfer.DOWNLOAD, 1, Route.HAAP);
        assertEquals(36 / 38.0, r.vsLossFree(haap1), 1e-3);
        assertEquals(36 / 15.2, r.vsBestSingle(haap1), 1e-3); // LTE alone fell to 8 at 1 %: DSL is the better WAN
        Cell haap0 = r.cell(0, Transfer.DOWNLOAD, 1, Route.HAAP);
        assertEquals(38 / 22.8, r.vsBestSingle(haap0), 1e-3);
        assertEquals(null, r.cell(1, Transfer.UPLOAD, 1, Route.HAAP));
    }

    @Test
    void acceptanceLinesNameTheTargetsAndWhetherTheyAreMet() {
        List<String> lines = result().acceptance();
        assertEquals(2, lines.size(), lines.toString()); // haap at 1 % and 3 %, downloads only here
        assertTrue(lines.get(0).startsWith("haap 1 % loss download x1: 95 % of loss-free (target 90 %), 2.37x the better WAN"
                + " (target 1.5x) -> meets; kernel-only: 51 %, 1.28x"), lines.get(0));
        assertTrue(lines.get(1).startsWith("haap 3 % loss download x1: 71 % of loss-free (target 75 %)"), lines.get(1));
        assertTrue(lines.get(1).contains("-> MISSES"), lines.get(1));
    }

    @Test
    void tableHasOneRowPerCellAndTheMeasuredLoss() {
        String table = result().table();
        assertTrue(table.contains("lte loss  dir       conns  route   goodput Mbit/s"), table);
        assertTrue(table.matches("(?s).*\\n\\s*1%\\s+download\\s+1\\s+haap\\s+36\\.0\\s+0\\.95\\s+2\\.37\\s+22\\.5\\s+27\\.0"
                + "\\s+5\\.0\\s+0\\.909\\s+1\\.00\\s+bbr\\s+1/1\\n.*"), table);
        assertTrue(table.matches("(?s).*\\n\\s*0%\\s+download\\s+1\\s+dsl\\s+15\\.2\\s+1\\.00\\s+-\\s.*"), table);
        assertTrue(table.contains("LTE loss asked 3 %, dropped 2.97 % of its packets over all cells"), table);
    }

    @Test
    void jsonCarriesEveryCellWithItsWireBytesAndRetransmissions() {
        String json = Json.write(result().toJson());
        for (String f : List.of("\"scenario\":\"aggregation\"", "\"transfer_seconds\":12",
                "\"lte_loss_measured_pct\":{", "\"3\":2.97",
                "{\"lte_loss_pct\":1,\"transfer\":\"download\",\"connections\":1,\"route\":\"haap\",\"goodput_mbit\":36,",
                "\"vs_best_single_wan\":null", "\"retransmitted_pct\":5,", "\"sender_congestion_control\":[\"bbr\"]",
                "\"acceptance\":[\"haap 1 % loss")) {
            assertTrue(json.contains(f), f + " in " + json);
        }
        assertTrue(result().files().get("png").length > 1000);
    }

    @Test
    void withoutALossFreeCellTheVerdictIsNotMeasured() {
        AggregationResult r = new AggregationResult("default", Map.of(), Map.of(), 3, Map.of(),
                List.of(cell(3, Transfer.UPLOAD, Route.HAAP, 30), cell(3, Transfer.UPLOAD, Route.LTE, 8)), Map.of());
        assertEquals(List.of("haap 3 % loss upload x1: - % of loss-free (target 75 %), 3.75x the better WAN"
                + " -> not measured; kernel-only: - %, -x"), r.acceptance());
    }

    @Test
    void aFailedCellHasNoGoodput() {
        Cell c = new Cell(0, Transfer.UPLOAD, 4, Route.HAAP, 12, 1000, 3, 0, 0, new TcpProbe.Segments(0, 0),
                new LinkLoss(0, 0), Set.of(), List.of("reset"));
        assertTrue(Double.isNaN(c.goodputMbit()));
        assertTrue(Double.isNaN(c.efficiency()));
        assertTrue(Double.isNaN(c.segments().retransmittedPct()));
    }

    @Test
    void countersAndSocketsAreParsed() {
        String proc = """
                Ip: Forwarding DefaultTTL
                Ip: 2 64
                Tcp: RtoAlgorithm RtoMin ActiveOpens OutSegs RetransSegs InErrs
                Tcp: 1 200 5 1000 17 0
                TcpExt: SyncookiesSent TCPOrigDataSent TCPHystartTrainDetect
                TcpExt: 0 983 2
                """;
        assertEquals(new TcpProbe.Segments(983, 17), TcpProbe.parseSegments(proc));
        var all = TcpProbe.parseCounters(proc + "MPTcpExt: MPCapableSYNRX MPTCPRetrans\nMPTcpExt: 4 31\n");
        assertEquals(17L, all.get("Tcp:RetransSegs"));
        assertEquals(983L, all.get("TcpExt:TCPOrigDataSent"));
        assertEquals(31L, all.get("MPTcpExt:MPTCPRetrans"));
        assertEquals(64L, all.get("Ip:DefaultTTL"));
        assertThrows(IllegalArgumentException.class, () -> TcpProbe.parseSegments("Tcp: RetransSegs\nTcp: 1\n"));
        String ss = """
                0      0      198.18.20.2:41234   198.18.100.2:5124
                \t ts sack bbr wscale:7,7 rto:204 rtt:41.2/0.3 mss:1448 tcp-ulp-mptcp flags:Jec
                0      0      198.18.10.2:41230   198.18.100.2:5124
                \t ts sack cubic wscale:7,7 rto:224
                """;
        assertEquals(Set.of("bbr", "cubic"), TcpProbe.parseCongestionControl(ss, Set.of("reno", "bbr", "cubic")));
        assertEquals(Set.of(), TcpProbe.parseCongestionControl("", Set.of("bbr")));
    }

    @Test
    void theSenderIsTheNamespaceWhoseTcpCrossesTheWans() {
        assertEquals(Node.AP, AggregationScenario.sender(Route.HAAP, Transfer.DOWNLOAD));
        assertEquals(Node.CPE, AggregationScenario.sender(Route.HAAP, Transfer.UPLOAD));
        assertEquals(Node.SERVER, AggregationScenario.sender(Route.KERNEL, Transfer.DOWNLOAD));
        assertEquals(Node.CPE, AggregationScenario.sender(Route.KERNEL, Transfer.UPLOAD));
        assertEquals(Node.CLIENT, AggregationScenario.sender(Route.LTE, Transfer.UPLOAD));
        assertEquals(Node.SERVER, AggregationScenario.sender(Route.DSL, Transfer.DOWNLOAD));
    }

    @Test
    void routesParseAndTheDefaultSecondsBecomeTheTransferLength() {
        assertEquals(Route.KERNEL, Route.parse(" Kernel"));
        assertThrows(IllegalArgumentException.class, () -> Route.parse("haproxy"));
        assertEquals(10, AggregationScenario.transferSeconds(5));
        assertEquals(3, AggregationScenario.transferSeconds(3));
    }
}
