package org.haap.loadtest.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.haap.core.testing.Prerequisites;
import org.haap.deploy.testbed.Wan;
import org.haap.loadtest.Json;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioOptions;
import org.haap.loadtest.Teardown;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code failover} for real, shortened: one fault ({@code link-down}), one policy
 * ({@code fullmesh}), a 9 s transfer with DSL down from 3 s to 6 s. Checks the structure
 * and the outcome only, never a timing: the JSON fields, the transfer survived with
 * matching SHA-256, both WANs carried bytes, a plot, and a clean teardown.
 */
class FailoverIT {

    /** The path manager under test (the userspace path manager's full mesh). */
    private static final String POLICY = "fullmesh";

    @Test
    void shortLinkDownRunKeepsTheTransferIntact() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("ip", "tc", "nft", "iptables", "ip6tables", "sysctl");
        Teardown teardown = new Teardown();
        List<String> progress = new ArrayList<>();
        FailoverResult result;
        try {
            result = (FailoverResult) new FailoverScenario(new Timeline(9_000, 3_000, 6_000, 100), 1).run(
                    new ScenarioContext(1, 1, null, progress::add, teardown,
                            new ScenarioOptions(0, List.of(), 0, List.of(POLICY), List.of("link-down"))));
        } finally {
            assertEquals(List.of(), teardown.runAll(), "teardown failures");
        }
        assertEquals(1, result.runs().size(), result.table());
        FailoverRun run = result.runs().get(0);
        assertEquals(Fault.LINK_DOWN, run.fault());
        assertEquals("ok", run.integrity(), result.table());
        assertEquals(0, run.connectionsLost(), result.table());
        assertTrue(run.trace().bytes(Wan.DSL) > 0 && run.trace().bytes(Wan.LTE) > 0, result.table());
        assertTrue(run.trace().received() > 0, result.table());
        String line = Json.write(result.toJson());
        for (String f : List.of("{\"scenario\":\"failover\",",
                "\"faults\":[{\"fault\":\"link-down\",\"policy\":\"" + POLICY + "\",",
                "\"recover_ms\":", "\"rejoin_ms\":", "\"connections_lost\":0,\"integrity\":\"ok\",",
                "\"bytes\":{\"dsl\":", ",\"lte\":", "\"series\":{\"t_ms\":[")) {
            assertTrue(line.contains(f), f + " in the JSON of\n" + result.table());
        }
        assertTrue(result.files().get("png").length > 1000);
        assertTrue(progress.stream().anyMatch(l -> l.contains("link-down injected")), progress.toString());
        assertTrue(progress.stream().anyMatch(l -> l.contains("DSL repaired")), progress.toString());
    }
}
