package org.haap.robe;

/** How one connect attempt on one WAN ended. */
public enum Outcome {
    /** The connection was established (and, for racing strategies, won). */
    ESTABLISHED,
    /** The aggregation point answered with a reset: the path works, the service does not. */
    REFUSED,
    /** No answer within the attempt's timeout. */
    TIMEOUT,
    /**
     * No route to the aggregation point on this link (EHOSTUNREACH, ENETUNREACH), or refused
     * by local policy (EACCES, EPERM: a {@code prohibit} route, a firewall rule).
     */
    UNREACHABLE,
    /** The link has no address of the aggregation point's family. */
    NO_SOURCE_ADDRESS,
    /** The socket could not be bound to the link's address or device (link gone, address removed). */
    LOCAL_ERROR,
    /** Any other failure. */
    ERROR,
    /** Abandoned before it finished: another attempt won, or the establishment was cancelled. */
    ABANDONED;

    /** Whether this outcome says the link itself is unusable (as opposed to the peer refusing). */
    public boolean pathFailed() {
        return this == TIMEOUT || this == UNREACHABLE || this == LOCAL_ERROR || this == ERROR;
    }
}
