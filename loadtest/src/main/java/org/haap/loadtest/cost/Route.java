package org.haap.loadtest.cost;

import java.util.Locale;

/**
 * The three ways a LAN client's connection reaches the server on the {@link PairBed}: each
 * is told apart by the server port the client connects to, so all three are up at once and
 * a scenario alternates between them without restarting anything.
 */
public enum Route {
    /** Routed and source-NATed by the CPE over DSL: no proxy, the kernel alone. */
    KERNEL(8000),
    /** Intercepted by the HAAP gateway (TPROXY), MPTCP to the HAAP aggregation point. */
    HAAP(8001),
    /** Redirected to HAProxy on the CPE, MPTCP (mptcpize) with PROXY v2 to HAProxy on the AP. */
    HAPROXY(8002);

    private final int serverPort;

    Route(int serverPort) {
        this.serverPort = serverPort;
    }

    /** The server port that selects this route. */
    public int serverPort() {
        return serverPort;
    }

    /** The name in tables, JSON and {@code --modes}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a proxy pair (two processes to measure) carries the route. */
    public boolean proxied() {
        return this != KERNEL;
    }

    /** The route called {@code label}. */
    public static Route of(String label) {
        for (Route r : values()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + label + "' (expected: kernel, haap, haproxy)");
    }
}
