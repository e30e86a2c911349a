package org.haap.core.sys.internal;

/**
 * Linux x86-64/aarch64 constants (from the kernel UAPI headers) for the calls in {@link
 * Posix}. Only what HAAP uses.
 */
public final class Linux {

    public static final int RLIMIT_NOFILE = 7;
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;

    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_MPTCP = 262;

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_BINDTODEVICE = 25;

    public static final int SOL_IP = 0;
    public static final int IP_TRANSPARENT = 19;
    public static final int IP_BIND_ADDRESS_NO_PORT = 24;

    public static final int SOL_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int IPV6_TRANSPARENT = 75;

    public static final int SOL_TCP = 6;
    public static final int TCP_CONGESTION = 13;
    public static final int TCP_FASTOPEN = 23;
    public static final int TCP_FASTOPEN_CONNECT = 30;
    public static final int TCP_FASTOPEN_NO_COOKIE = 34;
    public static final int TCP_IS_MPTCP = 43;

    public static final int SOL_MPTCP = 284;
    public static final int MPTCP_INFO = 1;
    public static final int MPTCP_TCPINFO = 2;
    public static final int MPTCP_SUBFLOW_ADDRS = 3;
    public static final int MPTCP_FULL_INFO = 4;

    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;

    public static final int CLONE_NEWNET = 0x40000000;

    public static final int IFNAMSIZ = 16;

    private Linux() {
    }
}
