package org.haap.gateway.pm;

import org.haap.gateway.link.LinkState;

/**
 * Decides which subflows each connection has, in mptcpd's spirit: one optional callback per
 * kernel event, connection events apart from network (WAN) events, and per-connection
 * actions on {@link PmConnection}. Every callback runs on the engine's single thread, so a
 * policy needs no locks; none may block.
 *
 * <p>The one required method, {@link #update}, states what a connection should have now;
 * the engine calls it after every event concerning the connection, after every WAN-state
 * change and rates sample (for every connection), and on every tick (4 per second), so a
 * policy whose decision depends only on state it can read needs nothing else. The other
 * callbacks let a policy record what it saw (they run just before the {@code update} that
 * follows the same event).
 */
public interface PathManagerPolicy {

    /** The policy's configuration name ({@code fullmesh}, ...). */
    String name();

    /** States what {@code connection} should have now (join, close, setBackup); idempotent. */
    void update(PmConnection connection);

    /** The connection is established; its initial subflow is in {@link PmConnection#subflows()}. */
    default void connectionEstablished(PmConnection connection) {
    }

    /** The connection is closed; nothing can be done to it any more. */
    default void connectionClosed(PmConnection connection) {
    }

    /** A new subflow is established. */
    default void subflowEstablished(PmConnection connection, PmSubflow subflow) {
    }

    /**
     * A subflow closed (no longer in {@link PmConnection#subflows()}); {@code errno} is the
     * kernel's error (0 = orderly or on the policy's request).
     */
    default void subflowClosed(PmConnection connection, PmSubflow subflow, int errno) {
    }

    /** The peer changed a subflow's backup flag. */
    default void subflowPriority(PmConnection connection, PmSubflow subflow) {
    }

    /** The link monitor changed {@code wan}'s state (the new one is {@code network.state(wan)}). */
    default void wanStateChanged(PmWan wan, LinkState previous, PmNetwork network) {
    }

    /** New TCP counters arrived for the connection's subflows ({@link PmSubflow#tcp()}). */
    default void sampled(PmConnection connection) {
    }

    /** New gateway-wide per-WAN rates arrived ({@link PmNetwork#rate}). */
    default void ratesSampled(PmNetwork network) {
    }
}
