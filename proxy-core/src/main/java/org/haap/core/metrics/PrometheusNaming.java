package org.haap.core.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Keeps the exposition free of what {@code promtool check metrics} rejects in Micrometer's
 * standard binders: {@code process_cpu_time_ns_total} (an abbreviated unit; replaced by
 * {@code process_cpu_seconds_total} from {@link ProcessMetrics}) and
 * {@code system_cpu_count} (a {@code _count} suffix on a gauge; renamed
 * {@code system_cpus}).
 */
public final class PrometheusNaming implements MeterFilter {

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        return "process.cpu.time".equals(id.getName()) ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        return "system.cpu.count".equals(id.getName()) ? id.withName("system.cpus") : id;
    }
}
