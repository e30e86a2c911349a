package org.haap.deploy.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.util.List;
import org.haap.ap.ApMetrics;
import org.haap.core.metrics.BuildInfo;
import org.haap.core.metrics.MetricsRegistries;
import org.haap.gateway.GatewayMetrics;
import org.haap.robe.WanPath;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/metrics.md} against the meters each application registers at construction
 * (the same registry factory and meter classes the applications use). Every exposed family
 * and label must be documented; every documented family must be exposed, except the ones
 * registered only when the application starts (checked against the running applications by
 * {@code PrometheusIT}).
 */
class MetricsDocsTest {

    /** Registered by {@code AggregationPoint.start}, not by the {@link ApMetrics} constructor. */
    private static final List<String> REGISTERED_AT_START = List.of(
            "haap_ap_unauthenticated_connections", "haap_ap_pool_connections", "haap_ap_probes_answered_total", "haap_ap_probes_rejected_total");
    /**
     * Registered by {@code Gateway.start} (link monitor, userspace path manager), not by the
     * {@link GatewayMetrics} constructor.
     */
    private static final List<String> GATEWAY_REGISTERED_AT_START = List.of("haap_gateway_wan_state",
            "haap_gateway_wan_state_changes_total", "haap_gateway_wan_probe_rtt_seconds",
            "haap_gateway_wan_probe_rtt_seconds_max",
            "haap_gateway_wan_probes_sent_total", "haap_gateway_wan_probes_lost_total",
            "haap_gateway_pm_commands_total", "haap_gateway_pm_ignored_connections_total",
            "haap_gateway_pm_connections", "haap_gateway_pm_wan_saturated", "haap_gateway_pm_wan_saturations_total",
            "haap_gateway_pm_wan_base_rtt_seconds");

    private final MetricsCatalog catalog = MetricsCatalog.load();

    private static String apExposition() {
        PrometheusMeterRegistry r = MetricsRegistries.newPrometheusRegistry(BuildInfo.of("test"));
        new ApMetrics(r);
        return r.scrape();
    }

    private static String gatewayExposition() throws Exception {
        PrometheusMeterRegistry r = MetricsRegistries.newPrometheusRegistry(BuildInfo.of("test"));
        new GatewayMetrics(r, List.of(
                new WanPath("dsl", "dsl", InetAddress.getByName("192.0.2.1"), null),
                new WanPath("lte", "lte", InetAddress.getByName("198.51.100.1"), null)), "sim");
        return r.scrape();
    }

    @Test
    void everyExposedFamilyIsDocumented() throws Exception {
        assertEquals(List.of(), catalog.undocumented(apExposition()), "aggregation point");
        assertEquals(List.of(), catalog.undocumented(gatewayExposition()), "gateway");
    }

    @Test
    void everyExposedLabelIsDocumented() throws Exception {
        assertEquals(List.of(), catalog.undocumentedLabels(apExposition()), "aggregation point");
        assertEquals(List.of(), catalog.undocumentedLabels(gatewayExposition()), "gateway");
    }

    @Test
    void everyDocumentedFamilyIsExposed() throws Exception {
        assertEquals(REGISTERED_AT_START, catalog.notExposed(apExposition(), MetricsCatalog.AP), "aggregation point");
        assertEquals(GATEWAY_REGISTERED_AT_START, catalog.notExposed(gatewayExposition(), MetricsCatalog.GATEWAY),
                "gateway");
    }

    @Test
    void catalogParsingCatchesDriftBothWays() {
        MetricsCatalog small = MetricsCatalog.parse("""
                | name | type | labels | meaning |
                |---|---|---|---|
                | `haap_ap_a_total` | counter | `direction`: upstream | A. |
                | `jvm_*` | gauge | none | JVM. |
                | `haap_ap_gone_total` | counter | none | Documented, no longer exposed. |
                """);
        String exposition = """
                # TYPE haap_ap_a_total counter
                haap_ap_a_total{direction="upstream",peer="x"} 1
                # TYPE haap_ap_new_total counter
                haap_ap_new_total 1
                # TYPE jvm_threads_live_threads gauge
                jvm_threads_live_threads 3
                """;
        assertEquals(List.of("haap_ap_new_total"), small.undocumented(exposition));
        assertEquals(List.of("haap_ap_gone_total"), small.notExposed(exposition, MetricsCatalog.AP));
        assertEquals(List.of("haap_ap_a_total: peer"), small.undocumentedLabels(exposition));
        assertTrue(small.documentsSeries("jvm_memory_used_bytes"));
        assertFalse(small.documentsSeries("haap_gateway_x_total"));
    }

    @Test
    void noLabelCarriesAnAddressOrPort() throws Exception {
        for (String text : List.of(apExposition(), gatewayExposition())) {
            for (String line : text.split("\n")) {
                if (line.startsWith("haap_")) {
                    assertFalse(line.matches(".*=\"[0-9a-f:.]*[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+.*\".*"), line);
                    assertFalse(line.contains("192.0.2.1") || line.contains("198.51.100.1"), line);
                }
            }
        }
    }
}
