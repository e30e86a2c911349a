package org.haap.deploy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.haap.config.CheckConfig;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.haap.deploy.testbed.WanCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options, configuration templates and the report of the demo, without a testbed. */
class DemoPartsTest {

    @Test
    void parsesOptionsAndRejectsBadOnes() {
        DemoOptions d = DemoOptions.parse(List.of());
        assertEquals(Profile.DEFAULT, d.profile());
        assertEquals(10, d.seconds());
        assertFalse(d.json() || d.keep() || d.help());
        DemoOptions o = DemoOptions.parse(List.of("--profile", "fast", "--seconds", "3", "--json", "--keep"));
        assertEquals(Profile.FAST, o.profile());
        assertEquals(3, o.seconds());
        assertTrue(o.json() && o.keep());
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(List.of("--seconds", "1")));
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(List.of("--profile", "nope")));
        assertThrows(IllegalArgumentException.class, () -> DemoOptions.parse(List.of("--frobnicate")));
    }

    @Test
    void usageErrorExitsWith2AndHelpWith0() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        Testbed tb = Testbed.withPrefix("haapt-demo-");
        assertEquals(2, DemoMain.run(List.of("--seconds", "x"), tb, ps, ps));
        assertEquals(0, DemoMain.run(List.of("--help"), tb, ps, ps));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: haap demo"));
    }

    @Test
    void templatesBecomeValidConfigurations(@TempDir Path dir) {
        Path[] files = DemoConfigs.write(dir);
        for (Path f : files) {
            String text = readString(f);
            assertFalse(text.matches("(?s).*@[A-Z0-9_]+@.*"), f + " still has a placeholder");
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
            assertEquals(0, CheckConfig.run(List.of(f.toString()), ps, ps), () -> f + ": " + sink);
        }
        assertTrue(readString(files[1]).contains("source = \"198.18.20.2\""));
        assertTrue(readString(files[0]).contains("\"198.18.100.2/32\""));
    }

    @Test
    void jsonCarriesTheRequiredFields() {
        Map<Wan, WanCounters> wan = new EnumMap<>(Wan.class);
        wan.put(Wan.DSL, new WanCounters(Wan.DSL, 400, 200));
        wan.put(Wan.LTE, new WanCounters(Wan.LTE, 600, 600));
        DemoReport r = new DemoReport("default", 10, wan, 37.5, 36.9, 40, true, 47.7, List.of());
        String json = r.toJson();
        for (String field : List.of("\"profile\":\"default\"", "\"seconds\":10", "\"dsl\":{\"bytes_up\":200,\"bytes_down\":400",
                "\"goodput_mbps_up\":37.500", "\"goodput_mbps_down\":36.900", "\"line_rate_mbps\":40.000",
                "\"integrity\":\"ok\"", "\"connect_ms_median\":47.700")) {
            assertTrue(json.contains(field), () -> field + " missing in " + json);
        }
        assertEquals(0.25, r.share(Wan.DSL, true), 1e-9);
        assertEquals(0.4, r.share(Wan.DSL, false), 1e-9);
        assertTrue(new DemoReport("default", 10, wan, 1, 1, 40, false, 1, List.of("x")).toJson()
                .contains("\"integrity\":\"failed\""));
    }

    private static String readString(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
