/**
 * A client of the kernel's generic-netlink family {@code "mptcp_pm"}: MPTCP path-manager
 * limits and in-kernel endpoints ({@link org.haap.core.pm.MptcpPmClient}), the equivalent of
 * {@code ip mptcp limits} and {@code ip mptcp endpoint}. Requests act on the network
 * namespace of the thread that opened the client. Per-connection commands of the userspace
 * path manager (SUBFLOW_CREATE, SUBFLOW_DESTROY, SET_FLAGS) and event subscription build on
 * the same family resolution and message encoding and belong next to it.
 */
package org.haap.core.pm;
