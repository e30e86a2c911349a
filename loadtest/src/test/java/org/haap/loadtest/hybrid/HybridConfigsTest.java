package org.haap.loadtest.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.haap.config.ApConfig;
import org.haap.config.GatewayConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.config.RobeMode;
import org.haap.deploy.testbed.Wan;
import org.junit.jupiter.api.Test;

import com.typesafe.config.ConfigFactory;

/** The configs the RobE scenarios write are valid and say what the scenario means. */
class HybridConfigsTest {

    private static GatewayConfig gateway(GatewayMode mode, Wan preferred) {
        return HaapConfigLoader.gateway(ConfigFactory.parseString(HybridConfigs.gateway(mode, preferred)));
    }

    @Test
    void gatewayTakesTheModeAndThePoolFromTheMode() {
        for (String robe : GatewayMode.ROBE_MODES) {
            GatewayConfig c = gateway(new GatewayMode(robe, false), Wan.LTE);
            assertEquals(RobeMode.valueOf(robe.toUpperCase(java.util.Locale.ROOT)), c.robe().mode());
            assertFalse(c.robe().pool().enabled());
        }
        GatewayConfig pooled = gateway(GatewayMode.parse("sim+pool"), Wan.LTE);
        assertEquals(RobeMode.SIM, pooled.robe().mode());
        assertTrue(pooled.robe().pool().enabled());
        assertEquals(HybridConfigs.POOL_MIN, pooled.robe().pool().min());
        assertEquals(HybridConfigs.POOL_MAX, pooled.robe().pool().max());
    }

    @Test
    void preferredWanComesFirstAndConnectTimeoutIsSet() {
        GatewayConfig lte = gateway(GatewayMode.parse("classic"), Wan.LTE);
        assertEquals(List.of("lte", "dsl"), lte.wans().stream().map(w -> w.name()).toList());
        assertEquals(20, lte.wans().get(0).table());
        GatewayConfig dsl = gateway(GatewayMode.parse("classic"), Wan.DSL);
        assertEquals(List.of("dsl", "lte"), dsl.wans().stream().map(w -> w.name()).toList());
        assertEquals(Duration.ofSeconds(HybridConfigs.CONNECT_TIMEOUT_SECONDS), dsl.timeouts().connect());
        assertTrue(HybridConfigs.CONNECT_TIMEOUT_SECONDS * 1000L < org.haap.loadtest.robeloss.RobeLossScenario.TIMEOUT_MS,
                "the gateway gives up before the client does");
    }

    @Test
    void gatewayRunsTheDemosPathManagerUnlessTheModeNamesAPolicy() {
        assertEquals(org.haap.config.PathManagerMode.KERNEL,
                gateway(GatewayMode.parse("sim+pool"), Wan.LTE).pathManager().mode());
        GatewayConfig lf = gateway(GatewayMode.parse("sim+pool:latency-first"), Wan.LTE);
        assertEquals(org.haap.config.PathManagerMode.USERSPACE, lf.pathManager().mode());
        assertEquals(org.haap.config.PathPolicy.LATENCY_FIRST, lf.pathManager().policy());
    }

    @Test
    void apAllowsEveryServerAddress() throws Exception {
        ApConfig ap = HaapConfigLoader.aggregationPoint(ConfigFactory.parseString(HybridConfigs.aggregationPoint()));
        for (String a : HybridBed.serverAddresses(6)) {
            assertTrue(ap.destinations().allow().contains(InetAddress.getByName(a)), a);
        }
    }

    @Test
    void serverAddressesAreDistinctAndOnTheServerNet() {
        List<String> a = HybridBed.serverAddresses(6);
        assertEquals(6, a.size());
        assertEquals(6, a.stream().distinct().count());
        assertTrue(a.stream().allMatch(s -> s.startsWith("198.18.100.")), a.toString());
        assertThrows(IllegalArgumentException.class, () -> HybridBed.serverAddresses(0));
    }

    @Test
    void modesParseAndPrint() {
        assertEquals(new GatewayMode("sim", true), GatewayMode.parse("SIM+pool"));
        assertEquals("timer", GatewayMode.parse("timer").label());
        assertEquals(new GatewayMode("sim", false, true), GatewayMode.parse("sim-0rtt"));
        assertEquals("sim+pool-0rtt", GatewayMode.parse("sim+pool-0rtt").label());
        assertEquals(true, gateway(GatewayMode.parse("sim-0rtt"), Wan.LTE).robe().fastOpen().enabled());
        assertEquals(false, gateway(GatewayMode.parse("sim"), Wan.LTE).robe().fastOpen().enabled());
        assertEquals("sim+pool", GatewayMode.PAPER.get(3).label());
        assertThrows(IllegalArgumentException.class, () -> GatewayMode.parse("fast"));
        assertEquals(new GatewayMode("sim", true, false, "fullmesh"), GatewayMode.parse("sim+pool:fullmesh"));
        assertEquals("sim+pool-0rtt:dsl-first", GatewayMode.parse("SIM+pool-0rtt:dsl-first").label());
        assertEquals(org.haap.config.PathManagerMode.KERNEL,
                gateway(GatewayMode.parse("sim:fullmesh"), Wan.LTE).pathManager().mode());
        assertEquals(org.haap.config.PathPolicy.DSL_FIRST,
                gateway(GatewayMode.parse("sim:dsl-first"), Wan.LTE).pathManager().policy());
        assertThrows(IllegalArgumentException.class, () -> GatewayMode.parse("sim:random"));
        assertThrows(IllegalArgumentException.class, () -> GatewayMode.parse("+pool"));
    }

    @Test
    void timingsSummarise() {
        Timings t = new Timings(5, 1, List.of(10.0, 20.0, 30.0, 40.0));
        assertEquals(25, t.median());
        assertEquals(25, t.mean());
        assertEquals(1, t.toJson().get("failures"));
        assertEquals(37.0, t.toJson().get("p90_ms"));
        assertThrows(IllegalArgumentException.class, () -> new Timings(3, 1, List.of(1.0)));
        assertTrue(Double.isNaN(new Timings(2, 2, List.of()).median()));
    }
}
