package org.haap.core.session;

import java.util.Objects;

/**
 * How a proxied session ended: who ended it, why, and in which phase. Logged once per
 * session and used (by its enum names) as bounded metric labels.
 *
 * @param by     the side that ended the session
 * @param reason why it ended
 * @param phase  the phase the session was in when it ended
 */
public record Termination(Side by, Reason reason, Phase phase) {

    public Termination {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(phase, "phase");
    }

    /** {@code ended-by=client reason=reset phase=relay}: the fields of a session log line. */
    public String logFields() {
        return "ended-by=" + by.name().toLowerCase(java.util.Locale.ROOT)
                + " reason=" + reason.name().toLowerCase(java.util.Locale.ROOT)
                + " phase=" + phase.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Who ended a session. */
    public enum Side {
        /** The downstream peer (the LAN client, or the gateway as seen by the AP). */
        CLIENT,
        /** The upstream peer (the origin server, or the AP as seen by the gateway). */
        SERVER,
        /** The proxy itself (timeouts, policy, limits, shutdown). */
        PROXY
    }

    /** Why a session ended. */
    public enum Reason {
        /** Both directions finished with FIN. */
        COMPLETED,
        /** A peer reset the connection. */
        RESET,
        /** A phase timeout expired. */
        TIMEOUT,
        /** The peer sent something the protocol does not allow. */
        PROTOCOL_ERROR,
        /** Refused by access control or destination policy. */
        DENIED,
        /** Over a configured limit. */
        LIMIT,
        /** The upstream connection could not be established. */
        CONNECT_FAILED,
        /** The process is shutting down. */
        SHUTDOWN,
        /**
         * The drain deadline of a shutdown passed while the session was still open: both
         * sides were reset, so neither takes a cut stream for a complete one.
         */
        DRAIN_ABORTED,
        /** An unexpected I/O error. */
        IO_ERROR
    }

    /** The phases of a session, in order. */
    public enum Phase {
        /** Waiting for the Convert header. */
        HEADER,
        /** Connecting upstream. */
        CONNECT,
        /** Relaying bytes in both directions. */
        RELAY,
        /** One direction has finished, the other is still open. */
        HALF_CLOSE
    }
}
