package org.haap.core.pm;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A decoded event of the "mptcp_pm_events" multicast group. Connection events carry the
 * connection's raw {@code token} (the kernel's local token, also in {@code MPTCP_INFO}) so
 * that a consumer can correlate them with its sockets; listener events carry none.
 */
public sealed interface MptcpEvent {

    /** The event's type. */
    MptcpEventType type();

    /** An event about one connection. */
    sealed interface ConnectionEvent extends MptcpEvent {
        /** The connection's local token, an unsigned 32-bit value (as in {@code MptcpInfo.token()}). */
        long token();
    }

    /**
     * The connection's first subflow: {@link MptcpEventType#CREATED} or
     * {@link MptcpEventType#ESTABLISHED}.
     *
     * @param serverSide true on the side that accepted the connection
     * @param flags      the raw {@code MPTCP_ATTR_FLAGS} ({@link #FLAG_DENY_JOIN_ID0}, {@link #FLAG_SERVER_SIDE})
     */
    record Connection(MptcpEventType type, long token, InetSocketAddress local, InetSocketAddress remote,
                      boolean serverSide, int flags) implements ConnectionEvent {
        /** {@code MPTCP_PM_EV_FLAG_DENY_JOIN_ID0}: the peer refuses joins to its initial address and port. */
        public static final int FLAG_DENY_JOIN_ID0 = 1;
        /** {@code MPTCP_PM_EV_FLAG_SERVER_SIDE} (Linux 6.18; older kernels send a separate attribute). */
        public static final int FLAG_SERVER_SIDE = 2;

        public Connection {
            if (type != MptcpEventType.CREATED && type != MptcpEventType.ESTABLISHED) {
                throw new IllegalArgumentException("type: " + type + " (expected: CREATED or ESTABLISHED)");
            }
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(remote, "remote");
        }

        /** Whether the peer refuses joins to its initial address and port. */
        public boolean denyJoinId0() {
            return (flags & FLAG_DENY_JOIN_ID0) != 0;
        }
    }

    /** {@link MptcpEventType#CLOSED}: the connection ended. */
    record Closed(long token) implements ConnectionEvent {
        @Override
        public MptcpEventType type() {
            return MptcpEventType.CLOSED;
        }
    }

    /**
     * {@link MptcpEventType#ANNOUNCED}: the peer announced {@code address} under id
     * {@code remoteId}; the port is 0 when the announcement had none.
     */
    record Announced(long token, int remoteId, InetSocketAddress address) implements ConnectionEvent {
        public Announced {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public MptcpEventType type() {
            return MptcpEventType.ANNOUNCED;
        }
    }

    /** {@link MptcpEventType#REMOVED}: the peer withdrew its address {@code remoteId}. */
    record Removed(long token, int remoteId) implements ConnectionEvent {
        @Override
        public MptcpEventType type() {
            return MptcpEventType.REMOVED;
        }
    }

    /**
     * A subflow event: {@link MptcpEventType#SUB_ESTABLISHED}, {@link MptcpEventType#SUB_CLOSED}
     * or {@link MptcpEventType#SUB_PRIORITY}. {@code resetReason} and {@code resetFlags} are the
     * peer's MP_TCPRST reason and flags when a closed subflow was reset (0 otherwise).
     */
    record Subflow(MptcpEventType type, long token, MptcpSubflow subflow, int resetReason, int resetFlags)
            implements ConnectionEvent {
        public Subflow {
            if (type != MptcpEventType.SUB_ESTABLISHED && type != MptcpEventType.SUB_CLOSED
                    && type != MptcpEventType.SUB_PRIORITY) {
                throw new IllegalArgumentException("type: " + type
                        + " (expected: SUB_ESTABLISHED, SUB_CLOSED or SUB_PRIORITY)");
            }
            Objects.requireNonNull(subflow, "subflow");
        }
    }

    /**
     * {@link MptcpEventType#LISTENER_CREATED} or {@link MptcpEventType#LISTENER_CLOSED}: an
     * MPTCP socket started or stopped listening on {@code local}.
     */
    record Listener(MptcpEventType type, InetSocketAddress local) implements MptcpEvent {
        public Listener {
            if (type != MptcpEventType.LISTENER_CREATED && type != MptcpEventType.LISTENER_CLOSED) {
                throw new IllegalArgumentException("type: " + type
                        + " (expected: LISTENER_CREATED or LISTENER_CLOSED)");
            }
            Objects.requireNonNull(local, "local");
        }
    }
}
