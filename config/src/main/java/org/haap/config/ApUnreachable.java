package org.haap.config;

/**
 * What the gateway does with a LAN connection when the aggregation point cannot be reached
 * on any WAN ({@code haap.gateway.on-ap-unreachable}; written {@code reset}, {@code bypass}).
 */
public enum ApUnreachable {
    /** Reset the LAN client's connection, as an unreachable destination would. */
    RESET,
    /** Connect to the destination directly with plain TCP on the preferred (first usable) WAN. */
    BYPASS
}
