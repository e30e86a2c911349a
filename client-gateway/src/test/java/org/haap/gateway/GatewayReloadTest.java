package org.haap.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.haap.config.GatewayConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.config.RobeMode;
import org.haap.config.reload.ConfigReloader;
import org.haap.core.mptcp.MptcpSockets;
import org.haap.gateway.internal.LoopGuard;
import org.haap.robe.PathHistory;
import org.haap.robe.RobeSim;
import org.haap.robe.RobeTimer;
import org.haap.robe.WanPath;
import org.haap.robe.WanState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's reloader ({@link Gateway#reloader}) driving a real {@link GatewayContext},
 * without signals or sockets: what new sessions take after a reload, what sessions that
 * started before keep, and the {@code haap_gateway_config_reloads_total} counts.
 */
class GatewayReloadTest {

    @TempDir
    Path dir;
    private Path file;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private GatewayMetrics metrics;
    private GatewayContext context;
    private ConfigReloader<GatewayConfig> reloader;

    @BeforeEach
    void start() throws IOException {
        file = dir.resolve("gateway.conf");
        write("robe.mode = sim");
        GatewayConfig config = HaapConfigLoader.gateway(HaapConfigLoader.load(file));
        List<WanPath> paths = Gateway.wanPaths(config.wans());
        metrics = new GatewayMetrics(registry, paths, "sim");
        context = new GatewayContext(config, MptcpSockets.tcpOnly(), WanState.withDefaults(paths),
                PathHistory.withDefaults(), metrics, new LoopGuard(config.aggregationPoint(),
                        () -> Set.<InetAddress>of(), Duration.ofSeconds(10), System::nanoTime));
        reloader = Gateway.reloader(file, context::config, context::apply, metrics);
    }

    private void write(String keys) throws IOException {
        Files.writeString(file, """
                haap.gateway {
                  aggregation-point = "192.0.2.10:5124"
                  wan = [{ name = dsl, interface = dsl0, source = "198.51.100.2" }]
                  listen = ["0.0.0.0:15124"]
                %s
                }
                """.formatted(keys), StandardCharsets.UTF_8);
    }

    private double reloads(String result) {
        return registry.get("haap.gateway.config.reloads").tag("result", result).counter().count();
    }

    @Test
    void bothResultsAreRegisteredAtZero() {
        assertEquals(0.0, reloads("ok"));
        assertEquals(0.0, reloads("invalid"));
    }

    @Test
    void newSessionsTakeTheReloadedKeysOpenOnesKeepTheirs() throws IOException {
        GatewayContext.Settings before = context.settings();
        write("""
                  robe { mode = timer, timer.syn-timeout = 150ms }
                  timeouts { connect = 3s, convert-reply = 2s, idle = 1m, half-close = 10s, drain = 1s }
                  on-ap-unreachable = bypass
                  bypass.destinations = ["192.0.2.0/24"]
                  listen = ["0.0.0.0:16000"]
                  relay.splice = false
                """);
        ConfigReloader.Plan<GatewayConfig> plan = reloader.reload().orElseThrow();
        assertEquals(List.of("listen", "timeouts.drain", "relay"), plan.needRestart());
        assertEquals(1.0, reloads("ok"));

        GatewayContext.Settings now = context.settings();
        assertNotSame(before, now);
        assertSame(plan.applied(), now.config());
        RobeTimer timer = assertInstanceOf(RobeTimer.class, now.establisher(), "robe.mode");
        assertEquals(Duration.ofMillis(150), timer.synTimeout(Gateway.wanPaths(now.config().wans()).get(0)));
        assertNotSame(before.connector(), now.connector(), "timeouts.connect: a new connector");
        assertEquals(Duration.ofMinutes(1), now.relay().idleTimeout());
        assertEquals(Duration.ofSeconds(10), now.relay().halfCloseTimeout());
        assertTrue(now.relay().splice(), "relay is start-only");
        assertEquals(Duration.ofSeconds(2), context.config().timeouts().convertReply());
        assertEquals(Duration.ofSeconds(10), context.config().timeouts().drain(), "drain is start-only");
        assertEquals(15124, context.config().listen().get(0).getPort());
        assertTrue(context.config().bypassDestinations().contains(InetAddress.getByName("192.0.2.7")));
        assertNotNull(registry.find("haap.gateway.establish.setup").tag("mode", "timer").timer(),
                "the new mode's meters are registered");
        assertNotSame(before.meters(), now.meters());

        // a session accepted before keeps its snapshot
        assertInstanceOf(RobeSim.class, before.establisher());
        assertEquals(RobeMode.SIM, before.config().robe().mode());
        assertEquals(Duration.ofMinutes(5), before.relay().idleTimeout());
    }

    @Test
    void anInvalidFileChangesNothingAndIsCounted() throws IOException {
        GatewayContext.Settings before = context.settings();
        write("robe.mode = timer, timeouts.connect = -1s");
        assertTrue(reloader.reload().isEmpty());
        assertSame(before, context.settings());
        assertEquals(1.0, reloads("invalid"));
        assertEquals(0.0, reloads("ok"));
    }
}
