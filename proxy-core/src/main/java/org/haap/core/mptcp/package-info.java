/**
 * Kernel Multipath TCP sockets for Netty's native epoll transport: {@link
 * org.haap.core.mptcp.MptcpSockets} creates MPTCP (or plain TCP) listening and client
 * sockets with the socket options HAAP needs and hands them to Netty as {@code
 * EpollServerSocketChannel} / {@code EpollSocketChannel}; {@link
 * org.haap.core.mptcp.MptcpInfoReader} reads the kernel's per-connection and per-subflow
 * counters ({@code MPTCP_INFO}, {@code MPTCP_FULL_INFO}) and tells MPTCP from fallback.
 */
package org.haap.core.mptcp;
