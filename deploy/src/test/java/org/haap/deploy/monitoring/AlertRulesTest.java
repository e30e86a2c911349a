package org.haap.deploy.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus files in {@code deploy/prometheus/}: the example configuration and the
 * alert rules pass {@code promtool check}, the rules pass their unit tests
 * ({@code promtool test rules}), every alert the issue asks for exists and has a unit
 * test, and every metric the rules use is documented.
 */
class AlertRulesTest {

    private static final List<String> ALERTS = List.of("HaapWanDown", "HaapApUnreachable",
            "HaapGatewayConvertErrorRate", "HaapApConvertDecodeErrorRate", "HaapApUpstreamFailureRate",
            "HaapRobeSingleWan", "HaapGatewayPoolExhausted", "HaapApPoolOverLimit", "HaapTargetDown");

    private final Path dir = SourceTree.file("deploy/prometheus");

    @Test
    void configAndRulesPassPromtoolCheck() throws Exception {
        Promtool.Result config = Promtool.run(dir, null, "check", "config", "prometheus.yml");
        assertEquals(0, config.exitCode(), config.output());
        Promtool.Result rules = Promtool.run(dir, null, "check", "rules", "haap-alerts.yml");
        assertEquals(0, rules.exitCode(), rules.output());
        assertTrue(rules.output().contains(ALERTS.size() + " rules found"), rules.output());
    }

    @Test
    void rulesPassTheirUnitTests() throws Exception {
        Promtool.Result r = Promtool.run(dir, null, "test", "rules", "haap-alerts.test.yml");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("SUCCESS"), r.output());
    }

    @Test
    void aWrongExpectationFailsTheUnitTests(@TempDir Path tmp) throws Exception {
        Files.copy(dir.resolve("haap-alerts.yml"), tmp.resolve("haap-alerts.yml"));
        Files.writeString(tmp.resolve("wrong.test.yml"), """
                rule_files: [haap-alerts.yml]
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'haap_gateway_connections_intercepted_total{job="haap-gateway",instance="gw1",result="ap_unreachable"}'
                        values: '0x20'
                    alert_rule_test:
                      - eval_time: 10m
                        alertname: HaapApUnreachable
                        exp_alerts:
                          - exp_labels: {severity: critical, job: haap-gateway, instance: gw1}
                """);
        Promtool.Result r = Promtool.run(tmp, null, "test", "rules", "wrong.test.yml");
        assertNotEquals(0, r.exitCode(), r.output());
    }

    @Test
    void everyAlertExistsAndIsUnitTested() throws Exception {
        String rules = Files.readString(dir.resolve("haap-alerts.yml"));
        String tests = Files.readString(dir.resolve("haap-alerts.test.yml"));
        for (String alert : ALERTS) {
            assertTrue(rules.contains("- alert: " + alert + "\n"), () -> alert + " missing from haap-alerts.yml");
            assertTrue(tests.contains("alertname: " + alert + "\n"), () -> alert + " has no unit test");
        }
    }

    @Test
    void everyMetricTheRulesUseIsDocumented() throws Exception {
        MetricsCatalog catalog = MetricsCatalog.load();
        Set<String> names = MetricNames.in(Files.readString(dir.resolve("haap-alerts.yml")));
        assertTrue(names.size() >= 8, () -> "too few metric names found: " + names);
        for (String name : names) {
            assertTrue(catalog.documentsSeries(name), () -> name + " is used by an alert but not in docs/metrics.md");
        }
    }
}
