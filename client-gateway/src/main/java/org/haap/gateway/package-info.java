/**
 * The client gateway (CPE) application: TPROXY interception listeners, the per-connection
 * pipeline (accept, establish an MPTCP connection to the aggregation point over the WANs,
 * RFC 8803 Convert, relay), the kernel settings and in-kernel path-manager endpoints it
 * owns, its metrics and {@link org.haap.gateway.Main}.
 */
package org.haap.gateway;
