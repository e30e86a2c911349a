package org.haap.core.mptcp;

/**
 * The per-subflow counters HAAP uses from the kernel's {@code struct tcp_info} (kernel
 * layout, not glibc's shorter one).
 *
 * @param rttMicros     smoothed round-trip time, microseconds
 * @param sndCwnd       congestion window, segments
 * @param totalRetrans  retransmitted segments over the subflow's life
 * @param bytesAcked    bytes acknowledged by the peer
 * @param bytesReceived bytes received
 * @param segsOut       segments sent
 * @param bytesSent     bytes sent, including retransmissions
 * @param bytesRetrans  bytes retransmitted
 */
public record TcpInfo(long rttMicros, long sndCwnd, long totalRetrans, long bytesAcked, long bytesReceived,
                      long segsOut, long bytesSent, long bytesRetrans) {
}
