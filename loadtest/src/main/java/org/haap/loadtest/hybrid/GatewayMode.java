package org.haap.loadtest.hybrid;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the gateway establishes its MPTCP connections to the AP in one measurement: the value
 * of {@code haap.gateway.robe.mode} ({@code classic}, {@code timer}, {@code ips},
 * {@code sim}), whether the warm pool ({@code robe.pool.enabled}) is on, whether 0-RTT
 * ({@code robe.fast-open.enabled}) is, and which path-manager policy runs (the demo's, the
 * in-kernel fullmesh, unless named). Written {@code sim}, {@code sim+pool}, with 0-RTT on
 * {@code sim-0rtt}, and with a policy {@code sim+pool:fullmesh} on the command line and in
 * results ({@code fullmesh} is the in-kernel path manager's, every other policy runs in the
 * userspace one).
 *
 * @param robe     the establishment mode as the config writes it
 * @param pool     whether the warm pool is enabled
 * @param fastOpen whether 0-RTT (Convert in the SYN) is on
 * @param policy   the path-manager policy, or {@code null} for the demo's
 */
public record GatewayMode(String robe, boolean pool, boolean fastOpen, String policy) {

    /** The suffix of a mode with 0-RTT on. */
    public static final String FAST_OPEN = "-0rtt";

    /** The values {@code haap.gateway.robe.mode} accepts. */
    public static final List<String> ROBE_MODES = List.of("classic", "timer", "ips", "sim");
    /** The values of a policy suffix. */
    public static final List<String> POLICIES = List.of("fullmesh", "dsl-first", "smart-backup", "latency-first");
    /** The modes of RobE Figures 8 and 9, in the order results list them. */
    public static final List<GatewayMode> PAPER = List.of(
            new GatewayMode("classic", false), new GatewayMode("timer", false),
            new GatewayMode("sim", false), new GatewayMode("sim", true));

    /** A mode with 0-RTT off (the gateway's default) and the demo's path manager. */
    public GatewayMode(String robe, boolean pool) {
        this(robe, pool, false);
    }

    /** A mode with the demo's path manager. */
    public GatewayMode(String robe, boolean pool, boolean fastOpen) {
        this(robe, pool, fastOpen, null);
    }

    public GatewayMode {
        Objects.requireNonNull(robe, "robe");
        if (!ROBE_MODES.contains(robe)) {
            throw new IllegalArgumentException("robe: " + robe + " (expected: one of " + ROBE_MODES + ")");
        }
        if (policy != null && !POLICIES.contains(policy)) {
            throw new IllegalArgumentException("policy: " + policy + " (expected: one of " + POLICIES + ")");
        }
    }

    /** Parses {@code sim}, {@code sim+pool}, {@code classic}, {@code sim+pool:fullmesh}, ... (any case). */
    public static GatewayMode parse(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        String policy = null;
        int colon = t.indexOf(':');
        if (colon >= 0) {
            policy = t.substring(colon + 1);
            t = t.substring(0, colon);
            if (!POLICIES.contains(policy)) {
                throw new IllegalArgumentException("mode: " + s + " (expected a policy after ':', one of " + POLICIES
                        + ")");
            }
        }
        boolean fast = t.endsWith(FAST_OPEN);
        if (fast) {
            t = t.substring(0, t.length() - FAST_OPEN.length());
        }
        boolean pool = t.endsWith("+pool");
        String robe = pool ? t.substring(0, t.length() - "+pool".length()) : t;
        if (!ROBE_MODES.contains(robe)) {
            throw new IllegalArgumentException("mode: " + s
                    + " (expected: classic, timer, ips or sim, optionally +pool, then optionally " + FAST_OPEN
                    + ", then optionally :POLICY)");
        }
        return new GatewayMode(robe, pool, fast, policy);
    }

    /**
     * {@code haap.gateway.path-manager} for this mode: {@code null} for the demo's, or the
     * named policy ({@code fullmesh} in the kernel, the others in userspace).
     */
    public String pathManager() {
        if (policy == null) {
            return null;
        }
        return "{ mode = " + (policy.equals("fullmesh") ? "kernel" : "userspace") + ", policy = " + policy + " }";
    }

    /** {@code sim}, {@code sim+pool}, {@code sim-0rtt}. */
    public String label() {
        return (pool ? robe + "+pool" : robe) + (fastOpen ? FAST_OPEN : "") + (policy == null ? "" : ":" + policy);
    }

    @Override
    public String toString() {
        return label();
    }
}
