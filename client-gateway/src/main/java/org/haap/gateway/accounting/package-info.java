/**
 * Per-WAN accounting: the bytes each WAN carried, up and down, read from the kernel's
 * per-subflow TCP counters ({@code MPTCP_FULL_INFO}) of the gateway's own MPTCP
 * connections to the aggregation point, sampled periodically and when a connection is
 * closed, and exported as metrics.
 */
package org.haap.gateway.accounting;
