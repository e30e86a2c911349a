/**
 * A client of the kernel's generic-netlink family {@code "mptcp_pm"}
 * ({@link org.haap.core.pm.MptcpPmClient}): kernel-wide commands (limits and in-kernel
 * endpoints, the equivalent of {@code ip mptcp limits} and {@code ip mptcp endpoint}) beside
 * the userspace path manager's per-connection commands (SUBFLOW_CREATE, SUBFLOW_DESTROY,
 * SET_FLAGS, ANNOUNCE, REMOVE), and the {@code mptcp_pm_events} subscription
 * ({@link org.haap.core.pm.MptcpEventMonitor}) that decodes every path-manager event into an
 * {@link org.haap.core.pm.MptcpEvent} record carrying the connection's token. Everything acts
 * on the network namespace of the thread that opened it.
 */
package org.haap.core.pm;
