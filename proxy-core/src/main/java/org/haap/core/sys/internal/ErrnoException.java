package org.haap.core.sys.internal;

import java.io.IOException;

/**
 * A failed system call, with the errno kept so that callers can react to the exact error.
 * The message has one shape: {@code "setsockopt(SO_REUSEPORT) failed: EPERM (Operation not
 * permitted)"}.
 */
public final class ErrnoException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public ErrnoException(String call, int errno, String description) {
        super(call + " failed: " + Errno.name(errno) + " (" + description + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, with the option or path it was given, e.g. {@code "bind"}. */
    public String call() {
        return call;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code "EADDRINUSE"}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
