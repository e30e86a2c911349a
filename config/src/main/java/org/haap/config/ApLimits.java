package org.haap.config;

import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * Session limits of the aggregation point ({@code haap.aggregation-point.limits}). A
 * session over a limit is refused with a Convert "Resource Exceeded" error. Clients are
 * counted by their IPv4 address, or by the IPv6 prefix of {@code ipv6ClientPrefix} bits
 * their address is in (one home gets a /64 or shorter, so counting full IPv6 addresses
 * would limit nothing).
 *
 * @param maxSessions concurrent authenticated sessions in the whole process, at least 1
 * @param maxSessionsPerClient concurrent authenticated sessions from one client, at least 1
 * @param maxPooledPerClient idle warm-pool connections one client may hold, 0..;
 *     0 refuses every pool hello. Pooled connections also count as sessions.
 * @param maxUnauthenticated connections in the whole process that have not yet presented
 *     a valid Convert header (and cookie), at least 1; when full, a new connection evicts
 *     the oldest such connection
 * @param maxUnauthenticatedPerClient such connections from one client, at least 1; a new
 *     one over it is refused
 * @param ipv6ClientPrefix the IPv6 prefix length, 1..128, whose addresses count as one client
 */
public record ApLimits(int maxSessions, int maxSessionsPerClient, int maxPooledPerClient,
                       int maxUnauthenticated, int maxUnauthenticatedPerClient, int ipv6ClientPrefix) {

    static ApLimits read(Section s) {
        Problems p = new Problems();
        Integer max = p.read(() -> s.intAtLeast("max-sessions", 1));
        Integer perClient = p.read(() -> s.intAtLeast("max-sessions-per-client", 1));
        Integer pooled = p.read(() -> s.intAtLeast("max-pooled-per-client", 0));
        Integer unauthenticated = p.read(() -> s.intAtLeast("max-unauthenticated", 1));
        Integer unauthenticatedPerClient = p.read(() -> s.intAtLeast("max-unauthenticated-per-client", 1));
        Integer prefix = p.read(() -> s.intInRange("ipv6-client-prefix", 1, 128));
        p.throwIfAny();
        return new ApLimits(max, perClient, pooled, unauthenticated, unauthenticatedPerClient, prefix);
    }
}
