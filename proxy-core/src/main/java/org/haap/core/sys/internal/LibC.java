package org.haap.core.sys.internal;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The libc functions HAAP binds through jnr-ffi. Every call saves errno (the library is
 * loaded with {@code LibraryOption.SaveError}); read it only through {@link Posix}.
 */
public interface LibC {

    int socket(int domain, int type, int protocol);

    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    int getsockopt(int fd, int level, int optname, @In @Out byte[] optval, @In @Out IntByReference optlen);

    int getsockopt(int fd, int level, int optname, Pointer optval, @In @Out IntByReference optlen);

    int bind(int fd, @In byte[] addr, int addrlen);

    int listen(int fd, int backlog);

    int accept4(int fd, Pointer addr, Pointer addrlen, int flags);

    int dup3(int oldfd, int newfd, int flags);

    int open(String path, int flags);

    int close(int fd);

    int setns(int fd, int nstype);

    int if_nametoindex(String name);

    /** {@code struct rlimit} is two {@code rlim_t} (unsigned 64-bit on Linux): current, maximum. */
    int getrlimit(int resource, @Out long[] rlim);

    int setrlimit(int resource, @In long[] rlim);

    String strerror(int errnum);
}
