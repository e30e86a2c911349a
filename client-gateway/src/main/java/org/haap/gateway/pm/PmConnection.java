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
 * never while the WAN is {@link LinkState#DOWN}, always to {@link #joinTarget()}; a closed
 * WAN's subflows are destroyed, but never a connection's last usable subflow (make before break); a WAN the policy never
 * named is left as it is. Calling an action again with the same arguments does nothing.
 */
public interface PmConnection {

    /** The kernel's connection token (u32). */
    long token();

    /** The remote end of the connection's initial subflow (the aggregation point, or its shared address). */
    InetSocketAddress remote();

    /**
     * Where new subflows go: the first address the peer announced (ADD_ADDR, e.g. an
     * aggregation-point cluster node's own address; with the port of {@link #remote()} when
     * the announcement had none) that it has not withdrawn; else {@link #remote()}, unless
     * the peer refuses joins to its initial address (the MP_CAPABLE "C" flag,
     * {@link #initialJoinsRefused()}): then {@code null}, and joins wait for an announcement.
     * A policy need not care: a subflow to either address is its WAN's subflow.
     */
    InetSocketAddress joinTarget();

    /** Whether the peer refuses MP_JOINs to {@link #remote()} (it set the MP_CAPABLE "C" flag). */
    boolean initialJoinsRefused();

    /**
     * The WAN of the connection's initial subflow (the attempt that won its establishment
     * race, for a warm-pool connection too), or {@code null} if that address is no WAN's.
     */
    PmWan initialWan();

    /**
     * Whether the connection proved to be bulk ({@code path-manager.bulk}: the gateway's relay
     * moved enough bytes, or moved bytes long enough); once bulk, always bulk.
     */
    boolean bulk();

    /** The established subflows, oldest first. */
    List<PmSubflow> subflows();

    /** The oldest established subflow on {@code wan} that is not being closed, or {@code null}. */
    PmSubflow subflow(PmWan wan);

    /** Whether {@code wan} has a source address of the family of {@link #joinTarget()} (or of {@link #remote()}). */
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
