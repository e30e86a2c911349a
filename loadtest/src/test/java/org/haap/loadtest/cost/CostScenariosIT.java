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
 * Both cost scenarios, short, on the real kernel with the real HAProxy pair: every route
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

    private static void requirePrerequisites() {
        Prerequisites.requireRoot();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("ip", "tc", "nft", "iptables", "sysctl", "ss", "haproxy", "mptcpize");
    }
}
