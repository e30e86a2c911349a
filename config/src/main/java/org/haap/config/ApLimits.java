package org.haap.config;

import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * Session limits of the aggregation point ({@code haap.aggregation-point.limits}). A
 * session over a limit is refused with a Convert "Resource Exceeded" error.
 *
 * @param maxSessions concurrent sessions in the whole process, at least 1
 * @param maxSessionsPerClient concurrent sessions from one client address, at least 1
 * @param maxPooledPerClient idle warm-pool connections one client address may hold, 0..;
 *     0 refuses every pool hello. Pooled connections also count as sessions.
 */
public record ApLimits(int maxSessions, int maxSessionsPerClient, int maxPooledPerClient) {

    static ApLimits read(Section s) {
        Problems p = new Problems();
        Integer max = p.read(() -> s.intAtLeast("max-sessions", 1));
        Integer perClient = p.read(() -> s.intAtLeast("max-sessions-per-client", 1));
        Integer pooled = p.read(() -> s.intAtLeast("max-pooled-per-client", 0));
        p.throwIfAny();
        return new ApLimits(max, perClient, pooled);
    }
}
