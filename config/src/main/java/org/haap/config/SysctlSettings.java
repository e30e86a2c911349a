package org.haap.config;

import java.time.Duration;
import java.util.Objects;
import org.haap.config.internal.Problems;
import org.haap.config.internal.Section;

/**
 * The kernel MPTCP settings the gateway depends on ({@code haap.gateway.sysctl}), in the
 * gateway's network namespace. With {@code manage} the gateway applies them at start;
 * without, it only compares them and refuses to start if any differs.
 *
 * @param manage apply the values at start (true) or only check them (false)
 * @param blackholeTimeout {@code net.mptcp.blackhole_timeout}, whole seconds; 0 = MPTCP is
 *     never disabled after suspected SYN blackholes
 * @param synRetransBeforeTcpFallback {@code net.mptcp.syn_retrans_before_tcp_fallback}, 0..255
 * @param subflowsLimit the MPTCP limit of extra subflows per connection, 0..{@value #MAX_LIMIT}
 * @param addAddrAcceptedLimit the MPTCP limit of accepted ADD_ADDR announcements per
 *     connection, 0..{@value #MAX_LIMIT}
 */
public record SysctlSettings(boolean manage, Duration blackholeTimeout, int synRetransBeforeTcpFallback,
        int subflowsLimit, int addAddrAcceptedLimit) {

    /** The kernel's largest MPTCP path-manager limit. */
    public static final int MAX_LIMIT = 8;
    /** The kernel's largest {@code blackhole_timeout}, in seconds. */
    public static final long MAX_BLACKHOLE_TIMEOUT_SECONDS = Integer.MAX_VALUE;

    public SysctlSettings {
        Objects.requireNonNull(blackholeTimeout, "blackholeTimeout");
    }

    static SysctlSettings read(Section s) {
        Problems p = new Problems();
        Boolean manage = p.read(() -> s.bool("manage"));
        Duration blackhole = p.read(() -> s.wholeSeconds("blackhole-timeout", MAX_BLACKHOLE_TIMEOUT_SECONDS));
        Integer synRetrans = p.read(() -> s.intInRange("syn-retrans-before-tcp-fallback", 0, 255));
        Integer subflows = p.read(() -> s.intInRange("subflows-limit", 0, MAX_LIMIT));
        Integer addAddr = p.read(() -> s.intInRange("add-addr-accepted-limit", 0, MAX_LIMIT));
        p.throwIfAny();
        return new SysctlSettings(manage, blackhole, synRetrans, subflows, addAddr);
    }
}
