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

    /** The kernel's extended-ack text, if it sent one. */
    public Optional<String> kernelMessage() {
        return Optional.ofNullable(kernelMessage);
    }
}
