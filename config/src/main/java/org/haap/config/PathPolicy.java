package org.haap.config;

/**
 * Which subflows the gateway's path manager opens on which WANs
 * ({@code haap.gateway.path-manager.policy}; written {@code fullmesh}, {@code dsl-first},
 * {@code overflow}, {@code smart-backup}, {@code rtt-aware}). "First WAN" is the first of
 * {@code haap.gateway.wan}, the preferred one.
 */
public enum PathPolicy {
    /** A subflow on every WAN at once; WANs with {@code backup = true} join as backup subflows. */
    FULLMESH,
    /** Only the first usable WAN carries traffic; the next WAN is joined when it fails. */
    DSL_FIRST,
    /** The first WAN first; the next WAN is joined when the connection fills the ones it has. */
    OVERFLOW,
    /** Subflows on every WAN, all but the first as backup; a backup is promoted when the first stalls. */
    SMART_BACKUP,
    /** Subflows on every WAN; a WAN whose RTT is far above the best WAN's is set to backup until it recovers. */
    RTT_AWARE;

    /** Whether the in-kernel path manager can apply this policy (with endpoints and backup flags). */
    public boolean kernelCapable() {
        return this == FULLMESH;
    }
}
