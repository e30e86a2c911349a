package org.haap.loadtest.aprelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.haap.core.testing.Prerequisites;
import org.haap.loadtest.Json;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.Teardown;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code ap-relay} for real, one second per measurement and one repetition, and checks
 * only that data moved in both modes and that the JSON has its fields. Never asserts speed.
 */
class ApRelayIT {

    @Test
    void bothModesMoveDataAndJsonHasTheFields() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("ip", "tc", "nft", "iptables", "ip6tables", "sysctl");
        Teardown teardown = new Teardown();
        List<String> progress = new ArrayList<>();
        ApRelayResult result;
        try {
            result = (ApRelayResult) new ApRelayScenario().run(
                    new ScenarioContext(1, 1, null, progress::add, teardown));
        } finally {
            assertEquals(List.of(), teardown.runAll(), "teardown failures");
        }
        for (Mode mode : List.of(Mode.BASELINE, Mode.RELAY_SPLICE)) {
            for (Transfer t : Transfer.values()) {
                long bytes = result.samples().stream()
                        .filter(s -> s.mode() == mode && s.transfer() == t)
                        .mapToLong(s -> s.measurement().bytes()).sum();
                assertTrue(bytes > 0, mode + " " + t + " moved no bytes: " + result.table());
            }
        }
        Map<String, Object> json = result.toJson();
        for (String key : List.of("scenario", "profile", "seconds", "repeat", "connections", "rows", "samples")) {
            assertTrue(json.containsKey(key), key);
        }
        String line = Json.write(json);
        for (String field : List.of("\"median_mbit_per_s\":", "\"ratio_to_baseline\":", "\"ap_cpu_seconds_per_gb\":",
                "\"min_subflows\":", "\"lte_share\":")) {
            assertTrue(line.contains(field), field);
        }
        assertTrue(progress.stream().anyMatch(l -> l.contains("baseline")), progress.toString());
    }
}
