package org.haap.loadtest.pageload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.haap.core.testing.Prerequisites;
import org.haap.loadtest.Json;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioOptions;
import org.haap.loadtest.Teardown;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code pageload} for real with one gateway mode and one direct fetch asked for (the
 * other direct fetch is added), 2 runs each, and checks the structure only (never speed):
 * every mode loaded the whole page every time, each object was timed, segments were counted,
 * the JSON fields, a plot, and a clean teardown.
 */
class PageLoadIT {

    @Test
    void tinyRunLoadsThePageThroughTheGatewayAndDirectly() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("ip", "tc", "nft", "iptables", "ip6tables", "sysctl");
        Teardown teardown = new Teardown();
        List<String> progress = new ArrayList<>();
        PageLoadResult result;
        try {
            result = (PageLoadResult) new PageLoadScenario().run(new ScenarioContext(1, 1, null, progress::add, teardown,
                    new ScenarioOptions(0, List.of(), 2, List.of("sim", "direct-lte"))));
        } finally {
            assertEquals(List.of(), teardown.runAll(), "teardown failures");
        }
        assertEquals(List.of("sim", "direct-lte", "direct-dsl"),
                result.results().stream().map(r -> r.mode().label()).toList());
        for (PageLoadResult.ModeResult r : result.results()) {
            assertEquals(2, r.timings().attempts());
            assertEquals(0, r.timings().failures(), result.table());
            assertTrue(r.timings().median() > 0, result.table());
            assertEquals(2 * result.page().count(), r.firstObjectMs().size() + r.laterObjectMs().size(), result.table());
            assertTrue(r.segments().original() >= result.page().bytes() * 2 / 1500, r.mode() + ": " + r.segments());
            assertTrue(r.segments().retransmittedPct() >= 0, result.table());
            assertEquals(r.mode().gateway() != null ? Set.of(PageLoadScenario.REINJECTIONS,
                    PageLoadScenario.DUPLICATES) : Set.of(), r.mptcpPerPage().keySet(), result.table());
        }
        // the WAN counters: every page crossed the WANs; direct over LTE left DSL idle
        long pageBytes = result.page().bytes();
        Map<String, Long> sim = result.results().get(0).downPerPage();
        assertTrue(sim.get("dsl") + sim.get("lte") >= pageBytes, result.table());
        Map<String, Long> direct = result.results().get(1).downPerPage();
        assertTrue(direct.get("lte") >= pageBytes, result.table());
        assertTrue(direct.get("dsl") < pageBytes / 10, result.table());
        assertTrue(result.results().get(1).floorMs(result.rateMbit()) >= pageBytes * 8 / 10e3, result.table());
        String line = Json.write(result.toJson());
        for (String f : List.of("\"scenario\":\"pageload\"", "\"runs\":2,", "\"results\":[",
                "{\"mode\":\"sim\",\"pool\":false,", "{\"mode\":\"direct-lte\",\"pool\":false,", "\"median_ms\":",
                "\"p99_ms\":", "\"segments_counted_at\":[\"ap\"],", "\"mptcp_per_page\":{\"mptcp_retransmissions\":", "\"retransmitted_pct\":", "\"first_object_ms\":")) {
            assertTrue(line.contains(f), f + " in " + line);
        }
        assertTrue(result.files().get("png").length > 1000);
        assertTrue(progress.stream().anyMatch(l -> l.contains("direct-lte run 2/2")), progress.toString());
    }
}
