/**
 * The gateway's userspace MPTCP path manager, independent of the netlink transport: the
 * engine ({@link org.haap.gateway.pm.UserspacePathManager}) keeps a table of the gateway's
 * MPTCP connections and their subflows (each subflow on the WAN that owns its local
 * address), feeds kernel events, link states and TCP samples to a
 * {@link org.haap.gateway.pm.PathManagerPolicy}, and carries out what the policy wants for
 * each connection through {@link org.haap.gateway.pm.PmCommands}, the port to the kernel's
 * {@code mptcp_pm} generic-netlink family, with bounded command rates.
 */
package org.haap.gateway.pm;
