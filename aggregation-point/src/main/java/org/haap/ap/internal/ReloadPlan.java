package org.haap.ap.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.haap.config.ApConfig;
import org.haap.config.ApTimeouts;
import org.haap.config.reload.ConfigReloader;

/**
 * What a configuration re-read on SIGHUP changes in a running aggregation point. The
 * reloadable keys, applied to new connections, probes and pool hellos, are
 * {@code clients.allow}, {@code cookies}, {@code require-cookie}, {@code destinations},
 * {@code limits} and every {@code timeouts} key but {@code drain}. Every other key
 * ({@code listen}, {@code protocol}, {@code event-loops}, {@code backlog},
 * {@code tcp-fast-open-queue}, {@code timeouts.drain}, {@code relay}, {@code metrics},
 * {@code probe}) is only read at start: a change to it is listed in {@link #needRestart()}
 * and not applied, so {@link #applied()} keeps the running value.
 *
 * @param applied     the configuration to run with from now on: the loaded reloadable keys,
 *                    the running values of the others
 * @param changed     the reloadable keys whose value changed (relative to
 *                    {@code haap.aggregation-point}), in file order
 * @param needRestart the keys that changed but only take effect after a restart
 */
public record ReloadPlan(ApConfig applied, List<String> changed, List<String> needRestart)
        implements ConfigReloader.Plan<ApConfig> {

    public ReloadPlan {
        Objects.requireNonNull(applied, "applied");
        changed = List.copyOf(changed);
        needRestart = List.copyOf(needRestart);
    }

    /** The plan that turns {@code running} into as much of {@code loaded} as can change while running. */
    public static ReloadPlan between(ApConfig running, ApConfig loaded) {
        List<String> changed = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        compare("listen", running.listen(), loaded.listen(), restart);
        compare("protocol", running.protocol(), loaded.protocol(), restart);
        compare("event-loops", running.eventLoops(), loaded.eventLoops(), restart);
        compare("backlog", running.backlog(), loaded.backlog(), restart);
        compare("tcp-fast-open-queue", running.tcpFastOpenQueue(), loaded.tcpFastOpenQueue(), restart);
        ApTimeouts was = running.timeouts();
        ApTimeouts now = loaded.timeouts();
        compare("timeouts.header", was.header(), now.header(), changed);
        compare("timeouts.connect", was.connect(), now.connect(), changed);
        compare("timeouts.idle", was.idle(), now.idle(), changed);
        compare("timeouts.half-close", was.halfClose(), now.halfClose(), changed);
        compare("timeouts.drain", was.drain(), now.drain(), restart);
        compare("timeouts.pool-idle", was.poolIdle(), now.poolIdle(), changed);
        compare("clients.allow", running.clientsAllow(), loaded.clientsAllow(), changed);
        compare("destinations", running.destinations(), loaded.destinations(), changed);
        compare("limits", running.limits(), loaded.limits(), changed);
        compare("relay", running.relay(), loaded.relay(), restart);
        compare("metrics", running.metrics(), loaded.metrics(), restart);
        compare("cookies", running.cookies().accepted(), loaded.cookies().accepted(), changed);
        compare("require-cookie", running.cookies().required(), loaded.cookies().required(), changed);
        compare("probe", running.probe(), loaded.probe(), restart);
        ApTimeouts timeouts = new ApTimeouts(now.header(), now.connect(), now.idle(), now.halfClose(), was.drain(),
                now.poolIdle());
        ApConfig applied = new ApConfig(running.listen(), running.protocol(), running.eventLoops(),
                running.backlog(), running.tcpFastOpenQueue(), timeouts, loaded.clientsAllow(),
                loaded.destinations(), loaded.limits(), running.relay(), running.metrics(), loaded.cookies(),
                running.probe());
        return new ReloadPlan(applied, changed, restart);
    }

    private static void compare(String key, Object running, Object loaded, List<String> into) {
        if (!running.equals(loaded)) {
            into.add(key);
        }
    }
}
