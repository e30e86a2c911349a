package org.haap.core.pm;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One subflow as a subflow event describes it.
 *
 * @param localId  the local address id ({@code loc_id}); 0 for the initial subflow's address
 * @param remoteId the peer's address id ({@code rem_id})
 * @param local    local address and port
 * @param remote   remote address and port
 * @param backup   whether the subflow is a backup subflow
 * @param ifIndex  the device the subflow is bound to, 0 if none
 * @param error    the subflow's socket error ({@code sk_err}, a positive errno), 0 if none
 */
public record MptcpSubflow(int localId, int remoteId, InetSocketAddress local, InetSocketAddress remote,
                           boolean backup, int ifIndex, int error) {

    public MptcpSubflow {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
    }
}
