package org.haap.loadtest.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailoverScenarioTest {

    @Test
    void effectiveModeIsFallbackWhenTheGatewayLogsThatTheModeIsMissing(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("gateway.log");
        Files.writeString(log, "haap gateway: listening on 0.0.0.0:15124\n");
        assertEquals("userspace", FailoverScenario.effectiveMode(PathManagerChoice.FULLMESH, log));
        Files.writeString(log, "WARNING: path-manager.mode = userspace is not implemented yet; using the in-kernel "
                + "path manager with one endpoint per extra WAN\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals("fallback", FailoverScenario.effectiveMode(PathManagerChoice.FULLMESH, log));
        assertEquals("userspace", FailoverScenario.effectiveMode(PathManagerChoice.FULLMESH, dir.resolve("none")));
    }

    @Test
    void progressShowsTheLastSecondsRates() {
        List<Sample> s = List.of(new Sample(0, 0, 0, 0, 0, 0), new Sample(1000, 3_000_000, 1_000_000, 0, 2_000_000, 0));
        assertEquals("t=1s goodput 24.0 Mbit/s, dsl 8.0, lte 16.0 (down)", FailoverScenario.rates(s));
        assertEquals("starting", FailoverScenario.rates(s.subList(0, 1)));
    }

    @Test
    void recoverThresholdIsEightyPercentOfLte() {
        assertEquals(19.2, FailoverScenario.recoverThresholdMbit(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> new FailoverScenario(Timeline.DEFAULT, 0));
    }
}
