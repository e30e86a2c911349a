package org.haap.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicBoolean tornDown = new AtomicBoolean();

    /** A scenario that registers a teardown action and either succeeds or fails. */
    private final class Fake implements Scenario {
        private final boolean fail;

        Fake(boolean fail) {
            this.fail = fail;
        }

        @Override
        public String name() {
            return fail ? "broken" : "fake";
        }

        @Override
        public String description() {
            return "a scenario for tests";
        }

        @Override
        public ScenarioResult run(ScenarioContext ctx) {
            ctx.teardown().add("flag", () -> tornDown.set(true));
            ctx.progress("working " + ctx.seconds());
            if (fail) {
                throw new IllegalStateException("no luck");
            }
            return new ScenarioResult() {
                @Override
                public String table() {
                    return "the table\n";
                }

                @Override
                public Map<String, Object> toJson() {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("scenario", "fake");
                    m.put("seconds", ctx.seconds());
                    m.put("connections", ctx.options().connectionsOr(50));
                    return m;
                }

                @Override
                public Map<String, byte[]> files() {
                    return Map.of("png", new byte[] {1, 2, 3});
                }
            };
        }
    }

    private int run(String... args) {
        // /proc/stat as if 1000 ticks passed during the scenario, 125 of them stolen
        Iterator<CpuSteal.Sample> steal = List.of(new CpuSteal.Sample(10, 5000), new CpuSteal.Sample(135, 6000))
                .iterator();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> List.of(new Fake(false), new Fake(true)),
                () -> steal.hasNext() ? steal.next() : null, () -> Optional.of("cubic"));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsScenarios() {
        assertEquals(0, run("--help"));
        assertTrue(stdout().contains("  fake    a scenario for tests"), stdout());
        assertTrue(stdout().contains("  broken  a scenario for tests"), stdout());
    }

    @Test
    void jsonIsTheLastLineAndProgressGoesToStderr() {
        assertEquals(0, run("fake", "--json", "--seconds", "3"));
        String[] lines = stdout().split("\n");
        assertEquals("the table", lines[0]);
        assertEquals("{\"scenario\":\"fake\",\"seconds\":3,\"connections\":50,\"cpu_steal_pct\":12.5,"
                + "\"tcp_congestion_control\":\"cubic\"}", lines[lines.length - 1]);
        assertEquals("tcp congestion control: host default cubic, which the testbed's namespaces inherit unless the"
                + " table says otherwise; HAAP sets its own (congestion-control, default: bbr where the kernel has it)",
                lines[2]);
        assertEquals("cpu steal during the run: 12.5 % of the machine's CPU time"
                + " (a busy host: latency figures are higher than on a quiet machine)", lines[1]);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("] working 3"));
        assertTrue(tornDown.get());
    }

    @Test
    void failureStillTearsDown() {
        assertEquals(Main.EXIT_FAILED, run("broken", "--json"));
        assertTrue(tornDown.get());
        assertEquals("", stdout());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("broken failed: java.lang.IllegalStateException: no luck"));
    }

    @Test
    void usageErrors() {
        assertEquals(Main.EXIT_USAGE, run("nope"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown scenario 'nope'"));
        assertEquals(Main.EXIT_USAGE, run());
    }

    @Test
    void outWritesTableAndJson(@TempDir Path dir) throws Exception {
        assertEquals(0, run("fake", "--out", dir.toString(), "--connections", "7"));
        try (var files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("fake.json", "fake.png", "fake.txt"), names);
            assertEquals("{\"scenario\":\"fake\",\"seconds\":5,\"connections\":7,\"cpu_steal_pct\":12.5,"
                    + "\"tcp_congestion_control\":\"cubic\"}\n",
                    Files.readString(dir.resolve("fake.json")));
            assertTrue(Files.readString(dir.resolve("fake.txt")).startsWith("the table\ncpu steal during the run: 12.5 %"));
            assertEquals(3, Files.size(dir.resolve("fake.png")));
        }
    }

    @Test
    void realScenariosAreRegistered() {
        assertTrue(Scenarios.byName("ap-relay").isPresent());
        assertTrue(Scenarios.byName("robe-loss").isPresent());
        assertTrue(Scenarios.byName("pageload").isPresent());
        assertEquals(Path.of("loadtest", "results"), Scenarios.byName("pageload").get().defaultOutDir());
    }

    @Test
    void hostCongestionControlIsOneTheKernelHas() throws Exception {
        Path available = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");
        Assumptions.assumeTrue(Files.isReadable(available) || "true".equals(System.getenv("CI")), "not Linux");
        String cc = Main.hostCongestionControl().orElseThrow();
        assertTrue(List.of(Files.readString(available).strip().split("\\s+")).contains(cc), cc);
    }
}
