package org.haap.core.mptcp;

/**
 * Connection-level counters of one MPTCP socket, decoded from the kernel's {@code struct
 * mptcp_info} ({@code getsockopt(SOL_MPTCP, MPTCP_INFO)}). Fields a kernel does not fill read
 * as 0. Byte and sequence counters are MPTCP data-level (not per subflow).
 *
 * @param subflows              extra subflows, excluding the initial one
 * @param subflowsTotal         all subflows, including the initial one (kernel 6.10+, else 0)
 * @param flags                 raw {@code MPTCP_INFO_FLAG_*} bits
 * @param fallback              the connection fell back to plain TCP
 * @param remoteKeyReceived     the peer's key has been received
 * @param token                 the local connection token (u32), as in path-manager events
 * @param writeSeq              next data sequence number to be written
 * @param sndUna                oldest unacknowledged data sequence number
 * @param rcvNxt                next data sequence number expected
 * @param retransmits           MPTCP-level retransmission count
 * @param bytesRetrans          bytes retransmitted (reinjected) at MPTCP level
 * @param bytesSent             bytes sent at MPTCP level
 * @param bytesReceived         bytes received at MPTCP level
 * @param bytesAcked            bytes acknowledged at MPTCP level
 * @param addAddrSignal         addresses announced (ADD_ADDR sent)
 * @param addAddrAccepted       peer announcements accepted
 * @param subflowsMax           path-manager limit on extra subflows
 * @param addAddrSignalMax      path-manager limit on announcements
 * @param addAddrAcceptedMax    path-manager limit on accepted announcements
 * @param localAddrUsed         local endpoints in use
 * @param localAddrMax          local endpoints available
 * @param csumEnabled           DSS checksums negotiated
 * @param lastDataSentMillis    milliseconds since data was last sent
 * @param lastDataReceivedMillis milliseconds since data was last received
 * @param lastAckReceivedMillis milliseconds since a data ACK was last received
 */
public record MptcpInfo(int subflows, int subflowsTotal, int flags, boolean fallback, boolean remoteKeyReceived,
                        long token, long writeSeq, long sndUna, long rcvNxt, int retransmits, long bytesRetrans,
                        long bytesSent, long bytesReceived, long bytesAcked, int addAddrSignal, int addAddrAccepted,
                        int subflowsMax, int addAddrSignalMax, int addAddrAcceptedMax, int localAddrUsed,
                        int localAddrMax, boolean csumEnabled, long lastDataSentMillis, long lastDataReceivedMillis,
                        long lastAckReceivedMillis) {

    /** {@code MPTCP_INFO_FLAG_FALLBACK}. */
    public static final int FLAG_FALLBACK = 1;
    /** {@code MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED}. */
    public static final int FLAG_REMOTE_KEY_RECEIVED = 2;
}
