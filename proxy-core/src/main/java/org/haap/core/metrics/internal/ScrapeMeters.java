package org.haap.core.metrics.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The metrics endpoint's own meter: {@code haap_metrics_http_connections_closed_total{reason}},
 * connections the endpoint closed itself. Registered (idempotently) by the registry factory,
 * so the series exist before the endpoint starts.
 */
public final class ScrapeMeters {

    /** Why the endpoint closed a connection (label {@code reason}). */
    public enum Closed {
        /** Over {@code max-connections} with no connection to evict: refused at accept. */
        LIMIT,
        /** An idle kept-alive connection closed to admit a new one at the limit. */
        EVICTED_IDLE,
        /** A connection still sending its request after a second, closed to admit a new one at the limit. */
        EVICTED_SLOW,
        /** No complete request within {@code read-timeout} (a silent or trickling client). */
        READ_TIMEOUT,
        /** A client that did not take its answer within {@code read-timeout} (does not read). */
        WRITE_TIMEOUT,
        /** A kept-alive connection idle for {@code idle-timeout}. */
        IDLE_TIMEOUT,
        /** A malformed or oversized request, answered 400 or 413. */
        BAD_REQUEST
    }

    private final Map<Closed, Counter> closed = new EnumMap<>(Closed.class);

    private ScrapeMeters(MeterRegistry registry) {
        for (Closed c : Closed.values()) {
            closed.put(c, Counter.builder("haap.metrics.http.connections.closed")
                    .description("Connections to the metrics endpoint it closed itself, by reason")
                    .tag("reason", c.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    /** The meters in {@code registry}, registered on first use. */
    public static ScrapeMeters of(MeterRegistry registry) {
        return new ScrapeMeters(registry);
    }

    void closed(Closed reason) {
        closed.get(reason).increment();
    }

    /** Connections closed so far for {@code reason}. */
    public double closedCount(Closed reason) {
        return closed.get(reason).count();
    }
}
