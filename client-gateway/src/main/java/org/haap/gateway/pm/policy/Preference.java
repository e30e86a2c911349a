package org.haap.gateway.pm.policy;

import java.util.ArrayList;
import java.util.List;
import org.haap.gateway.link.LinkState;
import org.haap.gateway.pm.PmConnection;
import org.haap.gateway.pm.PmNetwork;
import org.haap.gateway.pm.PmWan;

/** The order in which WANs are chosen to carry a connection: up before degraded, each in configuration order. */
final class Preference {

    private Preference() {
    }

    /** The live WANs {@code c} can join, best first. */
    static List<PmWan> ranked(PmConnection c) {
        PmNetwork n = c.network();
        List<PmWan> out = new ArrayList<>();
        for (LinkState wanted : List.of(LinkState.UP, LinkState.DEGRADED)) {
            for (PmWan w : n.wans()) {
                if (n.state(w) == wanted && c.canJoin(w)) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    /**
     * The WANs that should be active for a failover policy: the best ranked WAN that
     * carries a subflow now, plus every better one (joined active so that each takes over
     * as soon as its subflow is up). Empty if no WAN is live.
     */
    static List<PmWan> active(PmConnection c, List<PmWan> ranked) {
        List<PmWan> out = new ArrayList<>();
        for (PmWan w : ranked) {
            out.add(w);
            if (c.subflow(w) != null) {
                return out;
            }
        }
        return ranked.isEmpty() ? out : List.of(ranked.get(0));
    }

    /** Closes the subflows of every WAN that is down. */
    static void closeDown(PmConnection c) {
        for (PmWan w : c.network().wans()) {
            if (!c.network().state(w).usable()) {
                c.close(w);
            }
        }
    }
}
