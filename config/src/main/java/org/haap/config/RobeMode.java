package org.haap.config;

/**
 * How the gateway establishes the MPTCP connection to the aggregation point across its
 * WANs ({@code haap.gateway.robe.mode}; written {@code sim}, {@code timer}, {@code ips},
 * {@code classic}).
 */
public enum RobeMode {
    /** RobE_SIM: one MPTCP SYN per usable WAN at once; the first established wins, the others are reset. */
    SIM,
    /** RobE_TIMER: the preferred WAN first, the next WAN each time a SYN timeout expires. */
    TIMER,
    /** RobE_IPS: the initial path is the WAN with the best measured handshake history. */
    IPS,
    /** Classic MPTCP: the initial subflow on the preferred WAN only, as an unmodified host would. */
    CLASSIC
}
