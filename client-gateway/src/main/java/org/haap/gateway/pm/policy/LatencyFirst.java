package org.haap.gateway.pm.policy;

import java.util.List;
import java.util.OptionalLong;
import org.haap.gateway.link.LinkState;
import org.haap.gateway.pm.PathManagerPolicy;
import org.haap.gateway.pm.PmConnection;
import org.haap.gateway.pm.PmNetwork;
import org.haap.gateway.pm.PmWan;

/**
 * {@code latency-first}: path use that fits the flow. A short connection's bytes go on its
 * fastest live WAN: the up WAN with the lowest base RTT ({@link PmNetwork#baseRttNanos}, the
 * link monitor's probes), or the WAN that won its establishment race
 * ({@link PmConnection#initialWan()}) while the base RTTs are unknown or no other WAN's is
 * clearly lower (by {@link #CLEARLY_LOWER} of the winner's and at least {@link #CLEARLY_LOWER_MIN}).
 * A connection whose race a slower WAN won (a queue on the faster one, a warm-pool refill
 * while it was busy, a classic SYN on a slower default route) therefore moves to the faster
 * WAN as soon as its subflow there is up: that subflow joins active, and the winner's is made
 * backup (MP_PRIO). Every other live WAN is joined at once as a backup subflow, so that it is
 * ready. When the connection proves to be bulk ({@link PmConnection#bulk()}) every live WAN
 * is made active (a WAN configured {@code backup = true} stays backup), as {@code fullmesh};
 * so they are, for a short connection, while its WAN is saturated
 * ({@link PmNetwork#saturated}: a capacity-bound page load uses every link), and set back to
 * backup after. A short connection whose WAN goes down or degraded, or loses its subflow,
 * fails over as {@code dsl-first} does (the best ranked WAN with a subflow). Down WANs'
 * subflows are closed.
 */
final class LatencyFirst implements PathManagerPolicy {

    /** How much lower than the race winner's another WAN's base RTT must be to take its place. */
    static final double CLEARLY_LOWER = 0.1;
    /** ... and at least this much, nanoseconds (1 ms). */
    static final long CLEARLY_LOWER_MIN = 1_000_000;

    @Override
    public String name() {
        return "latency-first";
    }

    @Override
    public void update(PmConnection c) {
        List<PmWan> ranked = Preference.ranked(c);
        List<PmWan> active = active(c, ranked);
        if (c.bulk() || spills(c, active)) {
            for (PmWan w : ranked) {
                c.join(w, w.backup());
            }
        } else {
            for (PmWan w : ranked) {
                c.join(w, !active.contains(w));
            }
        }
        Preference.closeDown(c);
    }

    /** Whether a short connection's WAN is saturated, so that its bytes may spill onto the others. */
    private static boolean spills(PmConnection c, List<PmWan> active) {
        for (PmWan w : active) {
            if (c.subflow(w) != null && c.network().saturated(w)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The fastest WAN while the race's winner is up with a subflow (with the winner too until
     * the fastest has a subflow of its own), else the failover choice of {@code dsl-first}.
     */
    private static List<PmWan> active(PmConnection c, List<PmWan> ranked) {
        PmWan first = c.initialWan();
        if (first == null || c.network().state(first) != LinkState.UP || c.subflow(first) == null) {
            return Preference.active(c, ranked);
        }
        PmWan fastest = fasterThan(c, first, ranked);
        if (fastest == null) {
            return List.of(first);
        }
        return c.subflow(fastest) != null ? List.of(fastest) : List.of(fastest, first);
    }

    /** The up WAN in {@code ranked} whose base RTT is lowest and clearly lower than {@code first}'s, or {@code null}. */
    private static PmWan fasterThan(PmConnection c, PmWan first, List<PmWan> ranked) {
        PmNetwork n = c.network();
        OptionalLong own = n.baseRttNanos(first);
        if (own.isEmpty()) {
            return null;
        }
        long bar = own.getAsLong() - Math.max((long) (CLEARLY_LOWER * own.getAsLong()), CLEARLY_LOWER_MIN);
        PmWan best = null;
        long bestRtt = Long.MAX_VALUE;
        for (PmWan w : ranked) {
            OptionalLong rtt = n.baseRttNanos(w);
            if (w != first && !w.backup() && n.state(w) == LinkState.UP && rtt.isPresent()
                    && rtt.getAsLong() <= bar && rtt.getAsLong() < bestRtt) {
                best = w;
                bestRtt = rtt.getAsLong();
            }
        }
        return best;
    }
}
