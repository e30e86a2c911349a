package org.haap.gateway.pm.policy;

import java.util.List;
import org.haap.gateway.pm.PathManagerPolicy;
import org.haap.gateway.pm.PmConnection;
import org.haap.gateway.pm.PmWan;

/**
 * {@code dsl-first}: the preferred WAN active, every other live WAN joined as a backup
 * subflow. The active WAN is the best one (up before degraded, in configuration order) that
 * has a subflow; a better one without a subflow is joined active and takes over once its
 * subflow is up. So when the preferred WAN goes down or degraded, or its subflow closes, the
 * next one becomes active, and the preferred one is active again (the others backup) when it
 * is back.
 */
final class DslFirst implements PathManagerPolicy {

    @Override
    public String name() {
        return "dsl-first";
    }

    @Override
    public void update(PmConnection c) {
        List<PmWan> ranked = Preference.ranked(c);
        List<PmWan> active = Preference.active(c, ranked);
        for (PmWan w : ranked) {
            c.join(w, !active.contains(w));
        }
        Preference.closeDown(c);
    }
}
