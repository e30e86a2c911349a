package org.haap.core.relay;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.haap.core.relay.internal.SplicePipes;

/**
 * The relay's splice pipes in this process, for both applications:
 * {@code haap_relay_splice_pipes{state="in_use"|"pooled"}} (two file descriptors each) and
 * {@code haap_relay_splice_pipe_shortages_total} (a direction copied because it got no pipe:
 * {@link RelayConfig#splicePipes()} reached, or {@code pipe(2)} failed).
 */
public final class SplicePipeMetrics implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("haap.relay.splice.pipes", SplicePipes::inUse)
                .description("Splice pipes held by relay directions moving data (two file descriptors each)")
                .tag("state", "in_use")
                .register(registry);
        Gauge.builder("haap.relay.splice.pipes", SplicePipes::pooled)
                .description("Splice pipes held by relay directions moving data (two file descriptors each)")
                .tag("state", "pooled")
                .register(registry);
        FunctionCounter.builder("haap.relay.splice.pipe.shortages", SplicePipes.class, c -> SplicePipes.shortages())
                .description("Times a relay direction copied because it got no splice pipe")
                .register(registry);
    }
}
