package org.haap.core.mptcp;

import java.util.List;

/**
 * Connection counters and every subflow of an MPTCP connection, read in one consistent call
 * ({@code MPTCP_FULL_INFO}).
 *
 * @param connection connection-level counters
 * @param subflows   the subflows at the time of the call, in kernel order
 */
public record MptcpFullInfo(MptcpInfo connection, List<SubflowInfo> subflows) {

    public MptcpFullInfo {
        subflows = List.copyOf(subflows);
    }
}
