package org.haap.loadtest.robeloss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.haap.core.testing.Prerequisites;
import org.haap.loadtest.Json;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioOptions;
import org.haap.loadtest.Teardown;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code robe-loss} for real with 2 modes x 2 points x 3 connections and checks the
 * structure of the result only (never speed): every point present with its attempts, the
 * loss-free points answered, the JSON fields, a plot, and a clean teardown.
 */
class RobeLossIT {

    @Test
    void tinyRunHasEveryPointAndTheJsonFields() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("ip", "tc", "nft", "iptables", "ip6tables", "sysctl");
        Teardown teardown = new Teardown();
        List<String> progress = new ArrayList<>();
        RobeLossResult result;
        try {
            result = (RobeLossResult) new RobeLossScenario().run(new ScenarioContext(1, 1, null, progress::add, teardown,
                    new ScenarioOptions(3, List.of(0, 100), 0, List.of("classic", "sim+pool"))));
        } finally {
            assertEquals(List.of(), teardown.runAll(), "teardown failures");
        }
        assertEquals(4, result.points().size(), result.table());
        for (LossPoint p : result.points()) {
            assertEquals(3, p.timings().attempts(), result.table());
            if (p.lossPct() == 0) {
                assertEquals(0, p.timings().failures(), "no loss, no failure: " + result.table());
            }
        }
        String line = Json.write(result.toJson());
        for (String f : List.of("\"scenario\":\"robe-loss\"", "\"rtt_ms\":{\"dsl\":20,\"lte\":40}", "\"points\":[",
                "\"mode\":\"classic\",\"pool\":false,\"loss_pct\":100,\"attempts\":3,",
                "\"mode\":\"sim\",\"pool\":true,\"loss_pct\":0,\"attempts\":3,\"failures\":0,\"median_ms\":",
                "\"p90_ms\":", "\"p99_ms\":")) {
            assertTrue(line.contains(f), f + " in " + line);
        }
        assertTrue(result.files().get("png").length > 1000);
        assertTrue(progress.stream().anyMatch(l -> l.contains("sim+pool at 100 % SYN loss")), progress.toString());
    }
}
