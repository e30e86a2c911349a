package org.haap.loadtest.aggregation;

import java.util.List;
import java.util.Locale;

/** How the bulk transfers of one cell travel between the client and the server. */
enum Route {
    /** Client MPTCP in the CPE namespace straight to the server: first subflow over DSL, one joining over LTE. */
    KERNEL("kernel"),
    /** The LAN client's plain TCP through the gateway and the AP, both with their defaults. */
    HAAP("haap"),
    /** The LAN client's plain TCP routed (and source-NATed) by the CPE over DSL only, no gateway. */
    DSL("dsl"),
    /** The same over LTE only. */
    LTE("lte");

    /** Every route, in the order the table lists them. */
    static final List<Route> ALL = List.of(KERNEL, HAAP, DSL, LTE);

    private final String label;

    Route(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Whether this is one WAN alone. */
    boolean single() {
        return this == DSL || this == LTE;
    }

    /** Parses a label (any case). */
    static Route parse(String s) {
        for (Route r : values()) {
            if (r.label.equals(s.strip().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("mode: " + s + " (expected: kernel, haap, dsl or lte)");
    }
}
