package org.haap.robe.pool;

import java.util.Locale;

/** Why the pool closed an idle connection; {@link #label()} is a metric label value. */
public enum CloseReason {
    /** Reached its maximum idle time (recycled before the NAT's and the AP's idle timeouts). */
    EXPIRED,
    /** The set of live WANs changed, so its subflows no longer match. */
    WAN_CHANGED,
    /** The aggregation point closed or reset it, or sent unexpected bytes. */
    PEER_CLOSED,
    /** The pool shrank (the target size fell) or was drained by hand. */
    TRIMMED,
    /** The pool was closed. */
    SHUTDOWN;

    /** The lower-case name. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
