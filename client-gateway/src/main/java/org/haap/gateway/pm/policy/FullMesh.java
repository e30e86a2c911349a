package org.haap.gateway.pm.policy;

import org.haap.gateway.pm.PathManagerPolicy;
import org.haap.gateway.pm.PmConnection;
import org.haap.gateway.pm.PmWan;

/**
 * {@code fullmesh}: a subflow on every live WAN, active unless the WAN is configured
 * {@code backup = true}; a WAN that goes down has its subflows closed, and every connection
 * gets one again when it comes back.
 */
final class FullMesh implements PathManagerPolicy {

    @Override
    public String name() {
        return "fullmesh";
    }

    @Override
    public void update(PmConnection c) {
        for (PmWan w : c.network().wans()) {
            if (c.network().state(w).usable()) {
                c.join(w, w.backup());
            } else {
                c.close(w);
            }
        }
    }
}
