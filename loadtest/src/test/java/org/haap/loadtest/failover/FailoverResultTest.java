package org.haap.loadtest.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import org.haap.config.GatewayConfig;
import org.haap.config.HaapConfigLoader;
import org.haap.deploy.testbed.Wan;
import org.haap.loadtest.Json;
import org.haap.loadtest.Scenarios;
import org.junit.jupiter.api.Test;

import com.typesafe.config.ConfigFactory;

class FailoverResultTest {

    private static Trace trace() {
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i <= 40; i++) {
            long t = i * 100L;
            s.add(new Sample(t, t * 3_000, t * 1_000, t * 50, t * 2_000, t * 100));
        }
        return new Trace(s, 1000, 2400);
    }

    private static FailoverResult result() {
        FailoverRun ok = new FailoverRun(Fault.LINK_DOWN, PathManagerChoice.FULLMESH, "userspace", 420, 1300, 12, 15, 1,
                "ok", 0, List.of(), trace());
        FailoverRun bad = new FailoverRun(Fault.BLACKHOLE, PathManagerChoice.FULLMESH, "kernel", Double.NaN, Double.NaN,
                60, 70, 1, "unknown", 1, List.of("transfer 0 lost after 1000 bytes: reset"), trace());
        return new FailoverResult("default", Map.of("dsl", 16.0, "lte", 24.0), Map.of("dsl", 20.0, "lte", 40.0),
                new Timeline(4000, 1000, 2400, 100), 19.2, 200, 1.6, List.of(ok, bad),
                List.of("fullmesh: ran the in-kernel path manager"));
    }

    @Test
    void jsonHasOneEntryPerFaultAndPolicyWithBytesPerWan() {
        String line = Json.write(result().toJson());
        for (String f : List.of("{\"scenario\":\"failover\",", "\"faults\":[{\"fault\":\"link-down\",\"policy\":\"fullmesh\",",
                "\"recover_ms\":420,", "\"rejoin_ms\":1300,", "\"connections_lost\":0,\"integrity\":\"ok\",",
                "\"bytes\":{\"dsl\":4200000,\"lte\":8400000}", "{\"fault\":\"blackhole\",", "\"recover_ms\":null,",
                "\"connections_lost\":1,\"integrity\":\"unknown\"", "\"series\":{\"t_ms\":[100,",
                "\"recover_threshold_mbit\":19.2", "\"notes\":[\"fullmesh: ran the in-kernel path manager\"]")) {
            assertTrue(line.contains(f), f + " in " + line);
        }
        assertTrue(!line.contains("\n"));
    }

    @Test
    void tableHasARowPerRunAndTheErrorsAndNotesUnderIt() {
        String t = result().table();
        assertTrue(t.contains("link-down  fullmesh  userspace         420       1300"), t);
        assertTrue(t.contains("blackhole  fullmesh  kernel              -          -"), t);
        assertTrue(t.contains("blackhole/fullmesh: transfer 0 lost after 1000 bytes: reset"), t);
        assertTrue(t.contains("note: fullmesh: ran the in-kernel path manager"), t);
        assertTrue(t.contains("0.67"), t); // LTE's share of the download bytes: 2000 / 3000
    }

    @Test
    void plotIsAPngWithAPanelPerRun() throws Exception {
        byte[] png = result().files().get("png");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(2 * 620, img.getWidth()); // two faults side by side
        assertTrue(img.getHeight() > 300);
    }

    @Test
    void runFiguresComeFromTheTrace() {
        FailoverRun r = result().runs().get(0);
        assertEquals(24, r.meanGoodputMbit(), 1e-9);
        assertEquals(2 / 3.0, r.lteShare(), 1e-9);
        assertEquals(4_200_000, r.trace().bytes(Wan.DSL));
    }

    @Test
    void namesParseAndTheScenarioIsRegistered() {
        assertEquals(Fault.BLACKHOLE, Fault.parse(" Blackhole"));
        assertThrows(IllegalArgumentException.class, () -> Fault.parse("flap"));
        assertEquals(PathManagerChoice.DSL_FIRST, PathManagerChoice.parse("dsl-first"));
        assertEquals("kernel", PathManagerChoice.parse("fullmesh").inKernel().mode());
        assertThrows(IllegalArgumentException.class, () -> PathManagerChoice.parse("overflow"));
        assertThrows(IllegalArgumentException.class, () -> new Timeline(10_000, 5_000, 5_000, 100));
        assertThrows(IllegalArgumentException.class, () -> new Timeline(10_000, 5_000, 12_000, 100));
        assertEquals(Path.of("loadtest", "results"), Scenarios.byName("failover").orElseThrow().defaultOutDir());
    }

    @Test
    void gatewayConfigSetsThePathManagerAndPrefersDsl() {
        String c = FailoverConfigs.gateway(PathManagerChoice.DSL_FIRST, Wan.DSL);
        assertTrue(c.contains("haap.gateway.path-manager { mode = userspace, policy = dsl-first }"), c);
        assertTrue(c.contains("haap.gateway.link-monitor.enabled = true"), c);
        int dsl = c.lastIndexOf("{ name = dsl");
        int lte = c.lastIndexOf("{ name = lte");
        assertTrue(dsl >= 0 && dsl < lte, c);
    }

    @Test
    void everyGatewayConfigLoadsWithItsPathManagerAndTheLinkMonitorOn() {
        for (PathManagerChoice pm : PathManagerChoice.ALL) {
            GatewayConfig c = HaapConfigLoader.gateway(ConfigFactory.parseString(FailoverConfigs.gateway(pm, Wan.DSL)));
            assertEquals(pm.mode(), c.pathManager().mode().name().toLowerCase(Locale.ROOT), pm.label());
            assertEquals(pm.policy(), c.pathManager().policy().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    pm.label());
            assertTrue(c.linkMonitor().enabled(), pm.label());
            assertEquals("dsl", c.wans().get(0).name());
        }
    }
}
