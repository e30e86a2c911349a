package org.haap.robe.pool;

import org.haap.robe.EstablishException;
import org.haap.robe.Established;

/**
 * What a {@link WarmPool} reports, for metrics and logs. Called on the pool's event loop;
 * every method is optional.
 */
public interface PoolListener {

    /** A LAN connection got a pooled connection. */
    default void hit() {
    }

    /** A LAN connection found the pool empty. */
    default void miss() {
    }

    /** A connection was established for the pool (before its handshake). */
    default void established(Established established) {
    }

    /**
     * Establishing a pool connection failed ({@link EstablishException} lists the attempts)
     * or the handshake was refused.
     */
    default void refillFailed(Throwable cause) {
    }

    /** An idle pooled connection was closed without being used. */
    default void closed(CloseReason reason) {
    }

    /** The listener that ignores everything. */
    PoolListener NONE = new PoolListener() {
    };
}
