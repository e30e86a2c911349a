package org.haap.core.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.haap.core.metrics.internal.ScrapeMeters;
import org.haap.core.relay.SplicePipeMetrics;

/**
 * The one place where an application's Prometheus registry is made: the naming filter
 * first, then the {@link ProcessMetrics}, the {@link BuildInfo} gauge, the relay's
 * {@link SplicePipeMetrics} and the counters of the {@link MetricsServer} that will serve it. Application
 * meters ({@code haap_ap_...}, {@code haap_gateway_...}) are registered on it afterwards
 * by their owners.
 */
public final class MetricsRegistries {

    private MetricsRegistries() {
    }

    /** A registry with the process/JVM meters and the build info of the jars on the class path. */
    public static PrometheusMeterRegistry newPrometheusRegistry() {
        return newPrometheusRegistry(BuildInfo.fromClassPath());
    }

    /** A registry with the process/JVM meters and {@code buildInfo}. */
    @SuppressWarnings("resource") // the GC listener lives as long as the process
    public static PrometheusMeterRegistry newPrometheusRegistry(BuildInfo buildInfo) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new PrometheusNaming());
        new ProcessMetrics().bindTo(registry);
        buildInfo.bindTo(registry);
        new SplicePipeMetrics().bindTo(registry);
        ScrapeMeters.of(registry); // the endpoint's own counters, zero until it serves
        return registry;
    }
}
