package org.haap.core.pm;

import java.util.Optional;

/** The kernel's MPTCP path-manager events ({@code enum mptcp_event_type}), with their wire codes. */
public enum MptcpEventType {
    /** A connection was created (its first subflow's SYN was sent or received). */
    CREATED(1),
    /** A connection is fully established: new subflows may be opened. */
    ESTABLISHED(2),
    /** A connection ended. */
    CLOSED(3),
    /** The peer announced an address (ADD_ADDR). */
    ANNOUNCED(6),
    /** The peer withdrew an address (REMOVE_ADDR). */
    REMOVED(7),
    /** A subflow is established. */
    SUB_ESTABLISHED(10),
    /** A subflow closed. */
    SUB_CLOSED(11),
    /** A subflow's backup priority changed (MP_PRIO). */
    SUB_PRIORITY(13),
    /** A path-manager listener was created (an MPTCP socket started listening). */
    LISTENER_CREATED(15),
    /** A path-manager listener was closed. */
    LISTENER_CLOSED(16);

    private final int code;

    MptcpEventType(int code) {
        this.code = code;
    }

    /** The generic-netlink command value the kernel uses for this event. */
    public int code() {
        return code;
    }

    /** The event type of {@code code}; empty for a code this client does not know. */
    public static Optional<MptcpEventType> of(int code) {
        for (MptcpEventType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
