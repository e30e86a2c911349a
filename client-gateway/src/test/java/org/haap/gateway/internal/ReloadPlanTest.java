package org.haap.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.haap.config.ApUnreachable;
import org.haap.config.GatewayConfig;
import org.haap.config.GatewayTimeouts;
import org.haap.config.HaapConfigLoader;
import org.haap.config.RobeMode;
import org.haap.config.RobeSettings;
import org.haap.config.WarmPoolSettings;
import org.haap.config.reload.ConfigReloader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which gateway keys a reload applies, and that the others keep their running values. */
class ReloadPlanTest {

    private static final String BASE = """
            aggregation-point = "192.0.2.10:5124"
            wan = [{ name = dsl, interface = dsl0, source = "198.51.100.2" }]
            cookie = "c1"
            """;
    private static final GatewayConfig RUNNING = load("");

    /** The base file with {@code change} after it (a later HOCON key wins). */
    private static GatewayConfig load(String change) {
        return HaapConfigLoader.gateway(ConfigFactory.parseString("haap.gateway {\n" + BASE + change + "\n}"));
    }

    @Test
    void theSameFileChangesNothing() {
        ConfigReloader.Plan<GatewayConfig> plan = ReloadPlan.between(RUNNING, load(""));
        assertEquals(List.of(), plan.changed());
        assertEquals(List.of(), plan.needRestart());
        assertEquals(RUNNING, plan.applied());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            on-ap-unreachable      | on-ap-unreachable = bypass
            robe.mode              | robe.mode = timer
            robe.timer.syn-timeout | robe.timer.syn-timeout = 200ms
            timeouts.connect       | timeouts.connect = 3s
            timeouts.convert-reply | timeouts.convert-reply = 2s
            timeouts.idle          | timeouts.idle = 1m
            timeouts.half-close    | timeouts.half-close = 10s
            bypass.destinations    | bypass.destinations = ["192.0.2.0/24"]
            """)
    void aReloadableKeyIsAppliedAndNamed(String key, String change) {
        GatewayConfig loaded = load(change);
        ConfigReloader.Plan<GatewayConfig> plan = ReloadPlan.between(RUNNING, loaded);
        assertEquals(List.of(key), plan.changed());
        assertEquals(List.of(), plan.needRestart());
        assertEquals(loaded, plan.applied(), "the loaded value is the one applied");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            listen            | listen = ["0.0.0.0:16000"]
            aggregation-point | aggregation-point = "192.0.2.11:5124"
            wan               | wan = [{ name = dsl, interface = dsl1, source = "198.51.100.2" }]
            cookie            | cookie = "c2"
            robe.pool.enabled | robe.pool.enabled = true
            path-manager      | path-manager.mode = userspace
            timeouts.drain    | timeouts.drain = 3s
            relay             | relay.splice = false
            metrics           | metrics.listen = "127.0.0.1:9999"
            sysctl            | sysctl.manage = false
            event-loops       | event-loops = 3
            link-monitor      | link-monitor.enabled = false
            congestion-control | congestion-control = cubic
            """)
    void aStartOnlyKeyIsNamedAndKeepsItsRunningValue(String key, String change) {
        ConfigReloader.Plan<GatewayConfig> plan = ReloadPlan.between(RUNNING, load(change));
        assertEquals(List.of(key), plan.needRestart());
        assertEquals(List.of(), plan.changed());
        assertEquals(RUNNING, plan.applied(), "every running value kept");
    }

    @Test
    void reloadableAndStartOnlyKeysOfOneSectionAreSeparated() {
        ConfigReloader.Plan<GatewayConfig> plan = ReloadPlan.between(RUNNING, load("""
                robe { mode = ips, timer.syn-timeout = 300ms, pool { enabled = true, min = 2 } }
                timeouts { connect = 4s, drain = 1s }
                listen = ["0.0.0.0:16000"]
                """));
        assertEquals(List.of("robe.mode", "robe.timer.syn-timeout", "timeouts.connect"), plan.changed());
        assertEquals(List.of("listen", "robe.pool.enabled", "robe.pool.min", "timeouts.drain"), plan.needRestart());
        GatewayConfig applied = plan.applied();
        assertEquals(new RobeSettings(RobeMode.IPS, Optional.of(Duration.ofMillis(300)),
                RUNNING.robe().pool()), applied.robe());
        GatewayTimeouts was = RUNNING.timeouts();
        assertEquals(new GatewayTimeouts(Duration.ofSeconds(4), was.convertReply(), was.idle(), was.halfClose(),
                was.drain()), applied.timeouts());
        assertEquals(RUNNING.listen(), applied.listen());
        assertEquals(ApUnreachable.RESET, applied.onApUnreachable());
    }

    @Test
    void aRunningPoolsSizesAreAppliedAndAStoppedPoolsNeedARestart() {
        GatewayConfig pooled = load("robe.pool { enabled = true, min = 2, max = 8 }");
        ConfigReloader.Plan<GatewayConfig> plan = ReloadPlan.between(pooled,
                load("robe.pool { enabled = true, min = 4, max = 32, max-idle = 20s }"));
        assertEquals(List.of("robe.pool.min", "robe.pool.max", "robe.pool.max-idle"), plan.changed());
        assertEquals(List.of(), plan.needRestart());
        assertEquals(new WarmPoolSettings(true, 4, 32, Duration.ofSeconds(20)), plan.applied().robe().pool());

        // switching the pool off needs a restart; its sizes in the same file are not applied
        plan = ReloadPlan.between(pooled, load("robe.pool { enabled = false, min = 0, max = 8 }"));
        assertEquals(List.of("robe.pool.enabled"), plan.needRestart());
        assertEquals(List.of("robe.pool.min"), plan.changed());
        assertEquals(new WarmPoolSettings(true, 0, 8, pooled.robe().pool().maxIdle()), plan.applied().robe().pool());

        // with the pool off its sizes only matter after a restart (that switches it on)
        plan = ReloadPlan.between(RUNNING, load("robe.pool.max = 4"));
        assertEquals(List.of("robe.pool.max"), plan.needRestart());
        assertEquals(RUNNING, plan.applied());
    }

    @Test
    void fastOpenIsReloadable() {
        var plan = ReloadPlan.between(RUNNING, load("robe.fast-open { enabled = true, first-bytes-wait = 20ms }"));
        assertEquals(List.of("robe.fast-open"), plan.changed());
        assertEquals(List.of(), plan.needRestart());
        assertEquals(new org.haap.config.RobeFastOpen(true, java.time.Duration.ofMillis(20)),
                plan.applied().robe().fastOpen());
    }

    @Test
    void everyKeyIsDecided() {
        // A new component needs a decision in ReloadPlan.between (and a row above).
        assertEquals(15, GatewayConfig.class.getRecordComponents().length, "GatewayConfig components");
        assertEquals(4, RobeSettings.class.getRecordComponents().length, "RobeSettings components");
        assertEquals(5, GatewayTimeouts.class.getRecordComponents().length, "GatewayTimeouts components");
    }
}
