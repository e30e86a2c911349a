package org.haap.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.haap.core.relay.Direction;
import org.junit.jupiter.api.Test;

class RelayMetersTest {

    private static PrometheusMeterRegistry registry() {
        return MetricsRegistries.newPrometheusRegistry(BuildInfo.of("test"));
    }

    /** The exposition's relay lines (TYPE, HELP and samples) with the role prefix cut off. */
    private static Set<String> relayLinesWithoutPrefix(String exposition, String prefix) {
        Set<String> out = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.contains(prefix + "relay_")) {
                out.add(line.replace(prefix + "relay_", "relay_"));
            }
        }
        return out;
    }

    @Test
    void bothRolesExposeTheSameFamiliesLabelsAndHelpButForThePrefix() {
        PrometheusMeterRegistry ap = registry();
        PrometheusMeterRegistry gw = registry();
        new RelayMeters(ap, RelayMeters.Role.AP);
        new RelayMeters(gw, RelayMeters.Role.GATEWAY);
        Set<String> apLines = relayLinesWithoutPrefix(ap.scrape(), "haap_ap_");
        Set<String> gwLines = relayLinesWithoutPrefix(gw.scrape(), "haap_gateway_");
        assertEquals(apLines, gwLines);
        for (String series : List.of("relay_bytes_total{direction=\"upstream\"} 0.0",
                "relay_bytes_total{direction=\"downstream\"} 0.0",
                "relay_paused_reading_total{direction=\"upstream\"} 0.0",
                "relay_paused_reading_total{direction=\"downstream\"} 0.0",
                "# TYPE relay_bytes_total counter", "# TYPE relay_paused_reading_total counter")) {
            assertTrue(apLines.contains(series), () -> series + " not in " + apLines);
        }
        assertEquals(6, apLines.stream().filter(l -> !l.startsWith("# HELP")).count(), apLines::toString);
    }

    @Test
    void eventsCountIntoTheirDirection() {
        PrometheusMeterRegistry r = registry();
        RelayMeters m = new RelayMeters(r, RelayMeters.Role.GATEWAY);
        m.onBytes(Direction.UPSTREAM, 1000);
        m.onBytes(Direction.UPSTREAM, 24);
        m.onBytes(Direction.DOWNSTREAM, 7);
        m.onPausedReading(Direction.DOWNSTREAM);
        m.onResumedReading(Direction.DOWNSTREAM);
        assertEquals(1024, m.bytes(Direction.UPSTREAM));
        assertEquals(7, m.bytes(Direction.DOWNSTREAM));
        assertEquals(0, m.pausedReading(Direction.UPSTREAM));
        assertEquals(1, m.pausedReading(Direction.DOWNSTREAM));
        String text = r.scrape();
        assertTrue(text.contains("haap_gateway_relay_bytes_total{direction=\"upstream\"} 1024.0"), text);
        assertTrue(text.contains("haap_gateway_relay_paused_reading_total{direction=\"downstream\"} 1.0"), text);
    }

    @Test
    void aSecondInstanceOnTheSameRegistrySharesTheMeters() {
        PrometheusMeterRegistry r = registry();
        RelayMeters first = new RelayMeters(r, RelayMeters.Role.AP);
        List<Meter> meters = List.copyOf(r.getMeters());
        RelayMeters second = new RelayMeters(r, RelayMeters.Role.AP);
        second.onBytes(Direction.DOWNSTREAM, 5);
        assertEquals(5, first.bytes(Direction.DOWNSTREAM));
        assertEquals(meters.size(), r.getMeters().size());
    }
}
