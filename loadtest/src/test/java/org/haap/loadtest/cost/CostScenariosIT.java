package org.haap.loadtest.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.haap.core.testing.Prerequisites;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioOptions;
import org.haap.loadtest.Teardown;
import org.junit.jupiter.api.Test;

/**
 * The cost scenarios, short, on the real kernel with the real HAProxy pair: every route
 * carries every connection, each proxy process is measured, and nothing is left behind.
 * The figures themselves are printed, never asserted (they are the scenarios' business).
 */
class CostScenariosIT {

    private static final int IDLE = 300;

    @Test
    void connRateCarriesEveryRouteAndMeasuresBothSides() throws Exception {
        requirePrerequisites();
        Teardown teardown = new Teardown();
        List<String> progress = new ArrayList<>();
        ConnRateResult result;
        try {
            result = (ConnRateResult) new ConnRateScenario(1).run(new ScenarioContext(1, 1, null, progress::add, teardown,
                    new ScenarioOptions(4, List.of(), 0, List.of())));
        } finally {
            assertEquals(List.of(), teardown.runAll(), "teardown failures");
        }
        System.out.print(result.table());
        assertEquals(3, result.rows().size(), result.table());
        for (ConnRateResult.Row r : result.rows()) {
            assertTrue(r.ok() > 0, r.route() + " carried no connection: " + result.table());
            assertEquals(0, r.failed(), r.route() + " failed: " + result.table());
            if (r.route().proxied()) {
                assertTrue(r.cpeCpuPct() > 0 && r.apCpuPct() > 0, "both sides did work: " + result.table());
            }
        }
    }

    @Test
    void idleConnsHoldsEveryConnectionAndReadsEveryProcess() throws Exception {
        requirePrerequisites();
        Teardown teardown = new Teardown();
        List<String> progress = new ArrayList<>();
        IdleConnsResult result;
        try {
            result = (IdleConnsResult) new IdleConnsScenario(1, 1).run(new ScenarioContext(1, 1, null, progress::add,
                    teardown, new ScenarioOptions(IDLE, List.of(), 0, List.of())));
        } finally {
            assertEquals(List.of(), teardown.runAll(), "teardown failures");
        }
        System.out.print(result.table());
        assertEquals(3, result.runs().size(), result.table());
        for (IdleConnsRun r : result.runs()) {
            assertEquals(IDLE, r.opened(), r.route() + ": " + result.table());
            assertNull(r.firstError(), result.table());
            if (r.route().proxied()) {
                for (IdleConnsRun.Side s : List.of(r.cpe(), r.ap())) {
                    assertNotNull(s);
                    assertTrue(s.openFds() >= s.idleFds() + IDLE, r.route() + " holds a socket per connection: "
                            + result.table());
                    assertTrue(s.afterCloseFds() < s.openFds(), r.route() + " let go: " + result.table());
                }
                boolean haap = r.route() == Route.HAAP;
                assertEquals(haap, r.cpe().idleHeapKib() >= 0, "a heap reading exactly for the JVMs");
            }
        }
    }

    @Test
    void footprintCarriesTheLightTrafficAndReadsEveryProcess() throws Exception {
        requirePrerequisites();
        Teardown teardown = new Teardown();
        List<String> progress = new ArrayList<>();
        // 20 s: a reading at the start, at 5, 10 and 15 s and at the end; 4 downloads of 1 MiB.
        FootprintScenario.Load load = new FootprintScenario.Load(20, 5, 4, 1024, 5, 1 << 20);
        FootprintResult result;
        try {
            result = (FootprintResult) new FootprintScenario(load).run(new ScenarioContext(1, 1, null, progress::add,
                    teardown, new ScenarioOptions(0, List.of(), 0, List.of())));
        } finally {
            assertEquals(List.of(), teardown.runAll(), "teardown failures");
        }
        System.out.print(result.table());
        assertEquals(List.of(Route.HAAP, Route.HAPROXY), result.traffic().stream().map(FootprintTraffic::route).toList());
        for (FootprintTraffic t : result.traffic()) {
            assertTrue(t.allOk(), t.route() + ": " + result.table());
            assertTrue(t.shortOk() == 80 && t.downloadsOk() == 4, t.route() + " carried the schedule: " + result.table());
        }
        assertEquals(4, result.processes().size(), result.table());
        for (FootprintProcess p : result.processes()) {
            assertEquals(5, p.rssKib().size(), p.route() + " " + p.side() + ": " + result.table());
            assertTrue(p.rssKib().stream().allMatch(k -> k > 0), result.table());
            assertTrue(p.endRssKib() <= p.peakRssKib() && p.startRssKib() <= p.peakRssKib(), result.table());
            assertTrue(p.cpuSeconds() > 0, p.route() + " " + p.side() + " did work: " + result.table());
            assertEquals(p.route() == Route.HAAP, p.java(), "a heap reading exactly for the JVMs");
            if (p.java()) {
                assertTrue(p.heapAfterGcKib() > 0 && p.rssAfterGcKib() > 0, result.table());
            }
        }
        assertTrue(progress.stream().filter(l -> l.startsWith("t=")).count() >= 5, "a progress line per reading");
    }

    private static void requirePrerequisites() {
        Prerequisites.requireRoot();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("ip", "tc", "nft", "iptables", "sysctl", "ss", "haproxy", "mptcpize");
    }
}
