package org.haap.core.rtnl;

import org.haap.core.sys.NetlinkException;

/** Receives rtnetlink events from {@link LinkMonitor#start}, on the monitor's thread, in order. */
@FunctionalInterface
public interface RtnlListener {

    /** One event. */
    void onEvent(RtnlEvent event);

    /** The receive queue overran and events were lost: re-read state with a new monitor. */
    default void onEventsLost() {
    }

    /** The receive loop stopped because of a socket error. */
    default void onFailure(NetlinkException cause) {
    }
}
