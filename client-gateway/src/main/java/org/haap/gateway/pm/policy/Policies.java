package org.haap.gateway.pm.policy;

import java.time.Clock;
import java.util.List;
import org.haap.config.PathManagerSettings;
import org.haap.gateway.pm.PathManagerPolicy;
import org.haap.gateway.pm.PmWan;

/** Builds the policy named by the configuration. */
public final class Policies {

    private Policies() {
    }

    /**
     * The policy {@code settings.policy()} for {@code wans} (in order of preference, at least
     * one); {@code wallClock} dates the overflow budget's months.
     */
    public static PathManagerPolicy create(PathManagerSettings settings, List<PmWan> wans, Clock wallClock) {
        if (wans.isEmpty()) {
            throw new IllegalArgumentException("wans: [] (expected: at least one WAN)");
        }
        return switch (settings.policy()) {
            case FULLMESH -> new FullMesh();
            case DSL_FIRST -> new DslFirst();
            case OVERFLOW -> new Overflow(settings.overflow(), wans, wallClock);
            case SMART_BACKUP -> new SmartBackup(settings.smartBackup());
            case LATENCY_FIRST -> new LatencyFirst();
        };
    }
}
