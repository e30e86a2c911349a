package org.haap.gateway.pm;

import org.haap.gateway.link.LinkState;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A policy's view of one MPTCP connection and its per-connection actions.
 *
 * <p>The actions declare what the connection should have on a WAN, they do not send a
 * command each: the engine carries the wish out and keeps it true until the policy changes
 * it. A joined WAN that has no subflow gets one (again after a subflow closes), at most once
 * per second per WAN and connection, backing off up to 30 s while attempts keep failing,
 * never while the WAN is {@link LinkState#DOWN}; a closed WAN's subflows are destroyed, but
 * never a connection's last usable subflow (make before break); a WAN the policy never
 * named is left as it is. Calling an action again with the same arguments does nothing.
 */
public interface PmConnection {

    /** The kernel's connection token (u32). */
    long token();

    /** The remote end of the connection's initial subflow (the aggregation point); new subflows go there. */
    InetSocketAddress remote();

    /** The established subflows, oldest first. */
    List<PmSubflow> subflows();

    /** The oldest established subflow on {@code wan} that is not being closed, or {@code null}. */
    PmSubflow subflow(PmWan wan);

    /** Whether {@code wan} has a source address of {@link #remote()}'s family. */
    boolean canJoin(PmWan wan);

    /** Wants one subflow on {@code wan}, with the backup flag {@code backup}. */
    void join(PmWan wan, boolean backup);

    /** Wants no subflow on {@code wan}. */
    void close(PmWan wan);

    /** Changes the backup flag of a joined WAN (as {@link #join}); does nothing for a WAN that is not joined. */
    void setBackup(PmWan wan, boolean backup);

    /** The network this connection belongs to. */
    PmNetwork network();
}
