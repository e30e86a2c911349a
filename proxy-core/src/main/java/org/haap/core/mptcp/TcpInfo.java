package org.haap.core.mptcp;

/**
 * The per-subflow counters HAAP uses from the kernel's {@code struct tcp_info} (kernel
 * layout, not glibc's shorter one).
 *
 * @param rttMicros          smoothed round-trip time, microseconds
 * @param sndCwnd            congestion window, segments
 * @param totalRetrans       retransmitted segments over the subflow's life
 * @param bytesAcked         bytes acknowledged by the peer
 * @param bytesReceived      bytes received
 * @param segsOut            segments sent
 * @param bytesSent          bytes sent, including retransmissions
 * @param bytesRetrans       bytes retransmitted
 * @param state              TCP state ({@code tcpi_state}: 1 = established, 7 = close ...)
 * @param retransmits        retransmission timeouts in a row without progress
 *                           ({@code tcpi_retransmits}); 0 once an ACK moves the window
 * @param backoff            exponential back-off of the retransmission timer ({@code tcpi_backoff})
 * @param rtoMicros          current retransmission timeout, microseconds ({@code tcpi_rto})
 * @param unacked            segments sent and not yet acknowledged ({@code tcpi_unacked})
 * @param lost               segments considered lost ({@code tcpi_lost})
 * @param rttVarMicros       RTT variation, microseconds ({@code tcpi_rttvar})
 * @param lastAckRecvMillis  milliseconds since the last ACK was received ({@code tcpi_last_ack_recv})
 */
public record TcpInfo(long rttMicros, long sndCwnd, long totalRetrans, long bytesAcked, long bytesReceived,
                      long segsOut, long bytesSent, long bytesRetrans, int state, int retransmits, int backoff,
                      long rtoMicros, long unacked, long lost, long rttVarMicros, long lastAckRecvMillis) {

    /** The byte and RTT counters only; the timer and loss fields are 0. */
    public TcpInfo(long rttMicros, long sndCwnd, long totalRetrans, long bytesAcked, long bytesReceived,
                   long segsOut, long bytesSent, long bytesRetrans) {
        this(rttMicros, sndCwnd, totalRetrans, bytesAcked, bytesReceived, segsOut, bytesSent, bytesRetrans,
                0, 0, 0, 0, 0, 0, 0, 0);
    }
}
