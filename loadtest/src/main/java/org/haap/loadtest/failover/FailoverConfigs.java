package org.haap.loadtest.failover;

import org.haap.deploy.testbed.Wan;
import org.haap.loadtest.hybrid.GatewayMode;
import org.haap.loadtest.hybrid.HybridConfigs;

/**
 * The gateway configuration of one {@code failover} measurement: the RobE scenarios'
 * gateway ({@link HybridConfigs#gateway}, DSL first so it is the preferred WAN,
 * {@code robe.mode = sim}, no warm pool) with the path manager of the
 * {@link PathManagerChoice} and the link monitor (carrier polling and probes to the AP over
 * each WAN, its defaults otherwise) appended as HOCON overrides.
 */
final class FailoverConfigs {

    /** How the gateway establishes connections in every failover measurement. */
    static final GatewayMode ROBE = new GatewayMode("sim", false);

    private FailoverConfigs() {
    }

    /** The gateway's configuration text for {@code pm}, {@code preferred} first in its WAN list. */
    static String gateway(PathManagerChoice pm, Wan preferred) {
        return HybridConfigs.gateway(ROBE, preferred)
                + "\n# failover: the path manager under test\n"
                + "haap.gateway.path-manager { mode = " + pm.mode() + ", policy = " + pm.policy() + " }\n"
                + "haap.gateway.link-monitor.enabled = true\n";
    }
}
