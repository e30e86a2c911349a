package org.haap.config;

import java.util.Objects;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The gateway's MPTCP path manager ({@code haap.gateway.path-manager}).
 *
 * @param mode which path manager opens the subflows
 * @param policy which subflows it opens; only {@link PathPolicy#kernelCapable()} policies
 *     with {@link PathManagerMode#KERNEL}
 */
public record PathManagerSettings(PathManagerMode mode, PathPolicy policy) {

    public PathManagerSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(policy, "policy");
    }

    static PathManagerSettings read(Section s) {
        Problems p = new Problems();
        PathManagerMode mode = p.read(() -> s.enumValue("mode", PathManagerMode.class));
        PathPolicy policy = p.read(() -> s.enumValue("policy", PathPolicy.class));
        p.throwIfAny();
        if (mode == PathManagerMode.KERNEL && !policy.kernelCapable()) {
            throw s.invalid("policy", "fullmesh while mode = kernel; the other policies need mode = userspace");
        }
        return new PathManagerSettings(mode, policy);
    }
}
