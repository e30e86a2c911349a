package org.haap.config;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Set;
import org.haap.config.internal.InetLiterals;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * Which destinations the aggregation point connects to on a client's behalf
 * ({@code haap.aggregation-point.destinations}). A destination is allowed if it is in
 * {@code allow}; otherwise it is denied if it is in {@code deny} or, with
 * {@code denyOwnAddresses}, is one of the AP's own addresses; otherwise it is allowed.
 * An IPv4-mapped IPv6 destination ({@code ::ffff:127.0.0.1}) is judged as its IPv4 address.
 *
 * @param allow ranges always allowed; overrides {@code deny} and own addresses (for labs)
 * @param deny ranges denied unless in {@code allow}
 * @param denyOwnAddresses whether the AP's own addresses are denied unless in {@code allow}
 */
public record DestinationPolicy(CidrSet allow, CidrSet deny, boolean denyOwnAddresses) {

    public DestinationPolicy {
        Objects.requireNonNull(allow, "allow");
        Objects.requireNonNull(deny, "deny");
    }

    /**
     * Decides whether the AP may connect to {@code destination}.
     *
     * @param ownAddresses the AP's own addresses (e.g. of every local interface)
     * @return {@code true} if allowed, {@code false} if denied
     */
    public boolean decide(InetAddress destination, Set<InetAddress> ownAddresses) {
        InetAddress dst = InetLiterals.unmap(destination);
        if (allow.contains(dst)) {
            return true;
        }
        if (deny.contains(dst)) {
            return false;
        }
        if (denyOwnAddresses) {
            for (InetAddress own : ownAddresses) {
                if (InetLiterals.unmap(own).equals(dst)) {
                    return false;
                }
            }
        }
        return true;
    }

    static DestinationPolicy read(Section s) {
        Problems p = new Problems();
        CidrSet allow = p.read(() -> CidrSet.read(s, "allow"));
        CidrSet deny = p.read(() -> CidrSet.read(s, "deny"));
        Boolean denyOwn = p.read(() -> s.bool("deny-own-addresses"));
        p.throwIfAny();
        return new DestinationPolicy(allow, deny, denyOwn);
    }
}
