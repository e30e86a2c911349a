package org.haap.core.mptcp;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

import org.haap.core.mptcp.internal.InactiveEpollChannels;
import org.haap.core.net.TcpCongestion;
import org.haap.core.sys.internal.Errno;
import org.haap.core.sys.internal.ErrnoException;
import org.haap.core.sys.internal.Linux;
import org.haap.core.sys.internal.Posix;
import org.haap.core.sys.internal.SockAddrs;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Creates kernel MPTCP (or plain TCP) sockets and hands them to Netty's native epoll
 * transport. This is the one place where HAAP creates sockets with non-default protocols or
 * pre-connect socket options; everything is created {@code SOCK_NONBLOCK | SOCK_CLOEXEC}.
 *
 * <p>Sockets belong to the network namespace of the thread that creates them: call these
 * methods inside {@link org.haap.core.sys.NetworkNamespace#call} to create sockets in another
 * namespace.
 *
 * <h2>Listeners</h2>
 * {@link #openServer} returns a bound, listening {@link EpollServerSocketChannel}. Register it
 * with {@code new ServerBootstrap().group(..).childHandler(..).channelFactory(() -> channel)
 * .register()} (not {@code bind()}: it is bound already).
 *
 * <h2>Clients, and why {@code channelActive} fires only after the connect</h2>
 * Netty's public {@code EpollSocketChannel(int fd)} treats any fd whose {@code SO_ERROR} is 0
 * as connected, so an unconnected fd would fire {@code channelActive} at registration.
 * {@link #connect} therefore creates the MPTCP socket, wraps it with Netty's package-private
 * inactive-socket constructor ({@link InactiveEpollChannels}, by reflection) and applies the
 * pre-connect options. Where that constructor is not reachable (another Netty version, Netty
 * as a named module) it creates a normal unconnected {@code new EpollSocketChannel(family)}
 * and atomically replaces the socket behind its fd number with the prepared MPTCP socket
 * ({@code dup3(2)} with {@code O_CLOEXEC}; the channel is not registered yet, so no epoll
 * state refers to the old socket), which costs four system calls more. Either way the
 * channel is exactly what Netty would have: inactive, and {@link Bootstrap#connect} runs
 * Netty's own non-blocking connect: {@code EINPROGRESS}, {@code EPOLLOUT}, {@code SO_ERROR},
 * {@code CONNECT_TIMEOUT_MILLIS}, and {@code channelActive} after the handshake.
 *
 * <p>Connect failures arrive as a failed {@link ChannelFuture} with Netty's usual exceptions:
 * <ul>
 *   <li>{@code ECONNREFUSED} (and other errnos reported by {@code SO_ERROR}, e.g. {@code
 *       ETIMEDOUT} after the kernel's SYN retries): a {@link java.net.ConnectException} whose
 *       message contains {@code "error(-ERRNO)"} and the strerror text;</li>
 *   <li>{@code EHOSTUNREACH} and {@code ENETUNREACH}: a {@link java.net.NoRouteToHostException}
 *       (Netty does not tell the two apart; {@link org.haap.core.net.SocketFailure} does);</li>
 *   <li>{@code CONNECT_TIMEOUT_MILLIS} expired: {@link io.netty.channel.ConnectTimeoutException};</li>
 *   <li>socket creation or a pre-connect option failed: a {@link BindException} for an
 *       unusable source address, otherwise an {@link IOException} whose message names the call
 *       and the errno symbol ({@code "setsockopt(SO_BINDTODEVICE wan0) failed: ENODEV (...)"}).</li>
 * </ul>
 * {@link org.haap.core.net.SocketFailure#classify} says which of these a failure is.
 */
public final class MptcpSockets {

    private MptcpSockets() {
    }

    /**
     * Checks once that the calling thread's network namespace can create MPTCP sockets.
     *
     * @throws MptcpUnavailableException with a one-sentence explanation if it cannot
     */
    public static MptcpSockets open() throws MptcpUnavailableException {
        probe();
        return new MptcpSockets();
    }

    /**
     * A factory for plain TCP sockets only (no MPTCP probe): for deployments configured with
     * {@code protocol = tcp}. Asking it for an MPTCP socket fails like the kernel would.
     */
    public static MptcpSockets tcpOnly() {
        return new MptcpSockets();
    }

    /** Whether {@code socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)} works in the calling thread's namespace. */
    public static boolean kernelSupportsMptcp() {
        try {
            probe();
            return true;
        } catch (MptcpUnavailableException e) {
            return false;
        }
    }

    private static void probe() throws MptcpUnavailableException {
        int fd;
        try {
            fd = Posix.socket(Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_CLOEXEC, Linux.IPPROTO_MPTCP);
        } catch (ErrnoException e) {
            int errno = e.errno();
            if (errno == Errno.EPROTONOSUPPORT || errno == Errno.EINVAL || errno == Errno.ENOPROTOOPT) {
                throw new MptcpUnavailableException("this kernel has no Multipath TCP: socket(AF_INET, SOCK_STREAM, "
                        + "IPPROTO_MPTCP) failed with " + e.errnoName()
                        + "; enable CONFIG_MPTCP and sysctl net.mptcp.enabled=1", e);
            }
            throw new MptcpUnavailableException("could not probe for Multipath TCP: socket(AF_INET, SOCK_STREAM, "
                    + "IPPROTO_MPTCP) failed with " + e.errnoName(), e);
        }
        Posix.closeQuietly(fd);
    }

    /**
     * Creates a listening socket bound to {@code bind}: IPv4 or IPv6 by the address
     * ({@code IPV6_V6ONLY} is set on IPv6 sockets, so {@code [::]:p} and {@code 0.0.0.0:p} can
     * both be bound), {@code SO_REUSEADDR} always, and the options in {@code opts}.
     *
     * @return the listener, active, not yet registered with an event loop
     * @throws BindException if the address is in use or not local
     * @throws IOException   if the socket cannot be created or an option is refused
     */
    public EpollServerSocketChannel openServer(InetSocketAddress bind, ServerSocketOptions opts) throws IOException {
        requireResolved(bind, "bind");
        Objects.requireNonNull(opts, "opts");
        int family = SockAddrs.family(bind.getAddress());
        int fd = Posix.socket(family, Linux.SOCK_STREAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC,
                protocolNumber(opts.protocol()));
        try {
            if (family == Linux.AF_INET6) {
                Posix.setInt(fd, Linux.SOL_IPV6, Linux.IPV6_V6ONLY, 1, "IPV6_V6ONLY");
            }
            Posix.setInt(fd, Linux.SOL_SOCKET, Linux.SO_REUSEADDR, 1, "SO_REUSEADDR");
            if (opts.reusePort()) {
                Posix.setInt(fd, Linux.SOL_SOCKET, Linux.SO_REUSEPORT, 1, "SO_REUSEPORT");
            }
            if (opts.transparent()) {
                setTransparent(fd, family);
            }
            if (opts.fastOpenQueue() > 0) {
                Posix.setInt(fd, Linux.SOL_TCP, Linux.TCP_FASTOPEN, opts.fastOpenQueue(), "TCP_FASTOPEN");
                if (opts.fastOpenNoCookie()) {
                    Posix.setInt(fd, Linux.SOL_TCP, Linux.TCP_FASTOPEN_NO_COOKIE, 1, "TCP_FASTOPEN_NO_COOKIE");
                }
            }
            if (opts.congestionControl() != null) {
                TcpCongestion.set(fd, opts.congestionControl());
            }
            bind(fd, bind);
            Posix.listen(fd, opts.backlog());
            return new EpollServerSocketChannel(fd);
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(fd);
            throw e;
        }
    }

    /**
     * Connects to {@code remote} with a socket created as {@code opts} says, through {@code
     * bootstrap} (not modified: a clone is used). The caller configures the bootstrap's group
     * (an epoll event loop group or one epoll event loop), handler, options and attributes; the
     * channel factory is supplied here. Do not set {@link Bootstrap#localAddress}: bind with
     * {@link ClientSocketOptions#source()}.
     *
     * @param remote a resolved {@link InetSocketAddress}; its family decides IPv4 or IPv6
     * @return the connect future of an {@link EpollSocketChannel}; the channel becomes active
     *         and fires {@code channelActive} only when the connection is established; failures
     *         are described in the class documentation
     */
    public ChannelFuture connect(Bootstrap bootstrap, SocketAddress remote, ClientSocketOptions opts) {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(opts, "opts");
        if (!(remote instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("remote: " + remote + " (expected: an InetSocketAddress)");
        }
        InetSocketAddress target = (InetSocketAddress) remote;
        requireResolved(target, "remote");
        if (bootstrap.config().localAddress() != null) {
            throw new IllegalArgumentException("bootstrap.localAddress: " + bootstrap.config().localAddress()
                    + " (expected: null; use ClientSocketOptions.source)");
        }
        int family = SockAddrs.family(target.getAddress());
        if (opts.source() != null && SockAddrs.family(opts.source().getAddress()) != family) {
            throw new IllegalArgumentException("source: " + opts.source() + " (expected: same family as " + target + ")");
        }
        EpollSocketChannel channel = InactiveEpollChannels.AVAILABLE
                ? InactiveEpollChannels.wrap(newSocket(family, opts.protocol()))
                : new EpollSocketChannel(family == Linux.AF_INET6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
        try {
            if (InactiveEpollChannels.AVAILABLE) {
                configure(channel.fd().intValue(), opts);
            } else {
                replaceSocket(channel, family, opts);
            }
        } catch (IOException | RuntimeException e) {
            channel.unsafe().closeForcibly();
            return new DefaultChannelPromise(channel, GlobalEventExecutor.INSTANCE).setFailure(e);
        }
        return bootstrap.clone()
                .channelFactory((ChannelFactory<EpollSocketChannel>) () -> channel)
                .connect(target);
    }

    /**
     * Replaces the socket of {@code channel}, made by Netty, with a new one as {@code opts}
     * says (when {@link InactiveEpollChannels} is not available).
     */
    private static void replaceSocket(EpollSocketChannel channel, int family, ClientSocketOptions opts)
            throws IOException {
        boolean noDelay = channel.config().isTcpNoDelay();
        int fd = newSocket(family, opts.protocol());
        try {
            configure(fd, opts);
            Posix.dup3(fd, channel.fd().intValue(), Linux.O_CLOEXEC);
        } finally {
            Posix.closeQuietly(fd);
        }
        // Netty's constructor set this on the socket that was just replaced.
        channel.config().setTcpNoDelay(noDelay);
    }

    /** A new non-blocking, close-on-exec stream socket. */
    private static int newSocket(int family, Protocol protocol) {
        try {
            return Posix.socket(family, Linux.SOCK_STREAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC,
                    protocolNumber(protocol));
        } catch (ErrnoException e) {
            throw new ChannelException(e.getMessage(), e);
        }
    }

    /** Applies the pre-connect options of {@code opts} to {@code fd}. */
    private static void configure(int fd, ClientSocketOptions opts) throws IOException {
        if (opts.device() != null) {
            Posix.bindToDevice(fd, opts.device());
        }
        if (opts.fastOpenConnect()) {
            Posix.setInt(fd, Linux.SOL_TCP, Linux.TCP_FASTOPEN_CONNECT, 1, "TCP_FASTOPEN_CONNECT");
            if (opts.fastOpenNoCookie()) {
                Posix.setInt(fd, Linux.SOL_TCP, Linux.TCP_FASTOPEN_NO_COOKIE, 1, "TCP_FASTOPEN_NO_COOKIE");
            }
        }
        if (opts.congestionControl() != null) {
            TcpCongestion.set(fd, opts.congestionControl());
        }
        if (opts.source() != null) {
            if (opts.source().getPort() == 0) {
                Posix.setInt(fd, Linux.SOL_IP, Linux.IP_BIND_ADDRESS_NO_PORT, 1, "IP_BIND_ADDRESS_NO_PORT");
            }
            bind(fd, opts.source());
        }
    }

    private static void bind(int fd, InetSocketAddress address) throws IOException {
        try {
            Posix.bind(fd, address);
        } catch (ErrnoException e) {
            int errno = e.errno();
            if (errno == Errno.EADDRINUSE || errno == Errno.EADDRNOTAVAIL || errno == Errno.EACCES) {
                BindException be = new BindException(e.getMessage());
                be.initCause(e);
                throw be;
            }
            throw e;
        }
    }

    private static void setTransparent(int fd, int family) throws ErrnoException {
        if (family == Linux.AF_INET6) {
            Posix.setInt(fd, Linux.SOL_IPV6, Linux.IPV6_TRANSPARENT, 1, "IPV6_TRANSPARENT");
        } else {
            Posix.setInt(fd, Linux.SOL_IP, Linux.IP_TRANSPARENT, 1, "IP_TRANSPARENT");
        }
    }

    private static int protocolNumber(Protocol protocol) {
        return protocol == Protocol.MPTCP ? Linux.IPPROTO_MPTCP : Linux.IPPROTO_TCP;
    }

    private static void requireResolved(InetSocketAddress address, String name) {
        Objects.requireNonNull(address, name);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(name + ": " + address + " (expected: a resolved address)");
        }
    }
}
