package org.haap.gateway.pm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The per-connection commands of the kernel's userspace path manager ({@code mptcp_pm}
 * generic netlink), the engine's port to the kernel. Called only on the engine's thread;
 * each call may block until the kernel's acknowledgement. A refused or failed command
 * throws {@link IOException} whose message names the command and the kernel's error.
 */
public interface PmCommands {

    /**
     * {@code SUBFLOW_CREATE}: a new subflow of connection {@code token} from {@code local}
     * (an address of {@code wan}, id {@link PmWan#localId()}, bound to
     * {@code wan.path().interfaceName()}) to {@code remote}, with the backup flag if
     * {@code backup}. Returns once the kernel accepted the request; the subflow itself is
     * reported later by a {@code SUB_ESTABLISHED} (or {@code SUB_CLOSED}) event.
     */
    void createSubflow(long token, PmWan wan, InetAddress local, InetSocketAddress remote, boolean backup)
            throws IOException;

    /** {@code SUBFLOW_DESTROY}: closes the subflow {@code local} (address and port) to {@code remote}. */
    void destroySubflow(long token, InetSocketAddress local, InetSocketAddress remote) throws IOException;

    /** {@code SET_FLAGS}: sets or clears the backup flag (MP_PRIO) of the subflow {@code local} to {@code remote}. */
    void setBackup(long token, InetSocketAddress local, InetSocketAddress remote, boolean backup) throws IOException;
}
