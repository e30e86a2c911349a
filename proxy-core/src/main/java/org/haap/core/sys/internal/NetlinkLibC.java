package org.haap.core.sys.internal;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls a raw {@code AF_NETLINK} socket needs, bound through jnr-ffi. Only
 * {@link org.haap.core.sys.NetlinkSocket} uses this interface; errno is saved after every
 * call (jnr-ffi's default) and read with {@link jnr.ffi.LastError}.
 */
public interface NetlinkLibC {

    /** {@code socket(2)}. */
    int socket(int domain, int type, int protocol);

    /** {@code bind(2)} with a {@code struct sockaddr_nl}. */
    int bind(int fd, @In Pointer addr, int addrLen);

    /** {@code getsockname(2)}; {@code addrLen} points to an in/out {@code socklen_t}. */
    int getsockname(int fd, @Out Pointer addr, Pointer addrLen);

    /** {@code setsockopt(2)}. */
    int setsockopt(int fd, int level, int option, @In Pointer value, int valueLen);

    /** {@code sendto(2)}. */
    @ssize_t long sendto(int fd, @In Pointer buf, @size_t long len, int flags, @In Pointer dest, int destLen);

    /**
     * {@code recvfrom(2)}: the sender's {@code struct sockaddr_nl} goes to {@code src};
     * {@code srcLen} points to an in/out {@code socklen_t}.
     */
    @ssize_t long recvfrom(int fd, @Out Pointer buf, @size_t long len, int flags, @Out Pointer src, Pointer srcLen);

    /** {@code poll(2)} on an array of {@code struct pollfd}. */
    int poll(Pointer fds, long nfds, int timeoutMillis);

    /** {@code close(2)}. */
    int close(int fd);

    /** {@code strerror(3)}. */
    String strerror(int errno);

    /** Loads the binding from the C library. */
    static NetlinkLibC load() {
        return LibraryLoader.create(NetlinkLibC.class).load("c");
    }
}
