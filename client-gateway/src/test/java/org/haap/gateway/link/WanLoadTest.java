package org.haap.gateway.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.haap.robe.WanPath;
import org.junit.jupiter.api.Test;

/** Saturation from fake interface counters, sampled with a fake clock. */
class WanLoadTest {

    private static final long STEP = WanLoad.SAMPLE.toNanos();

    private final Map<String, long[]> counters = new HashMap<>();
    private final List<String> heard = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WanLoad load;
    private long now = 1_000_000_000L;

    WanLoadTest() throws Exception {
        counters.put("dsl0", new long[2]);
        counters.put("wwan0", new long[2]);
        load = new WanLoad(List.of(new WanPath("dsl", "dsl0", InetAddress.getByName("198.51.100.2"), null),
                new WanPath("lte", "wwan0", InetAddress.getByName("203.0.113.7"), null)), 0.8,
                name -> counters.get(name) == null ? null : counters.get(name).clone(),
                (wan, saturated) -> heard.add(wan + '=' + saturated), registry);
    }

    /** Runs {@code steps} samples with {@code dsl} bits per second received on DSL. */
    private void run(int steps, double dslBitsPerSecond) {
        for (int i = 0; i < steps; i++) {
            now += STEP;
            counters.get("dsl0")[0] += (long) (dslBitsPerSecond / 8 * STEP / 1e9);
            load.sample(now);
        }
    }

    @Test
    void aWanAtItsPeakRateIsSaturatedAndStopsBelowHalfTheFraction() {
        run(50, 30e6); // a second at 30 Mbit/s: the peak
        assertEquals(List.of("dsl=true"), heard);
        assertTrue(load.saturated("dsl"));
        assertEquals(1, registry.find("haap.gateway.pm.wan.saturated").tag("wan", "dsl").gauge().value());
        run(20, 15e6); // half the peak: above 0.4, still saturated
        assertTrue(load.saturated("dsl"));
        run(20, 10e6);
        assertFalse(load.saturated("dsl"));
        assertEquals(List.of("dsl=true", "dsl=false"), heard);
        run(20, 20e6); // two thirds of the peak: not saturated again
        assertFalse(load.saturated("dsl"));
        run(20, 29e6);
        assertTrue(load.saturated("dsl"));
        assertEquals(2, registry.find("haap.gateway.pm.wan.saturations").tag("wan", "dsl").counter().count());
        assertFalse(load.saturated("lte"), "an idle WAN");
    }

    @Test
    void aLinkBelowTheMinimumPeakIsNeverSaturated() {
        run(50, 0.5e6);
        assertEquals(List.of(), heard);
    }

    @Test
    void thePeakFadesSoASlowerLinkIsLearntAgain() {
        run(50, 30e6);
        run(10, 0);
        now += 2 * WanLoad.PEAK_HALF_LIFE.toNanos(); // a quarter of 30 Mbit/s left
        load.sample(now);
        heard.clear();
        run(50, 8e6);
        assertTrue(load.saturated("dsl"), "8 Mbit/s is at least 0.8 x the faded peak");
    }

    @Test
    void anUnreadableInterfaceIsLeftAlone() {
        counters.remove("dsl0");
        now += STEP;
        load.sample(now);
        assertFalse(load.saturated("dsl"));
        assertEquals(List.of(), heard);
    }
}
