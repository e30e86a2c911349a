package org.haap.loadtest.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.haap.core.testing.Prerequisites;
import org.haap.loadtest.Json;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioOptions;
import org.haap.loadtest.Teardown;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code browser} for real, small: a 12-object page, one gateway mode (sim) and the two
 * direct fetches, 2 measured loads each in 2 alternating batches, no warm-up. Checks the
 * structure, never speed: Chromium loaded every object each time and reported a Navigation
 * Timing, the modes took turns, the WAN counters saw the page on the right links, nothing
 * left the server net, and no Chromium process outlives the teardown. With {@code CI=true}
 * a missing chromium fails the test.
 */
class BrowserIT {

    private static final int OBJECTS = 12;

    @Test
    void chromiumLoadsThePageThroughTheTestbedAndNothingEscapes() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("ip", "tc", "nft", "iptables", "ip6tables", "sysctl", "setsid", "chromium");
        Teardown teardown = new Teardown();
        List<String> progress = new ArrayList<>();
        BrowserResult result;
        try {
            result = (BrowserResult) new BrowserScenario(OBJECTS, 0).run(new ScenarioContext(1, 1, null,
                    progress::add, teardown, new ScenarioOptions(0, List.of(), 2, List.of("sim", "direct-dsl"))));
        } finally {
            assertEquals(List.of(), teardown.runAll(), "teardown failures");
        }
        assertTrue(ProcessHandle.current().descendants()
                        .noneMatch(h -> h.info().command().orElse("").contains("chromium")),
                "a chromium process outlived the teardown");
        assertEquals(List.of("sim", "direct-dsl", "direct-lte"),
                result.results().stream().map(r -> r.mode().label()).toList());
        assertEquals(List.of(1, 1), result.batches());
        for (BrowserResult.ModeResult r : result.results()) {
            assertEquals(2, r.timings().attempts(), result.table());
            assertEquals(0, r.timings().failures(), result.table());
            assertTrue(r.timings().median() > 0, result.table());
            assertTrue(r.timings().median() >= Math.max(r.ttfbMs().get(0), 0), result.table());
            assertEquals(OBJECTS + 1, r.fewestServed(), "every object served before the report: " + result.table());
            assertTrue(r.connectionsPerPage() >= BrowserScenario.HOSTS, "a connection per host: " + result.table());
            assertEquals(0, r.escaped(), "packets outside the server net: " + result.table());
        }
        long pageBytes = result.pageBytes();
        Map<String, Long> sim = result.results().get(0).downPerPage();
        assertTrue(sim.get("dsl") + sim.get("lte") >= pageBytes, result.table());
        Map<String, Long> dsl = result.results().get(1).downPerPage();
        assertTrue(dsl.get("dsl") >= pageBytes, result.table());
        assertTrue(dsl.get("lte") < pageBytes / 10, result.table());
        // the modes take turns: sim's second batch comes after the direct fetches' first
        int simFirst = indexOf(progress, "sim run 1/2");
        int dslFirst = indexOf(progress, "direct-dsl run 1/2");
        int simSecond = indexOf(progress, "sim run 2/2");
        assertTrue(simFirst < dslFirst && dslFirst < simSecond, progress.toString());
        String line = Json.write(result.toJson());
        for (String f : List.of("\"scenario\":\"browser\"", "\"chromium\":\"Chromium ", "\"runs\":2,",
                "\"escaped_packets\":0}", "\"label\":\"sim\",\"mode\":\"sim\",\"pool\":false,")) {
            assertTrue(line.contains(f), f + " in " + line);
        }
        assertTrue(result.files().get("png").length > 1000);
    }

    private static int indexOf(List<String> progress, String text) {
        for (int i = 0; i < progress.size(); i++) {
            if (progress.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no progress line with '" + text + "' in " + progress);
    }
}
