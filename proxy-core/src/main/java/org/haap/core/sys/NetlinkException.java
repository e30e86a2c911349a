package org.haap.core.sys;

import java.io.IOException;

/** A failed netlink system call or a negative acknowledgement, with its errno. */
public class NetlinkException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    /** Creates an exception for {@code errno} (positive) with a message naming the call. */
    public NetlinkException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
