package org.haap.gateway.pm.policy;

import java.util.List;
import org.haap.gateway.link.LinkState;
import org.haap.gateway.pm.PathManagerPolicy;
import org.haap.gateway.pm.PmConnection;
import org.haap.gateway.pm.PmWan;

/**
 * {@code latency-first}: path use that fits the flow. A connection's bytes go on its fastest
 * live WAN, the one that won its establishment race ({@link PmConnection#initialWan()}), while
 * that WAN is up and its subflow lives; every other live WAN is joined at once as a backup
 * subflow, so that it is ready. When the connection proves to be bulk
 * ({@link PmConnection#bulk()}) every live WAN is made active (a WAN configured
 * {@code backup = true} stays backup), as {@code fullmesh}; so they are, for a short
 * connection, while its WAN is saturated ({@link org.haap.gateway.pm.PmNetwork#saturated}:
 * a capacity-bound page load uses every link), and set back to backup after. A short connection whose WAN goes
 * down or degraded, or loses its subflow, fails over as {@code dsl-first} does (the best
 * ranked WAN with a subflow). Down WANs' subflows are closed.
 */
final class LatencyFirst implements PathManagerPolicy {

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

    /** The race's winner while it is up with a subflow, else the failover choice of {@code dsl-first}. */
    private static List<PmWan> active(PmConnection c, List<PmWan> ranked) {
        PmWan first = c.initialWan();
        if (first != null && c.network().state(first) == LinkState.UP && c.subflow(first) != null) {
            return List.of(first);
        }
        return Preference.active(c, ranked);
    }
}
