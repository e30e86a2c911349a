package org.haap.loadtest.failover;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The gateway's path manager in one measurement: {@code haap.gateway.path-manager.mode}
 * and {@code .policy}, named by a label on the command line ({@code --modes}):
 * {@code fullmesh} and {@code dsl-first} are policies of the userspace path manager;
 * {@code kernel} is the in-kernel path manager (full mesh of endpoints), the baseline.
 *
 * @param label  the name in results
 * @param mode   {@code userspace} or {@code kernel}
 * @param policy the policy name the config takes
 */
public record PathManagerChoice(String label, String mode, String policy) {

    /** The userspace path manager's full mesh: both WANs active. */
    public static final PathManagerChoice FULLMESH = new PathManagerChoice("fullmesh", "userspace", "fullmesh");
    /** The userspace path manager with DSL active and LTE as backup. */
    public static final PathManagerChoice DSL_FIRST = new PathManagerChoice("dsl-first", "userspace", "dsl-first");
    /** The in-kernel path manager with one endpoint per extra WAN (full mesh): the baseline. */
    public static final PathManagerChoice KERNEL = new PathManagerChoice("kernel", "kernel", "fullmesh");
    /** Every known choice, in the order results list them by default. */
    public static final List<PathManagerChoice> ALL = List.of(FULLMESH, DSL_FIRST, KERNEL);

    public PathManagerChoice {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(policy, "policy");
        if (!mode.equals("userspace") && !mode.equals("kernel")) {
            throw new IllegalArgumentException("mode: " + mode + " (expected: userspace or kernel)");
        }
    }

    /** Parses {@code fullmesh}, {@code dsl-first} or {@code kernel} (any case). */
    public static PathManagerChoice parse(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        for (PathManagerChoice c : ALL) {
            if (c.label.equals(t)) {
                return c;
            }
        }
        throw new IllegalArgumentException("policy: " + s + " (expected: fullmesh, dsl-first or kernel)");
    }

    /** This choice with the in-kernel path manager instead (same label and policy). */
    public PathManagerChoice inKernel() {
        return new PathManagerChoice(label, "kernel", policy);
    }

    @Override
    public String toString() {
        return label;
    }
}
