package org.haap.gateway.internal;

import org.haap.config.GatewayConfig;
import org.haap.config.GatewayTimeouts;
import org.haap.config.RobeSettings;
import org.haap.config.WarmPoolSettings;
import org.haap.config.reload.ConfigReloader;
import org.haap.config.reload.KeyChanges;

/**
 * What a configuration re-read on SIGHUP changes in a running client gateway. The reloadable
 * keys, applied to new LAN connections (the warm pools' connect attempts and hellos follow
 * {@code timeouts.connect} and {@code timeouts.convert-reply} too), are
 * {@code on-ap-unreachable}, {@code robe.mode}, {@code robe.timer.syn-timeout},
 * {@code bypass.destinations}, every {@code timeouts} key but {@code drain}, and while the warm
 * pool runs ({@code robe.pool.enabled}) {@code robe.pool.min},
 * {@code robe.pool.max} and {@code robe.pool.max-idle} (the pools are resized at once). Every
 * other key is only read at start: {@code listen}, {@code aggregation-point}, {@code wan}
 * (listeners, endpoints, WAN state and meters are built from them), {@code cookie} (the pooled
 * connections and the link monitor's probe key were made with it), {@code robe.pool.enabled}
 * (and the pool's sizes while it does not run), {@code path-manager}, {@code timeouts.drain},
 * {@code relay}, {@code metrics}, {@code sysctl}, {@code event-loops}, {@code link-monitor}
 * and {@code congestion-control} (decided against the kernel at start). A change to one of those is listed as needing a restart and not
 * applied: the plan keeps the running value.
 *
 * <p>{@link #between} returns the {@link ConfigReloader.Plan}: {@code applied} holds the loaded
 * reloadable keys and the running values of the others.
 */
public final class ReloadPlan {

    private ReloadPlan() {
    }

    /** The plan that turns {@code running} into as much of {@code loaded} as can change while running. */
    public static ConfigReloader.Plan<GatewayConfig> between(GatewayConfig running, GatewayConfig loaded) {
        RobeSettings robeWas = running.robe();
        RobeSettings robeNow = loaded.robe();
        GatewayTimeouts was = running.timeouts();
        GatewayTimeouts now = loaded.timeouts();
        WarmPoolSettings poolWas = robeWas.pool();
        WarmPoolSettings poolNow = robeNow.pool();
        boolean poolRuns = poolWas.enabled(); // validation makes an enabled pool have a cookie
        KeyChanges keys = new KeyChanges()
                .startOnly("listen", running.listen(), loaded.listen())
                .startOnly("aggregation-point", running.aggregationPoint(), loaded.aggregationPoint())
                .startOnly("wan", running.wans(), loaded.wans())
                .startOnly("cookie", running.cookie(), loaded.cookie())
                .reloadable("on-ap-unreachable", running.onApUnreachable(), loaded.onApUnreachable())
                .reloadable("robe.mode", robeWas.mode(), robeNow.mode())
                .reloadable("robe.timer.syn-timeout", robeWas.timerSynTimeout(), robeNow.timerSynTimeout())
                .reloadable("robe.fast-open", robeWas.fastOpen(), robeNow.fastOpen())
                .startOnly("robe.pool.enabled", poolWas.enabled(), poolNow.enabled());
        if (poolRuns) {
            keys.reloadable("robe.pool.min", poolWas.min(), poolNow.min())
                    .reloadable("robe.pool.max", poolWas.max(), poolNow.max())
                    .reloadable("robe.pool.max-idle", poolWas.maxIdle(), poolNow.maxIdle());
        } else {
            keys.startOnly("robe.pool.min", poolWas.min(), poolNow.min())
                    .startOnly("robe.pool.max", poolWas.max(), poolNow.max())
                    .startOnly("robe.pool.max-idle", poolWas.maxIdle(), poolNow.maxIdle());
        }
        keys.startOnly("path-manager", running.pathManager(), loaded.pathManager())
                .reloadable("timeouts.connect", was.connect(), now.connect())
                .reloadable("timeouts.convert-reply", was.convertReply(), now.convertReply())
                .reloadable("timeouts.idle", was.idle(), now.idle())
                .reloadable("timeouts.half-close", was.halfClose(), now.halfClose())
                .startOnly("timeouts.drain", was.drain(), now.drain())
                .startOnly("relay", running.relay(), loaded.relay())
                .startOnly("metrics", running.metrics(), loaded.metrics())
                .startOnly("sysctl", running.sysctl(), loaded.sysctl())
                .startOnly("event-loops", running.eventLoops(), loaded.eventLoops())
                .reloadable("bypass.destinations", running.bypassDestinations(), loaded.bypassDestinations())
                .startOnly("link-monitor", running.linkMonitor(), loaded.linkMonitor())
                .startOnly("congestion-control", running.congestionControl(), loaded.congestionControl());
        WarmPoolSettings pool = poolRuns
                ? new WarmPoolSettings(poolWas.enabled(), poolNow.min(), poolNow.max(), poolNow.maxIdle())
                : poolWas;
        RobeSettings robe = new RobeSettings(robeNow.mode(), robeNow.timerSynTimeout(), pool, robeNow.fastOpen());
        GatewayTimeouts timeouts = new GatewayTimeouts(now.connect(), now.convertReply(), now.idle(),
                now.halfClose(), was.drain());
        GatewayConfig applied = new GatewayConfig(running.listen(), running.aggregationPoint(), running.wans(),
                running.cookie(), loaded.onApUnreachable(), robe, running.pathManager(), timeouts, running.relay(),
                running.metrics(), running.sysctl(), running.eventLoops(), loaded.bypassDestinations(),
                running.linkMonitor(), running.congestionControl());
        return keys.plan(applied);
    }
}
