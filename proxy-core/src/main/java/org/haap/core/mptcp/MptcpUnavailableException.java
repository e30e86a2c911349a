package org.haap.core.mptcp;

import java.io.IOException;

/** The running kernel (or the calling thread's network namespace) cannot create MPTCP sockets. */
public final class MptcpUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    public MptcpUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
