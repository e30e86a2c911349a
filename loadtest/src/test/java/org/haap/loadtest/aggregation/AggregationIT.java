package org.haap.loadtest.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.haap.core.testing.Prerequisites;
import org.haap.loadtest.Json;
import org.haap.loadtest.ScenarioContext;
import org.haap.loadtest.ScenarioOptions;
import org.haap.loadtest.Teardown;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code aggregation} for real at 3 % LTE loss, HAAP and kernel-only MPTCP, four
 * transfers of 3 s each way, and checks what it measured, never a speed: every transfer
 * ended with its count and SHA-256 verified and crossed both WANs, LTE's loss rule dropped
 * close to 3 % of its packets, every namespace defaulted to cubic while HAAP's sockets ran
 * bbr (ss -ti) and the kernel's cubic, and the host's allowed list is as before afterwards.
 */
class AggregationIT {

    private static final Path ALLOWED = Path.of("/proc/sys/net/ipv4/tcp_allowed_congestion_control");

    @Test
    void lossyRunThroughHaapAndTheKernelMeasuresWhatItAskedFor() throws Exception {
        Prerequisites.requireRoot();
        Prerequisites.requireMptcp();
        Prerequisites.requireCommand("ip", "tc", "nft", "iptables", "ip6tables", "sysctl", "ss");
        String allowedBefore = Files.readString(ALLOWED).strip();
        Teardown teardown = new Teardown();
        List<String> progress = new ArrayList<>();
        AggregationResult result;
        try {
            result = (AggregationResult) new AggregationScenario().run(new ScenarioContext(3, 1, null, progress::add,
                    teardown, new ScenarioOptions(4, List.of(3), 0, List.of("haap", "kernel"))));
        } finally {
            assertEquals(List.of(), teardown.runAll(), "teardown failures");
        }
        assertEquals(allowedBefore, Files.readString(ALLOWED).strip(), "the host's allowed list after teardown");
        String table = result.table();
        assertEquals(4, result.cells().size(), table);
        for (Cell c : result.cells()) {
            assertTrue(c.ok(), table);
            assertEquals(4, c.intact(), table);
            assertTrue(c.bytes() > 0 && c.goodputMbit() > 0, table);
            assertTrue(c.dslBytes() > 0 && c.lteBytes() > 0, "both WANs carry data: " + table);
            assertTrue(c.lteLoss().dropped() > 0, table);
            assertTrue(c.segments().original() > 0, table);
            Set<String> expected = Set.of(c.route() == Route.HAAP ? "bbr" : AggregationScenario.HOST_CONGESTION);
            assertEquals(expected, c.congestion(), c.route().label() + " sender sockets: " + table);
        }
        double measured = result.measuredLossPct().get(3);
        assertTrue(measured > 2.0 && measured < 4.0, "LTE drops " + measured + " % for 3 %: " + table);
        assertEquals(6, result.hostCongestion().size(), table);
        result.hostCongestion().forEach((ns, cc) -> assertEquals(AggregationScenario.HOST_CONGESTION, cc, ns));
        String line = Json.write(result.toJson());
        for (String f : List.of("{\"scenario\":\"aggregation\",", "\"transfer_seconds\":3,",
                "\"lte_loss_pct\":3,\"transfer\":\"download\",\"connections\":4,\"route\":\"kernel\",",
                "\"route\":\"haap\",", "\"retransmitted_pct\":", "\"wire_bytes\":{\"dsl\":",
                "\"sender_congestion_control\":[\"bbr\"]", "\"acceptance\":[")) {
            assertTrue(line.contains(f), f + " in the JSON of\n" + table);
        }
        assertTrue(result.files().get("png").length > 1000);
        assertTrue(progress.stream().anyMatch(l -> l.contains("LTE loss asked 3 %: dropped")), progress.toString());
    }
}
