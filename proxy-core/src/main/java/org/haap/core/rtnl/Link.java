package org.haap.core.rtnl;

import java.util.Objects;

/**
 * A network interface as rtnetlink reports it ({@code struct ifinfomsg} plus attributes).
 *
 * @param index     the interface index
 * @param name      the interface name ({@code IFLA_IFNAME}), empty if the message had none
 * @param flags     the {@code IFF_*} device flags
 * @param operState the operational state ({@code IFLA_OPERSTATE})
 */
public record Link(int index, String name, int flags, OperState operState) {

    /** {@code IFF_UP}: administratively up. */
    public static final int IFF_UP = 0x1;
    /** {@code IFF_LOOPBACK}. */
    public static final int IFF_LOOPBACK = 0x8;
    /** {@code IFF_RUNNING}: operationally up (RFC 2863 "up"). */
    public static final int IFF_RUNNING = 0x40;
    /** {@code IFF_LOWER_UP}: the driver signals carrier. */
    public static final int IFF_LOWER_UP = 0x10000;

    public Link {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(operState, "operState");
    }

    /** Administratively up ({@code ip link set X up}). */
    public boolean up() {
        return (flags & IFF_UP) != 0;
    }

    /** Operationally up. */
    public boolean running() {
        return (flags & IFF_RUNNING) != 0;
    }

    /** Carrier present. */
    public boolean lowerUp() {
        return (flags & IFF_LOWER_UP) != 0;
    }
}
