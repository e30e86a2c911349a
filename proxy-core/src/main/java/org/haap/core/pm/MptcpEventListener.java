package org.haap.core.pm;

import org.haap.core.sys.NetlinkException;

/**
 * Receives MPTCP path-manager events from {@link MptcpEventMonitor#start}, on the monitor's
 * thread, in the kernel's order. Keep callbacks short (hand work to another executor): while
 * one runs, further events queue in the socket and may overrun it.
 */
@FunctionalInterface
public interface MptcpEventListener {

    /** One event. */
    void onEvent(MptcpEvent event);

    /**
     * The subscription's receive queue overran and events were lost; the monitor goes on. A
     * path manager should re-read the state it tracks (e.g. MPTCP_INFO of its connections).
     */
    default void onEventsLost() {
    }

    /** The receive loop stopped because of a socket error. */
    default void onFailure(NetlinkException cause) {
    }
}
