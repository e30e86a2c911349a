package org.haap.gateway.pm;

/** A WAN's state as the link monitor sees it. */
public enum LinkState {
    /** Carrier, address and probes fine. */
    UP,
    /** Usable but impaired (probe loss or delay above the monitor's thresholds). */
    DEGRADED,
    /** Unusable: no carrier or address, or probes unanswered (silent blackhole). */
    DOWN;

    /** Whether subflows may run on a WAN in this state: {@link #UP} or {@link #DEGRADED}. */
    public boolean live() {
        return this != DOWN;
    }
}
