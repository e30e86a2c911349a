package org.haap.core.mptcp;

import java.net.InetSocketAddress;

/**
 * One subflow of an MPTCP connection.
 *
 * @param id     the kernel's sequential subflow id within the connection (not the
 *               path-manager endpoint id)
 * @param local  local address and port of the subflow, or {@code null} if the kernel gave none
 * @param remote remote address and port of the subflow, or {@code null} if the kernel gave none
 * @param tcp    the subflow's TCP counters
 */
public record SubflowInfo(int id, InetSocketAddress local, InetSocketAddress remote, TcpInfo tcp) {
}
