package org.haap.ap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.haap.config.ApConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.config.reload.ConfigReloader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AP's reloader ({@link AggregationPoint#reloader}) without signals: the AP's loader and
 * plan on a real file, counted in the AP's metric. The shared decision and its log lines are
 * tested in the config module's {@code ConfigReloaderTest}; every key in {@code ReloadPlanTest}.
 */
class AggregationPointReloadTest {

    @TempDir
    Path dir;

    @Test
    void appliesReloadableKeysKeepsStartOnlyOnesAndCountsBothResults() throws IOException {
        Path file = dir.resolve("ap.conf");
        write(file, "cookies = [\"cookie-a\"], clients.allow = [\"198.18.1.0/24\"], listen = [\"0.0.0.0:5124\"]");
        AtomicReference<ApConfig> running = new AtomicReference<>(
                HaapConfigLoader.aggregationPoint(HaapConfigLoader.load(file)));
        ApMetrics metrics = new ApMetrics(new SimpleMeterRegistry());
        ConfigReloader<ApConfig> reloader = AggregationPoint.reloader(file, running::get, running::set, metrics);

        write(file, "cookies = [\"cookie-b\"], clients.allow = [\"198.18.2.0/24\"], listen = [\"0.0.0.0:6000\"],"
                + " relay.splice = false");
        ConfigReloader.Plan<ApConfig> plan = reloader.reload().orElseThrow();
        assertEquals(List.of("clients.allow", "cookies"), plan.changed());
        assertEquals(List.of("listen", "relay"), plan.needRestart());
        assertTrue(running.get().cookies().accepts("cookie-b".getBytes(StandardCharsets.UTF_8)));
        assertFalse(running.get().cookies().accepts("cookie-a".getBytes(StandardCharsets.UTF_8)));
        assertEquals(5124, running.get().listen().get(0).getPort());
        assertTrue(running.get().relay().splice());
        assertEquals(1.0, metrics.configReloads().count(true));
        assertEquals(0.0, metrics.configReloads().count(false));

        ApConfig before = running.get();
        write(file, "cookies = [\"cookie-c\"], timeouts.header = -1s");
        assertTrue(reloader.reload().isEmpty());
        assertSame(before, running.get());
        assertEquals(1.0, metrics.configReloads().count(false));
        assertEquals(1.0, metrics.configReloads().count(true));
    }

    private static void write(Path file, String body) throws IOException {
        Files.writeString(file, "haap.aggregation-point { " + body + " }\n", StandardCharsets.UTF_8);
    }
}
