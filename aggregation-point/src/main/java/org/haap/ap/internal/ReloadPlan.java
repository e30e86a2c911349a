package org.haap.ap.internal;

import org.haap.config.ApConfig;
import org.haap.config.ApTimeouts;
import org.haap.config.reload.ConfigReloader;
import org.haap.config.reload.KeyChanges;

/**
 * What a configuration re-read on SIGHUP changes in a running aggregation point. The
 * reloadable keys, applied to new connections, probes and pool hellos, are
 * {@code clients.allow}, {@code cookies}, {@code require-cookie}, {@code destinations},
 * {@code limits} and every {@code timeouts} key but {@code drain}. Every other key
 * ({@code listen}, {@code protocol}, {@code event-loops}, {@code backlog},
 * {@code tcp-fast-open-queue}, {@code timeouts.drain}, {@code relay}, {@code metrics},
 * {@code probe}, {@code congestion-control}) is only read at start: a change to it is listed among the keys that need a
 * restart and not applied: the plan keeps the running value.
 *
 * <p>{@link #between} returns the {@link ConfigReloader.Plan}: {@code applied} holds the loaded
 * reloadable keys and the running values of the others.
 */
public final class ReloadPlan {

    private ReloadPlan() {
    }

    /** The plan that turns {@code running} into as much of {@code loaded} as can change while running. */
    public static ConfigReloader.Plan<ApConfig> between(ApConfig running, ApConfig loaded) {
        ApTimeouts was = running.timeouts();
        ApTimeouts now = loaded.timeouts();
        KeyChanges keys = new KeyChanges()
                .startOnly("listen", running.listen(), loaded.listen())
                .startOnly("protocol", running.protocol(), loaded.protocol())
                .startOnly("event-loops", running.eventLoops(), loaded.eventLoops())
                .startOnly("backlog", running.backlog(), loaded.backlog())
                .startOnly("tcp-fast-open-queue", running.tcpFastOpenQueue(), loaded.tcpFastOpenQueue())
                .startOnly("tcp-fast-open-cookies", running.fastOpen().cookiesRequired(),
                        loaded.fastOpen().cookiesRequired())
                .startOnly("attempt-window", running.fastOpen().attemptWindow(), loaded.fastOpen().attemptWindow())
                .reloadable("timeouts.header", was.header(), now.header())
                .reloadable("timeouts.connect", was.connect(), now.connect())
                .reloadable("timeouts.idle", was.idle(), now.idle())
                .reloadable("timeouts.half-close", was.halfClose(), now.halfClose())
                .startOnly("timeouts.drain", was.drain(), now.drain())
                .reloadable("timeouts.pool-idle", was.poolIdle(), now.poolIdle())
                .reloadable("clients.allow", running.clientsAllow(), loaded.clientsAllow())
                .reloadable("destinations", running.destinations(), loaded.destinations())
                .reloadable("limits", running.limits(), loaded.limits())
                .startOnly("relay", running.relay(), loaded.relay())
                .startOnly("metrics", running.metrics(), loaded.metrics())
                .reloadable("cookies", running.cookies().accepted(), loaded.cookies().accepted())
                .reloadable("require-cookie", running.cookies().required(), loaded.cookies().required())
                .startOnly("probe", running.probe(), loaded.probe())
                .startOnly("congestion-control", running.congestionControl(), loaded.congestionControl())
                .startOnly("cluster", running.cluster(), loaded.cluster());
        ApTimeouts timeouts = new ApTimeouts(now.header(), now.connect(), now.idle(), now.halfClose(), was.drain(),
                now.poolIdle());
        ApConfig applied = new ApConfig(running.listen(), running.protocol(), running.eventLoops(),
                running.backlog(), running.fastOpen(), timeouts, loaded.clientsAllow(),
                loaded.destinations(), loaded.limits(), running.relay(), running.metrics(), loaded.cookies(),
                running.probe(), running.congestionControl(), running.cluster());
        return keys.plan(applied);
    }
}
