package org.haap.ap.probe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The responder's meters: {@code haap_ap_probes_answered_total} and
 * {@code haap_ap_probes_rejected_total{reason}} (reason = malformed, auth, rate, client).
 */
public final class ProbeMetrics {

    private final Counter answered;
    private final Map<ProbeAuthenticator.Rejection, Counter> rejected =
            new EnumMap<>(ProbeAuthenticator.Rejection.class);

    public ProbeMetrics(MeterRegistry registry) {
        answered = Counter.builder("haap.ap.probes.answered")
                .description("Link-monitor probes from gateways answered")
                .register(registry);
        for (ProbeAuthenticator.Rejection r : ProbeAuthenticator.Rejection.values()) {
            rejected.put(r, Counter.builder("haap.ap.probes.rejected")
                    .description("UDP datagrams on the probe port dropped without a reply, by reason")
                    .tag("reason", r.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    void answered() {
        answered.increment();
    }

    void rejected(ProbeAuthenticator.Rejection reason) {
        rejected.get(reason).increment();
    }

    /** Probes answered so far. */
    public double answeredCount() {
        return answered.count();
    }

    /** Datagrams rejected so far for {@code reason}. */
    public double rejectedCount(ProbeAuthenticator.Rejection reason) {
        return rejected.get(reason).count();
    }
}
