package org.haap.gateway.link;

import java.util.Locale;

/** A WAN's state as the link monitor sees it. */
public enum LinkState {
    /** Carrier up and probes answered. */
    UP,
    /** Probes answered, but with loss or RTT over the configured thresholds; still used. */
    DEGRADED,
    /** Carrier down, or too many probes lost in a row; not raced by RobE. */
    DOWN;

    /** Whether connections may be attempted on a WAN in this state (up or degraded). */
    public boolean usable() {
        return this != DOWN;
    }

    /** The lower-case name, as logged and used as the {@code state} label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
