package org.haap.config;

/**
 * Which subflows the gateway's path manager opens on which WANs
 * ({@code haap.gateway.path-manager.policy}; written {@code fullmesh}, {@code dsl-first},
 * {@code overflow}, {@code smart-backup}, {@code latency-first}). "Preferred WAN" is the first of
 * {@code haap.gateway.wan}. Under every policy a WAN the link monitor reports down has its
 * subflows closed (never a connection's last one) and gets none until it is up again.
 */
public enum PathPolicy {
    /** A subflow on every live WAN, all active (aggregation); WANs with {@code backup = true} join as backup subflows. */
    FULLMESH,
    /**
     * The preferred WAN active, every other live WAN joined as a backup subflow (MP_PRIO);
     * when the preferred WAN fails the best other one is made active, and back when it returns.
     */
    DSL_FIRST,
    /**
     * The preferred WAN active, the others (metered) as backup; the metered WANs are made
     * active while the preferred one is saturated, degraded or down, with hysteresis and an
     * optional monthly volume budget.
     */
    OVERFLOW,
    /**
     * SMAPP's smart backup: a subflow on the preferred WAN only; when its retransmission
     * timer passes a threshold a subflow is opened on the next WAN and the failing one closed.
     */
    SMART_BACKUP,
    /**
     * Path use that fits the flow: a connection's bytes go on its fastest live WAN (the one
     * that won its establishment race), every other live WAN is joined as a backup subflow
     * and made active once the connection proves to be bulk ({@link PathManagerSettings.Bulk}).
     */
    LATENCY_FIRST;

    /** Whether the in-kernel path manager can apply this policy (with endpoints and backup flags). */
    public boolean kernelCapable() {
        return this == FULLMESH;
    }
}
