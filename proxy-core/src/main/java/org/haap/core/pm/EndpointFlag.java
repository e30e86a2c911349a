package org.haap.core.pm;

import java.util.EnumSet;
import java.util.Set;

/** Flags of an in-kernel MPTCP endpoint ({@code MPTCP_PM_ADDR_FLAG_*}). */
public enum EndpointFlag {
    /** Announce the address to the peer (ADD_ADDR). */
    SIGNAL(1),
    /** Open a subflow from this address to the peer. */
    SUBFLOW(2),
    /** Subflows from this address are backup subflows. */
    BACKUP(4),
    /** A subflow from this address to every address the peer announced. */
    FULLMESH(8),
    /** Created by the kernel (e.g. for an address the peer's join used), not by a user. */
    IMPLICIT(16),
    /** Laminar endpoint (Linux 6.18). */
    LAMINAR(32);

    private final int bit;

    EndpointFlag(int bit) {
        this.bit = bit;
    }

    /** The flag's bit in {@code MPTCP_PM_ADDR_ATTR_FLAGS}. */
    public int bit() {
        return bit;
    }

    /** The bit mask of {@code flags}. */
    public static int mask(Set<EndpointFlag> flags) {
        int mask = 0;
        for (EndpointFlag f : flags) {
            mask |= f.bit;
        }
        return mask;
    }

    /** The flags set in {@code mask}; unknown bits are ignored. */
    public static Set<EndpointFlag> fromMask(int mask) {
        EnumSet<EndpointFlag> set = EnumSet.noneOf(EndpointFlag.class);
        for (EndpointFlag f : values()) {
            if ((mask & f.bit) != 0) {
                set.add(f);
            }
        }
        return set;
    }
}
