package org.haap.gateway.pm;

import java.net.InetSocketAddress;
import org.haap.core.mptcp.TcpInfo;

/** A policy's read-only view of one established subflow. */
public interface PmSubflow {

    /** The WAN owning its local address, or {@code null} if no WAN does (such a subflow is never touched). */
    PmWan wan();

    InetSocketAddress local();

    InetSocketAddress remote();

    /** Whether it is a backup subflow (as last set or reported). */
    boolean backup();

    /** Its TCP counters from the latest sample, or {@code null} before the first one. */
    TcpInfo tcp();
}
