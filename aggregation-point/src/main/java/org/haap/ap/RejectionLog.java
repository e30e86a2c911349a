package org.haap.ap;

import org.haap.ap.ApMetrics.Rejection;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Sums up refused connections in the log: one INFO line per {@link #INTERVAL} with the
 * count by reason since the last line, and none when nothing was refused. Each refused
 * session is logged at DEBUG only, so a flood of bad connections costs a line a minute,
 * not a line each. Reads the {@code haap_ap_rejected_total} counters, so the hot path pays
 * nothing for it. {@link #flush()} is called by one scheduler thread (and once at close).
 */
final class RejectionLog {

    /** How often the summary is logged. */
    static final Duration INTERVAL = Duration.ofSeconds(60);

    private static final Logger LOG = System.getLogger("org.haap.ap.session");

    private final ApMetrics metrics;
    private final Map<Rejection, Long> logged = new EnumMap<>(Rejection.class);

    RejectionLog(ApMetrics metrics) {
        this.metrics = metrics;
        for (Rejection r : Rejection.values()) {
            logged.put(r, metrics.rejectedSoFar(r));
        }
    }

    /** Logs the refusals since the last call, if any; returns the line (or {@code null}). */
    synchronized String flush() {
        long total = 0;
        StringJoiner byReason = new StringJoiner(" ");
        for (Rejection r : Rejection.values()) {
            long now = metrics.rejectedSoFar(r);
            long n = now - logged.put(r, now);
            if (n > 0) {
                total += n;
                byReason.add(r.name().toLowerCase(Locale.ROOT) + "=" + n);
            }
        }
        if (total == 0) {
            return null;
        }
        String line = "refused " + total + " connections before any upstream connect since the last summary: "
                + byReason + " (each at DEBUG on logger org.haap.ap.session)";
        LOG.log(Level.INFO, line);
        return line;
    }
}
