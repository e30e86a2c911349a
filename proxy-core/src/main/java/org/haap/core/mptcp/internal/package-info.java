/**
 * Decoders for the kernel's MPTCP socket-option structures ({@code struct mptcp_info},
 * {@code mptcp_full_info}, {@code mptcp_subflow_info}, {@code tcp_info}) with the offsets
 * measured on Linux 6.18. Not API.
 */
package org.haap.core.mptcp.internal;
