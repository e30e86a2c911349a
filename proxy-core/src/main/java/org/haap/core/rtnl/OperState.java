package org.haap.core.rtnl;

/** A link's operational state ({@code IFLA_OPERSTATE}, RFC 2863), as {@code ip link} shows it. */
public enum OperState {
    UNKNOWN, NOTPRESENT, DOWN, LOWERLAYERDOWN, TESTING, DORMANT, UP;

    /** The state of wire value {@code code}; {@link #UNKNOWN} for a value out of range. */
    public static OperState of(int code) {
        OperState[] all = values();
        return code >= 0 && code < all.length ? all[code] : UNKNOWN;
    }
}
