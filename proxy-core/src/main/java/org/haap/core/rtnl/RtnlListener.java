package org.haap.core.rtnl;

import org.haap.core.sys.NetlinkEventStream;

/** Receives rtnetlink events from {@link LinkMonitor#start}, on the monitor's thread, in order. */
@FunctionalInterface
public interface RtnlListener extends NetlinkEventStream.Listener<RtnlEvent> {

    /** One event. */
    @Override
    void onEvent(RtnlEvent event);
}
