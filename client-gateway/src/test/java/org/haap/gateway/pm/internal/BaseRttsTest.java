package org.haap.gateway.pm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.OptionalLong;
import org.haap.gateway.pm.PmHarness;
import org.junit.jupiter.api.Test;

/** The windowed minimum of probe RTTs, with a fake clock. */
class BaseRttsTest {

    private static final long MS = 1_000_000;
    private static final long SECOND = 1000 * MS;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BaseRtts rtts = new BaseRtts(PmHarness.WANS, registry);
    private long now = 1_000 * SECOND;

    private double gauge(String wan) {
        return registry.find("haap.gateway.pm.wan.base.rtt").tag("wan", wan).gauge().value();
    }

    @Test
    void theBaseRttIsTheLowestProbeOfTheWindowPerWan() {
        assertEquals(OptionalLong.empty(), rtts.get(0, now));
        assertTrue(Double.isNaN(gauge("dsl")));
        assertTrue(rtts.add(0, 25 * MS, now), "the first probe makes it known");
        now += SECOND;
        assertTrue(rtts.add(0, 20 * MS, now), "a fifth lower is notable");
        now += SECOND;
        assertFalse(rtts.add(0, 60 * MS, now), "a probe behind a queue does not raise it");
        assertFalse(rtts.add(0, 19_500_000, now), "2.5 % lower is not notable");
        assertEquals(OptionalLong.of(19_500_000), rtts.get(0, now), "but it is the base RTT");
        assertEquals(0.0195, gauge("dsl"), 1e-9);
        assertEquals(OptionalLong.empty(), rtts.get(1, now), "WANs are apart");
        assertTrue(Double.isNaN(gauge("lte")));
    }

    @Test
    void aProbeIsForgottenWithinTheWindowSoASlowerPathIsLearnt() {
        rtts.add(0, 20 * MS, now);
        long window = BaseRtts.WINDOW.toNanos();
        // probes at 40 ms every second from now on: the 20 ms sample leaves within the window
        boolean notable = false;
        for (long t = SECOND; t <= window; t += SECOND) {
            notable |= rtts.add(0, 40 * MS, now + t);
        }
        assertTrue(notable, "the rise to 40 ms is reported");
        assertEquals(OptionalLong.of(40 * MS), rtts.get(0, now + window));
        assertEquals(OptionalLong.empty(), rtts.get(0, now + 2 * window), "no probe within the window: unknown");
    }

    @Test
    void aProbeCountsForAtLeastTwoThirdsOfTheWindow() {
        rtts.add(0, 20 * MS, now);
        Duration twoThirds = BaseRtts.WINDOW.multipliedBy(2).dividedBy(3);
        assertEquals(OptionalLong.of(20 * MS), rtts.get(0, now + twoThirds.toNanos() - 1));
    }

    @Test
    void aNegativeRttIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> rtts.add(0, -1, now));
    }
}
