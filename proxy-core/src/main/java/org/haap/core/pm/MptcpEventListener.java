package org.haap.core.pm;

import org.haap.core.sys.NetlinkEventStream;

/**
 * Receives MPTCP path-manager events from {@link MptcpEventMonitor#start}, on the monitor's
 * thread, in the kernel's order. Keep callbacks short (hand work to another executor): while
 * one runs, further events queue in the socket and may overrun it. On an overrun
 * ({@link #onEventsLost()}) a path manager should re-read the state it tracks (e.g. MPTCP_INFO
 * of its connections).
 */
@FunctionalInterface
public interface MptcpEventListener extends NetlinkEventStream.Listener<MptcpEvent> {

    /** One event. */
    @Override
    void onEvent(MptcpEvent event);
}
