package org.haap.deploy.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haap.deploy.demo.ProxyPair;
import org.haap.deploy.testbed.AddressPlan;
import org.haap.deploy.testbed.ExecResult;
import org.haap.deploy.testbed.Node;
import org.haap.deploy.testbed.Profile;
import org.haap.deploy.testbed.Testbed;
import org.haap.deploy.testbed.Wan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway's link monitor on the real testbed ({@code default} profile, demo configs, so
 * default link-monitor settings: 200 ms probes, down after 3 lost, 300 ms timeout) against
 * the AP's probe responder: both WANs up; DSL at 100 % loss with its link up (a silent
 * blackhole) → dsl down (the measured detection time is printed, not asserted: the machine
 * is shared), lte stays up; new client connections still succeed and every RobE winner is
 * lte; DSL restored → dsl up again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkMonitorIT {

    private static final int HTTP_PORT = 8080;
    private static final int CONNECTIONS = 10;
    private static final Pattern DOWN_LINE = Pattern.compile(
            "wan dsl \\(dsl\\): (up|degraded) -> down \\((\\d+) probes lost in a row, last answer (\\d+) ms ago\\)");

    private Testbed testbed;
    private ProxyPair proxies;
    private FileHttpServer http;
    private Path dir;

    @BeforeAll
    void setUp() throws Exception {
        E2ePrerequisites.require();
        testbed = Testbed.create();
        testbed.up(Profile.DEFAULT, line -> System.out.println("testbed: " + line));
        dir = Files.createDirectories(testbed.runDir().resolve("link-monitor-it"));
        Path file = Files.write(dir.resolve("small.bin"), new byte[4096]);
        http = new FileHttpServer(testbed.namespace(Node.SERVER), new InetSocketAddress("::", HTTP_PORT), file);
        proxies = ProxyPair.start(testbed);
    }

    @AfterAll
    void tearDown() throws IOException {
        if (testbed == null) {
            return;
        }
        if (proxies != null) {
            proxies.close();
        }
        if (http != null) {
            http.close();
        }
        testbed.down();
        assertTrue(testbed.status().isEmpty(), () -> "left behind: " + testbed.status());
    }

    @Test
    void silentBlackholeOnDslIsDetectedAndNotRacedThenRecovers() throws Exception {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> state("dsl", "up") == 1 && state("lte", "up") == 1
                        && sample(proxies.gatewayMetrics(), "haap_gateway_wan_probe_rtt_seconds_count") >= 10);
        assertEquals(0, sample(proxies.gatewayMetrics(), "haap_gateway_wan_state_changes_total"),
                "no state change while both WANs work");
        assertTrue(sample(proxies.apMetrics(), "haap_ap_probes_answered_total") >= 10);
        assertEquals(0, sample(proxies.apMetrics(), "haap_ap_probes_rejected_total"));

        testbed.setLink(Wan.DSL, Profile.DEFAULT.dsl().withLoss(100));
        long lossApplied = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> state("dsl", "down") == 1);
        long seen = System.nanoTime();
        // the gauge is set just before the line is logged, and the log reaches its file
        // through the process's stdout: wait for the line rather than read the file once
        Matcher m = await("state change logged at INFO with the WAN's name").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> DOWN_LINE.matcher(Files.readString(proxies.gatewayLog())), Matcher::find);
        System.out.printf(Locale.ROOT, "link monitor: dsl down after %s lost probes; last answer %s ms before the"
                + " change; metric seen %.0f ms after the loss rule was in place%n", m.group(2), m.group(3),
                (seen - lossApplied) / 1e6);
        assertEquals(1, state("lte", "up"), "lte unaffected");

        String before = proxies.gatewayMetrics();
        ExecResult r = testbed.exec(Node.CLIENT, List.of("bash", "-c", """
                for i in $(seq 1 %d); do
                  curl -sf -o /dev/null --max-time 10 http://%s:%d/file && echo ok
                done""".formatted(CONNECTIONS, AddressPlan.SERVER, HTTP_PORT)), Duration.ofSeconds(120));
        assertEquals(CONNECTIONS, r.stdout().lines().filter("ok"::equals).count(), () -> r.stdout() + r.stderr());
        String after = proxies.gatewayMetrics();
        assertEquals(CONNECTIONS, winners(after, "lte") - winners(before, "lte"), 0.0, "every winner is lte");
        assertEquals(winners(before, "dsl"), winners(after, "dsl"), 0.0, "dsl never won while down");
        assertEquals(sample(before, "haap_gateway_establish_attempts_total{mode=\"sim\",result=\"abandoned\","
                + "wan=\"dsl\"}"), sample(after, "haap_gateway_establish_attempts_total{mode=\"sim\","
                + "result=\"abandoned\",wan=\"dsl\"}"), 0.0, "dsl not even attempted");

        testbed.setLink(Wan.DSL, Profile.DEFAULT.dsl());
        long restored = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> state("dsl", "up") == 1);
        System.out.printf(Locale.ROOT, "link monitor: dsl up again %.0f ms after the loss rule was removed%n",
                (System.nanoTime() - restored) / 1e6);
    }

    private double state(String wan, String state) {
        return sample(proxies.gatewayMetrics(), "haap_gateway_wan_state{state=\"" + state + "\",wan=\"" + wan + "\"}");
    }

    private static double winners(String metrics, String wan) {
        return sample(metrics, "haap_gateway_establish_winners_total{mode=\"sim\",wan=\"" + wan + "\"}");
    }

    private static double sample(String exposition, String name) {
        return ProxyPair.sample(exposition, name).orElse(0);
    }
}
