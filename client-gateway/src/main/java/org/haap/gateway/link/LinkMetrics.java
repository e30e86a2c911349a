package org.haap.gateway.link;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.haap.robe.WanPath;

/**
 * The link monitor's meters, registered once per WAN:
 * <ul>
 *   <li>{@code haap_gateway_wan_state{wan,state}}: 1 for the WAN's current state, 0 for the
 *       other two ({@code state} = up, degraded, down);</li>
 *   <li>{@code haap_gateway_wan_state_changes_total{wan,state}}: changes into {@code state};</li>
 *   <li>{@code haap_gateway_wan_probe_rtt_seconds{wan}}: histogram of answered probes' RTT;</li>
 *   <li>{@code haap_gateway_wan_probes_sent_total{wan}}, {@code haap_gateway_wan_probes_lost_total{wan}}.</li>
 * </ul>
 */
public final class LinkMetrics implements LinkListener {

    private static final Duration[] RTT_BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1)};

    private final Map<String, Map<LinkState, AtomicInteger>> state = new HashMap<>();
    private final Map<String, Map<LinkState, Counter>> changes = new HashMap<>();
    private final Map<String, Timer> rtt = new HashMap<>();
    private final Map<String, Counter> sent = new HashMap<>();
    private final Map<String, Counter> lost = new HashMap<>();

    /** Registers the meters of every WAN in {@code paths}, each starting up. */
    public LinkMetrics(MeterRegistry registry, List<WanPath> paths) {
        for (WanPath p : paths) {
            Map<LinkState, AtomicInteger> byState = new EnumMap<>(LinkState.class);
            Map<LinkState, Counter> byChange = new EnumMap<>(LinkState.class);
            for (LinkState s : LinkState.values()) {
                AtomicInteger v = new AtomicInteger(s == LinkState.UP ? 1 : 0);
                byState.put(s, v);
                Gauge.builder("haap.gateway.wan.state", v, AtomicInteger::get)
                        .description("1 for the WAN's current link-monitor state, 0 for the others")
                        .tag("wan", p.name()).tag("state", s.label()).register(registry);
                byChange.put(s, Counter.builder("haap.gateway.wan.state.changes")
                        .description("Link-monitor state changes, by WAN and the state changed into")
                        .tag("wan", p.name()).tag("state", s.label()).register(registry));
            }
            state.put(p.name(), byState);
            changes.put(p.name(), byChange);
            rtt.put(p.name(), Timer.builder("haap.gateway.wan.probe.rtt")
                    .description("Round-trip time of answered link-monitor probes to the aggregation point")
                    .tag("wan", p.name()).serviceLevelObjectives(RTT_BUCKETS).register(registry));
            sent.put(p.name(), Counter.builder("haap.gateway.wan.probes.sent")
                    .description("Link-monitor probes sent to the aggregation point")
                    .tag("wan", p.name()).register(registry));
            lost.put(p.name(), Counter.builder("haap.gateway.wan.probes.lost")
                    .description("Link-monitor probes not answered within the timeout")
                    .tag("wan", p.name()).register(registry));
        }
    }

    @Override
    public void stateChanged(WanPath path, LinkState from, LinkState to, String reason) {
        Map<LinkState, AtomicInteger> byState = state.get(path.name());
        if (byState == null) {
            return;
        }
        byState.forEach((s, v) -> v.set(s == to ? 1 : 0));
        changes.get(path.name()).get(to).increment();
    }

    @Override
    public void probeAnswered(WanPath path, long rttNanos) {
        Timer t = rtt.get(path.name());
        if (t != null) {
            t.record(rttNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void probeLost(WanPath path) {
        Counter c = lost.get(path.name());
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void probeSent(WanPath path) {
        Counter c = sent.get(path.name());
        if (c != null) {
            c.increment();
        }
    }
}
