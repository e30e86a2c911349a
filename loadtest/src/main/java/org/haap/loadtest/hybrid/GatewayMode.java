package org.haap.loadtest.hybrid;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the gateway establishes its MPTCP connections to the AP in one measurement: the value
 * of {@code haap.gateway.robe.mode} ({@code classic}, {@code timer}, {@code ips},
 * {@code sim}), whether the warm pool ({@code robe.pool.enabled}) is on, and whether 0-RTT
 * ({@code robe.fast-open.enabled}) is. Written {@code sim}, {@code sim+pool} or, with 0-RTT
 * on, {@code sim-0rtt} on the command line and in results.
 *
 * @param robe     the establishment mode as the config writes it
 * @param pool     whether the warm pool is enabled
 * @param fastOpen whether 0-RTT (Convert in the SYN) is on
 */
public record GatewayMode(String robe, boolean pool, boolean fastOpen) {

    /** The suffix of a mode with 0-RTT on. */
    public static final String FAST_OPEN = "-0rtt";

    /** The values {@code haap.gateway.robe.mode} accepts. */
    public static final List<String> ROBE_MODES = List.of("classic", "timer", "ips", "sim");
    /** The modes of RobE Figures 8 and 9, in the order results list them. */
    public static final List<GatewayMode> PAPER = List.of(
            new GatewayMode("classic", false), new GatewayMode("timer", false),
            new GatewayMode("sim", false), new GatewayMode("sim", true));

    /** A mode with 0-RTT off (the gateway's default). */
    public GatewayMode(String robe, boolean pool) {
        this(robe, pool, false);
    }

    public GatewayMode {
        Objects.requireNonNull(robe, "robe");
        if (!ROBE_MODES.contains(robe)) {
            throw new IllegalArgumentException("robe: " + robe + " (expected: one of " + ROBE_MODES + ")");
        }
    }

    /** Parses {@code sim}, {@code sim+pool}, {@code classic}, ... (any case). */
    public static GatewayMode parse(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        boolean fast = t.endsWith(FAST_OPEN);
        if (fast) {
            t = t.substring(0, t.length() - FAST_OPEN.length());
        }
        boolean pool = t.endsWith("+pool");
        String robe = pool ? t.substring(0, t.length() - "+pool".length()) : t;
        if (!ROBE_MODES.contains(robe)) {
            throw new IllegalArgumentException("mode: " + s
                    + " (expected: classic, timer, ips or sim, optionally +pool, then optionally " + FAST_OPEN + ")");
        }
        return new GatewayMode(robe, pool, fast);
    }

    /** {@code sim}, {@code sim+pool}, {@code sim-0rtt}. */
    public String label() {
        return (pool ? robe + "+pool" : robe) + (fastOpen ? FAST_OPEN : "");
    }

    @Override
    public String toString() {
        return label();
    }
}
