package org.haap.core.mptcp;

/** The transport protocol of a socket created by {@link MptcpSockets}. */
public enum Protocol {
    /** Multipath TCP ({@code IPPROTO_MPTCP}); may still fall back to TCP on the wire. */
    MPTCP,
    /** Plain TCP ({@code IPPROTO_TCP}). */
    TCP
}
