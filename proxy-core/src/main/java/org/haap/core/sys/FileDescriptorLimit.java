package org.haap.core.sys;

import java.io.IOException;

import org.haap.core.sys.internal.Linux;
import org.haap.core.sys.internal.Posix;

/**
 * The process's limit on open file descriptors ({@code RLIMIT_NOFILE}): every socket, splice
 * pipe and epoll instance takes one. The soft limit is what {@code accept(2)} and {@code
 * socket(2)} run into ({@code EMFILE}); a process may raise it up to the hard limit, which
 * the service manager sets ({@code LimitNOFILE=} in the systemd units). HotSpot on Linux
 * already raises the soft limit at start unless {@code -XX:-MaxFDLimit}; {@link
 * #raiseSoftToHard()} does it whatever the JVM options.
 *
 * @param soft the current (soft) limit
 * @param hard the maximum the soft limit may be raised to without privileges
 */
public record FileDescriptorLimit(long soft, long hard) {

    /** The limit of this process now. */
    public static FileDescriptorLimit current() throws IOException {
        long[] limits = Posix.getrlimit(Linux.RLIMIT_NOFILE, "RLIMIT_NOFILE");
        return new FileDescriptorLimit(limits[0], limits[1]);
    }

    /** Raises this process's soft limit to its hard limit, if lower; returns the limit then in force. */
    public static FileDescriptorLimit raiseSoftToHard() throws IOException {
        FileDescriptorLimit now = current();
        if (Long.compareUnsigned(now.soft, now.hard) >= 0) {
            return now;
        }
        Posix.setrlimit(Linux.RLIMIT_NOFILE, now.hard, now.hard, "RLIMIT_NOFILE");
        return current();
    }

    /** {@code "soft 1024, hard 524288"}; {@code unlimited} for {@code RLIM_INFINITY}. */
    @Override
    public String toString() {
        return "soft " + describe(soft) + ", hard " + describe(hard);
    }

    private static String describe(long limit) {
        return limit == -1 ? "unlimited" : Long.toUnsignedString(limit);
    }
}
