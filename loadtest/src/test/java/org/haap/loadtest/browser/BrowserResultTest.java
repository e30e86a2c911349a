package org.haap.loadtest.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.haap.loadtest.Json;
import org.haap.loadtest.Scenarios;
import org.haap.loadtest.hybrid.LoadMode;
import org.haap.loadtest.hybrid.Timings;
import org.haap.loadtest.browser.BrowserResult.ModeResult;
import org.junit.jupiter.api.Test;

class BrowserResultTest {

    private static <V> Map<String, V> ordered(String k1, V v1, String k2, V v2) {
        Map<String, V> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static ModeResult mode(String label, List<Double> ms, int failures, long dsl, long lte, long escaped) {
        return new ModeResult(LoadMode.parse(label), new Timings(ms.size() + failures, failures, ms),
                failures > 0 ? List.of("no report within 30 s") : List.of(), ordered("dsl", dsl, "lte", lte),
                List.of(100.0, 120.0), List.of(400.0), 16.5, 73, escaped, 0);
    }

    private static BrowserResult result() {
        return new BrowserResult("Chromium 156.0.8078.129", "robe-paper", "lte", ordered("dsl", 20.0, "lte", 40.0),
                ordered("dsl", 30.0, "lte", 30.0), "73 objects, 1040 KiB", 73, 1_065_000, 6, 3, List.of(2, 1), 2,
                List.of(mode("classic", List.of(700.0, 750.0, 800.0), 0, 300_000, 1_000_000, 0),
                        mode("sim+pool", List.of(500.0, 560.0), 1, 800_000, 430_000, 0),
                        mode("direct-dsl", List.of(510.0, 513.0, 520.0), 0, 1_300_000, 0, 2),
                        mode("direct-lte", List.of(680.0, 680.0, 690.0), 0, 0, 1_300_000, 0)),
                "load average 0.50 at the start, 0.70 at the end, 2 CPUs");
    }

    @Test
    void tableComparesWithTheDirectBaselines() {
        String t = result().table();
        assertTrue(t.startsWith("browser: Chromium 156.0.8078.129, headless"), t);
        assertTrue(t.contains("batches of [2, 1], the modes taking turns batch by batch, 2 unmeasured"), t);
        assertTrue(t.contains("batch; machine: load average 0.50 at the start, 0.70 at the end, 2 CPUs\n"), t);
        assertTrue(t.contains("vs direct-lte  vs best direct  dsl KiB/page  lte KiB/page  floor ms  conns/page"), t);
        // classic 750 / 680 and / 513; 1,000,000 B = 977 KiB, at 30 Mbit/s 267 ms
        assertTrue(t.matches("(?s).*\\nclassic +3 +0 +750 +790 +800 +1\\.10 +1\\.46 +293 +977 +267 +16\\.5 +110 +400 +0"
                + "\\n.*"), t);
        // sim+pool: one failure; median of its two successes 530
        assertTrue(t.matches("(?s).*\\nsim\\+pool +3 +1 +530 .* 0\\.78 +1\\.03 .*"), t);
        assertTrue(t.contains("  sim+pool: no report within 30 s"), t);
        assertTrue(t.contains("dropped and counted (2 in all)"), t);
    }

    @Test
    void jsonHasTheAgreedFields() {
        String line = Json.write(result().toJson());
        for (String f : List.of("\"scenario\":\"browser\"", "\"chromium\":\"Chromium 156.0.8078.129\"", "\"runs\":3,",
                "\"rate_mbit\":{", "\"batches\":[2,1]", "\"warm_up_per_batch\":2",
                "\"machine_load\":\"load average 0.50", "\"page\":{\"objects\":73,\"hosts\":6,",
                "{\"label\":\"sim+pool\",\"mode\":\"sim\",\"pool\":true,\"attempts\":3,\"failures\":1,",
                "\"median_ms\":530,", "\"down_bytes_per_page\":{", "\"floor_ms\":", "\"connections_per_page\":16.5",
                "\"ttfb_median_ms\":110,", "\"escaped_packets\":2}")) {
            assertTrue(line.contains(f), f + " in " + line);
        }
    }

    @Test
    void plotIsAPng() throws Exception {
        byte[] png = result().files().get("png");
        assertEquals(1000, ImageIO.read(new ByteArrayInputStream(png)).getWidth());
    }

    @Test
    void batchesAreEvenLargerFirst() {
        assertEquals(List.of(5, 5, 5), BrowserScenario.batches(15, 3));
        assertEquals(List.of(2, 2, 1), BrowserScenario.batches(5, 3));
        assertEquals(List.of(1, 1), BrowserScenario.batches(2, 3));
        assertEquals(List.of(7, 7, 6), BrowserScenario.batches(20, 3));
        // the default run: 5 modes x (15 + 2 x 3) loads x 7 s + 3 gateway modes x 3 starts x 10 s
        assertEquals(14, BrowserScenario.estimateMinutes(
                LoadMode.parseAll(BrowserScenario.DEFAULT_MODES), 15, 2, 3));
    }

    @Test
    void registeredWithTheCommandLine() {
        assertTrue(Scenarios.byName("browser").isPresent());
        assertEquals(Path.of("loadtest", "results"), new BrowserScenario().defaultOutDir());
        assertEquals(List.of("classic", "sim", "sim+pool", "direct-dsl", "direct-lte"),
                LoadMode.withDirect(LoadMode.parseAll(BrowserScenario.DEFAULT_MODES)).stream().map(LoadMode::label)
                        .toList());
    }

    @Test
    void chromiumReachesOnlyThePagesHosts() {
        List<String> cmd = Chromium.command(Path.of("/usr/bin/chromium"), Path.of("/run/l1"),
                List.of("h0.page.test", "h1.page.test"), List.of("198.18.100.10", "198.18.100.11"));
        assertEquals(List.of("setsid", "sh", "-c", "echo 19 2>/dev/null >/proc/self/autogroup; exec nice -n 19 \"$0\" \"$@\" 3<'/run/l1/cdp-in' 4>'/run/l1/cdp-out'",
                "/usr/bin/chromium", "--headless", "--no-sandbox"), cmd.subList(0, 7));
        assertTrue(cmd.contains("--host-resolver-rules=MAP h0.page.test 198.18.100.10, MAP h1.page.test "
                + "198.18.100.11, MAP * ~NOTFOUND"), cmd.toString());
        for (String f : List.of("--disable-quic", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=/run/l1/profile", "--no-proxy-server", "--remote-debugging-pipe")) {
            assertTrue(cmd.contains(f), f);
        }
        assertTrue(cmd.stream().anyMatch(a -> a.startsWith("--disable-features=HttpsUpgrades,")), cmd.toString());
        assertTrue(cmd.stream().noneMatch(a -> a.contains("virtual-time")), "real time only");
        assertEquals("about:blank", cmd.get(cmd.size() - 1), "the page is opened once the browser has settled");
        assertThrows(IllegalArgumentException.class, () -> Chromium.command(Path.of("c"), Path.of("p"),
                List.of("a"), List.of()));
    }

    @Test
    void fenceDropsAndCountsAllButTheServerNet() {
        String rules = LanFence.rules("198.18.100.0/24", 80);
        assertTrue(rules.contains("ip daddr 198.18.100.0/24 tcp dport 80 accept\n"), rules);
        assertTrue(rules.contains("counter name \"escaped\" drop\n"), rules);
        assertTrue(rules.indexOf("accept") < rules.indexOf("drop"), rules);
        assertEquals(new LanFence.Count(3, 180), LanFence.parse(
                "table inet haap_browser_fence {\n\tcounter escaped {\n\t\tpackets 3 bytes 180\n\t}\n}\n"));
        assertThrows(IllegalArgumentException.class, () -> LanFence.parse("nothing"));
    }
}
