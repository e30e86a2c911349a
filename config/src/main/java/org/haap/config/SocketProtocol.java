package org.haap.config;

/** The protocol of a listening socket, as written in config ({@code mptcp}, {@code tcp}). */
public enum SocketProtocol {
    /** Multipath TCP (IPPROTO_MPTCP); plain TCP clients are still accepted by the kernel. */
    MPTCP,
    /** Plain TCP. */
    TCP
}
