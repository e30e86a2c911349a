package org.haap.gateway.pm.policy;

import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.haap.config.PathManagerSettings;
import org.haap.gateway.link.LinkState;
import org.haap.gateway.pm.PathManagerPolicy;
import org.haap.gateway.pm.PmConnection;
import org.haap.gateway.pm.PmNetwork;
import org.haap.gateway.pm.PmWan;

/**
 * {@code overflow}: as {@code dsl-first} (the preferred WAN active, the others, metered,
 * joined as backup), but the metered WANs are made active while the gateway <em>overflows</em>.
 * It starts overflowing when the preferred WAN's rate has been at least
 * {@code saturation x capacity} for {@code hold}, or at once when the preferred WAN is
 * degraded or down; it stops when the preferred WAN is up and all WANs together have carried
 * less than {@code release x capacity} for {@code hold} (the traffic fits on the preferred WAN
 * again). With a budget, a metered WAN that has carried its monthly volume (bytes integrated
 * from the rates) is made active only while the preferred WAN is down.
 */
final class Overflow implements PathManagerPolicy {

    private static final long MAX_GAP_NANOS = 10_000_000_000L;

    private final PathManagerSettings.Overflow settings;
    private final PmWan preferred;
    private final double capacity;
    private final Clock wallClock;
    private final Map<PmWan, Double> usedBytes = new HashMap<>();
    private LocalDate period;
    private boolean overflowing;
    private long conditionSinceNanos = Long.MIN_VALUE;
    private long lastRatesNanos = Long.MIN_VALUE;

    Overflow(PathManagerSettings.Overflow settings, List<PmWan> wans, Clock wallClock) {
        this.settings = settings;
        this.preferred = wans.get(0);
        this.capacity = settings.capacityBitsPerSecond().orElseThrow(() -> new IllegalArgumentException(
                "path-manager.overflow.capacity: missing (expected: required with policy = overflow)"));
        this.wallClock = wallClock;
        this.period = periodStart(LocalDate.now(wallClock));
    }

    @Override
    public String name() {
        return "overflow";
    }

    /** Whether the metered WANs are made active now (for tests and logs). */
    boolean overflowing() {
        return overflowing;
    }

    /** Bytes counted against {@code wan}'s budget this month. */
    double usedBytes(PmWan wan) {
        return usedBytes.getOrDefault(wan, 0.0);
    }

    @Override
    public void update(PmConnection c) {
        PmNetwork n = c.network();
        boolean preferredDown = !n.state(preferred).usable();
        List<PmWan> ranked = Preference.ranked(c);
        List<PmWan> active = Preference.active(c, ranked);
        for (PmWan w : ranked) {
            boolean makeActive = active.contains(w) || (overflowing && !w.equals(preferred));
            if (makeActive && !w.equals(preferred) && overBudget(w) && !preferredDown) {
                makeActive = false;
            }
            c.join(w, !makeActive);
        }
        Preference.closeDown(c);
    }

    @Override
    public void wanStateChanged(PmWan wan, LinkState previous, PmNetwork network) {
        if (wan.equals(preferred)) {
            evaluate(network, false);
        }
    }

    @Override
    public void ratesSampled(PmNetwork network) {
        evaluate(network, true);
    }

    private void evaluate(PmNetwork n, boolean rates) {
        long now = n.nanoTime();
        if (rates) {
            count(n, now);
        }
        if (n.state(preferred) != LinkState.UP) {
            overflowing = true;
            conditionSinceNanos = Long.MIN_VALUE;
            return;
        }
        if (!rates) {
            return;
        }
        boolean condition;
        if (overflowing) {
            double total = 0;
            for (PmWan w : n.wans()) {
                total += n.rate(w);
            }
            condition = total < settings.release() * capacity;
        } else {
            condition = n.rate(preferred) >= settings.saturation() * capacity;
        }
        if (!condition) {
            conditionSinceNanos = Long.MIN_VALUE;
            return;
        }
        if (conditionSinceNanos == Long.MIN_VALUE) {
            conditionSinceNanos = now;
        }
        if (now - conditionSinceNanos >= settings.hold().toNanos()) {
            overflowing = !overflowing;
            conditionSinceNanos = Long.MIN_VALUE;
        }
    }

    /** Integrates the metered WANs' rates into this month's byte counts. */
    private void count(PmNetwork n, long now) {
        LocalDate current = periodStart(LocalDate.now(wallClock));
        if (!current.equals(period)) {
            period = current;
            usedBytes.clear();
        }
        if (lastRatesNanos != Long.MIN_VALUE) {
            double seconds = Math.min(now - lastRatesNanos, MAX_GAP_NANOS) / 1e9;
            for (PmWan w : n.wans()) {
                if (!w.equals(preferred)) {
                    usedBytes.merge(w, n.rate(w) / 8 * seconds, Double::sum);
                }
            }
        }
        lastRatesNanos = now;
    }

    private boolean overBudget(PmWan wan) {
        return settings.budgetBytes().isPresent() && usedBytes(wan) >= settings.budgetBytes().getAsLong();
    }

    /** The first day of the budget month {@code today} is in. */
    private LocalDate periodStart(LocalDate today) {
        LocalDate start = today.withDayOfMonth(settings.budgetResetDay());
        return today.isBefore(start) ? start.minusMonths(1) : start;
    }
}
