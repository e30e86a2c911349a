package org.haap.core.pm;

import java.util.Optional;
import org.haap.core.sys.NetlinkException;

/**
 * The kernel refused an "mptcp_pm" command. The message names the command, the errno and,
 * when the kernel gave one, its extended-ack text, e.g. {@code "SUBFLOW_CREATE refused by the
 * kernel: EINVAL (invalid token)"}.
 */
public final class MptcpPmException extends NetlinkException {
    private static final long serialVersionUID = 1L;

    private static final int EINVAL = 22;
    private static final int ENOTCONN = 107;

    private final String command;
    private final String kernelMessage;

    public MptcpPmException(String command, int errno, String errnoText, String kernelMessage) {
        super(command + " refused by the kernel: " + errnoText
                + (kernelMessage == null || kernelMessage.isEmpty() ? "" : " (" + kernelMessage + ")"), errno);
        this.command = command;
        this.kernelMessage = kernelMessage == null || kernelMessage.isEmpty() ? null : kernelMessage;
    }

    /** The command (and its subject) that was refused, e.g. {@code "SUBFLOW_CREATE"}. */
    public String command() {
        return command;
    }

    /**
     * Whether the kernel refused because it knows no connection with the command's token
     * ({@code EINVAL}, "invalid token"): the connection closed after the event that led to the
     * command was sent, e.g. a RobE attempt that lost the race and was reset. Nothing is wrong
     * with the command or the path manager.
     */
    public boolean connectionGone() {
        return refusedAsInvalid("invalid token");
    }

    /**
     * Whether the kernel refused because it knows no subflow with the command's addresses
     * ({@code EINVAL}, "subflow not found"): it closed after the path manager last heard of it;
     * its SUB_CLOSED event is on its way, or the whole connection is closing.
     */
    public boolean subflowGone() {
        return refusedAsInvalid("subflow not found");
    }

    private boolean refusedAsInvalid(String reason) {
        return errno() == EINVAL && kernelMessage != null && kernelMessage.contains(reason);
    }

    /**
     * Whether the kernel refused a new subflow because the connection is not fully established
     * at the MPTCP level ({@code ENOTCONN}): it reported the connection established, but its
     * socket had not taken the new state yet (it does when the owner releases its lock), or the
     * connection is already closing. A retry a few milliseconds later usually succeeds.
     */
    public boolean notFullyEstablished() {
        return errno() == ENOTCONN;
    }

    /** The kernel's extended-ack text, if it sent one. */
    public Optional<String> kernelMessage() {
        return Optional.ofNullable(kernelMessage);
    }
}
