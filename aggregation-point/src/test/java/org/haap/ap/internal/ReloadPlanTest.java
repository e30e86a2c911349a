package org.haap.ap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.haap.config.ApConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.config.reload.ConfigReloader;
import org.junit.jupiter.api.Test;

class ReloadPlanTest {

    private static ApConfig ap(String hocon) {
        return HaapConfigLoader.aggregationPoint(ConfigFactory.parseString("haap.aggregation-point {" + hocon + "}"));
    }

    private static final ApConfig RUNNING = ap("""
            listen = ["0.0.0.0:5124"]
            cookies = ["a"]
            clients.allow = ["198.18.1.0/24"]
            """);

    @Test
    void sameFileChangesNothing() {
        ApConfig same = ap("""
                listen = ["0.0.0.0:5124"]
                cookies = ["a"]
                clients.allow = ["198.18.1.0/24"]
                """);
        assertEquals(new ConfigReloader.Plan<>(RUNNING, List.of(), List.of()), ReloadPlan.between(RUNNING, same));
    }

    @Test
    void reloadableKeysAreAppliedAndNamed() {
        ApConfig loaded = ap("""
                listen = ["0.0.0.0:5124"]
                cookies = ["b"]
                require-cookie = false
                clients.allow = ["198.18.2.0/24"]
                destinations.allow = ["10.0.0.0/8"]
                limits { max-sessions = 7, max-sessions-per-client = 3, max-pooled-per-client = 1 }
                timeouts { header = 2s, connect = 3s, idle = 4s, half-close = 5s, pool-idle = 6s }
                """);
        List<String> reloadable = List.of("timeouts.header", "timeouts.connect", "timeouts.idle",
                "timeouts.half-close", "timeouts.pool-idle", "clients.allow", "destinations", "limits", "cookies",
                "require-cookie");
        assertEquals(new ConfigReloader.Plan<>(loaded, reloadable, List.of()), ReloadPlan.between(RUNNING, loaded));
    }

    @Test
    void startOnlyKeysAreNamedAndKeepTheirRunningValues() {
        ApConfig loaded = ap("""
                listen = ["0.0.0.0:6000"]
                protocol = tcp
                event-loops = 3
                backlog = 7
                tcp-fast-open-queue = 0
                timeouts { drain = 1s, header = 2s }
                relay.splice = false
                metrics.listen = "127.0.0.1:9999"
                probe.enabled = false
                congestion-control = cubic
                cookies = ["a"]
                clients.allow = ["198.18.1.0/24"]
                """);
        ConfigReloader.Plan<ApConfig> plan = ReloadPlan.between(RUNNING, loaded);
        assertEquals(List.of("listen", "protocol", "event-loops", "backlog", "tcp-fast-open-queue", "timeouts.drain",
                "relay", "metrics", "probe", "congestion-control"), plan.needRestart());
        assertEquals(List.of("timeouts.header"), plan.changed());
        ApConfig applied = plan.applied();
        assertEquals(RUNNING.listen(), applied.listen());
        assertEquals(RUNNING.protocol(), applied.protocol());
        assertEquals(RUNNING.eventLoops(), applied.eventLoops());
        assertEquals(RUNNING.backlog(), applied.backlog());
        assertEquals(RUNNING.tcpFastOpenQueue(), applied.tcpFastOpenQueue());
        assertEquals(RUNNING.timeouts().drain(), applied.timeouts().drain());
        assertEquals(RUNNING.relay(), applied.relay());
        assertEquals(RUNNING.metrics(), applied.metrics());
        assertEquals(RUNNING.probe(), applied.probe());
        assertEquals(RUNNING.congestionControl(), applied.congestionControl());
        assertEquals(Duration.ofSeconds(2), applied.timeouts().header(), "the reloadable key of the same section");
    }
}
