package org.haap.core.mptcp.internal;

import io.netty.channel.epoll.EpollSocketChannel;
import java.lang.reflect.Constructor;
import org.haap.core.sys.internal.Posix;

/**
 * Wraps a socket that is not connected yet in an inactive {@link EpollSocketChannel}, through
 * Netty's package-private {@code EpollSocketChannel(LinuxSocket, boolean active)} and {@code
 * LinuxSocket(int)} constructors (Netty's public {@code EpollSocketChannel(int fd)} treats any
 * fd whose {@code SO_ERROR} is 0 as connected). Reflection: when either constructor is not
 * reachable (another Netty version, a module system that forbids the access) {@link #AVAILABLE}
 * is {@code false} and {@link org.haap.core.mptcp.MptcpSockets} falls back to replacing the
 * socket of a channel Netty made ({@code dup3}), which costs a {@code socket}, a {@code dup3},
 * a {@code close} and three option calls more per connection.
 */
public final class InactiveEpollChannels {

    /** Whether {@link #wrap} can be used. */
    public static final boolean AVAILABLE;
    private static final Constructor<?> LINUX_SOCKET;
    private static final Constructor<EpollSocketChannel> CHANNEL;

    static {
        Constructor<?> socket = null;
        Constructor<EpollSocketChannel> channel = null;
        boolean ok;
        try {
            Class<?> linuxSocket = Class.forName("io.netty.channel.epoll.LinuxSocket", false,
                    EpollSocketChannel.class.getClassLoader());
            socket = linuxSocket.getDeclaredConstructor(int.class);
            channel = EpollSocketChannel.class.getDeclaredConstructor(linuxSocket, boolean.class);
            socket.setAccessible(true);
            channel.setAccessible(true);
            ok = true;
        } catch (Throwable t) {
            ok = false;
        }
        AVAILABLE = ok;
        LINUX_SOCKET = socket;
        CHANNEL = channel;
    }

    private InactiveEpollChannels() {
    }

    /**
     * An inactive channel owning {@code fd} (an unconnected, non-blocking stream socket): it
     * fires {@code channelActive} only after a connect through it completes.
     *
     * @throws IllegalStateException if {@link #AVAILABLE} is {@code false} or Netty refuses;
     *         {@code fd} is closed then
     */
    public static EpollSocketChannel wrap(int fd) {
        try {
            if (!AVAILABLE) {
                throw new IllegalStateException("Netty's inactive EpollSocketChannel constructor is not reachable");
            }
            return CHANNEL.newInstance(LINUX_SOCKET.newInstance(fd), false);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Posix.closeQuietly(fd);
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("cannot wrap fd " + fd + " in an EpollSocketChannel", e);
        }
    }
}
