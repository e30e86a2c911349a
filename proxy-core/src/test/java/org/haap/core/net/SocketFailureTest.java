package org.haap.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Errors;

import org.haap.core.sys.internal.Errno;
import org.haap.core.sys.internal.ErrnoException;
import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.Test;

/**
 * The classifier on the exceptions Netty's epoll transport and the JDK really raise: native
 * ones built by Netty's own factories ({@link Errors}, which needs the native library, as
 * everywhere such errors occur), a refused connect on loopback, and the JDK's types.
 */
class SocketFailureTest {

    /** What Netty's connect path throws for {@code negativeErrno} (its own translation). */
    private static IOException nettyConnectError(int negativeErrno) {
        return assertThrows(IOException.class, () -> Errors.handleConnectErrno("finishConnect", negativeErrno));
    }

    @Test
    void hardCodedErrnosAreTheNativeOnes() {
        Prerequisites.requireEpoll();
        assertEquals(-Errors.ERRNO_ECONNRESET_NEGATIVE, Errno.ECONNRESET);
        assertEquals(-Errors.ERRNO_EPIPE_NEGATIVE, SocketFailure.EPIPE);
        assertEquals(-Errors.ERROR_ECONNREFUSED_NEGATIVE, Errno.ECONNREFUSED);
        assertEquals(-Errors.ERROR_ENETUNREACH_NEGATIVE, Errno.ENETUNREACH);
        assertEquals(-Errors.ERROR_EHOSTUNREACH_NEGATIVE, Errno.EHOSTUNREACH);
        assertEquals(-Errors.ERRNO_EBADF_NEGATIVE, Errno.EBADF);
    }

    @Test
    void nativeIoExceptionsByErrno() {
        Prerequisites.requireEpoll();
        assertEquals(SocketFailure.RESET, SocketFailure.classify(
                Errors.newConnectionResetException("syscall:read", Errors.ERRNO_ECONNRESET_NEGATIVE)));
        assertEquals(SocketFailure.RESET, SocketFailure.classify(Errors.newIOException("splice", -104)));
        assertEquals(SocketFailure.RESET, SocketFailure.classify(Errors.newIOException("read", -103)));
        assertEquals(SocketFailure.BROKEN_PIPE, SocketFailure.classify(Errors.newIOException("writev", -32)));
        assertEquals(SocketFailure.TIMEOUT, SocketFailure.classify(Errors.newIOException("read", -110)));
        assertEquals(SocketFailure.HOST_UNREACHABLE, SocketFailure.classify(Errors.newIOException("read", -113)));
        assertEquals(SocketFailure.NETWORK_UNREACHABLE, SocketFailure.classify(Errors.newIOException("read", -101)));
        assertEquals(SocketFailure.REFUSED, SocketFailure.classify(Errors.newIOException("sendto", -111)));
        assertEquals(SocketFailure.PROHIBITED, SocketFailure.classify(Errors.newIOException("sendto", -1)));
        assertEquals(SocketFailure.OTHER, SocketFailure.classify(Errors.newIOException("read", -5))); // EIO
        assertEquals(OptionalInt.of(104), SocketFailure.errno(Errors.newIOException("splice", -104)));
    }

    @Test
    void outOfFileDescriptorsWhereverItIsRaised() {
        Prerequisites.requireEpoll();
        // accept(2) on a listener: Netty's epoll accept loop raises the bare native error
        assertEquals(SocketFailure.FD_LIMIT, SocketFailure.classify(Errors.newIOException("accept", -24)));
        assertEquals(SocketFailure.FD_LIMIT, SocketFailure.classify(Errors.newIOException("accept", -23)));
        // socket(2) in a Netty channel's constructor, wrapped by Bootstrap's reflective factory
        Throwable created = new io.netty.channel.ChannelException("Unable to create Channel from class",
                new java.lang.reflect.InvocationTargetException(
                        new io.netty.channel.ChannelException(Errors.newIOException("newSocketStream", -24))));
        assertEquals(SocketFailure.FD_LIMIT, SocketFailure.classify(created));
        // socket(2) in HAAP's own set-up: out of fds, not a local configuration problem
        assertEquals(SocketFailure.FD_LIMIT, SocketFailure.classify(
                new ErrnoException("socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)", Errno.EMFILE, "Too many open files")));
        assertEquals(SocketFailure.LOCAL, SocketFailure.classify(
                new ErrnoException("bind", Errno.EADDRINUSE, "Address already in use")));
        assertEquals("fd_limit", SocketFailure.FD_LIMIT.label());
    }

    @Test
    void nettyConnectErrorsByTheErrnoInTheirFixedMessage() {
        Prerequisites.requireEpoll();
        assertEquals(SocketFailure.REFUSED, SocketFailure.classify(nettyConnectError(-111)));
        assertEquals(SocketFailure.TIMEOUT, SocketFailure.classify(nettyConnectError(-110)));
        assertEquals(SocketFailure.PROHIBITED, SocketFailure.classify(nettyConnectError(-13)));
        assertEquals(SocketFailure.PROHIBITED, SocketFailure.classify(nettyConnectError(-1)));
        assertEquals(SocketFailure.LOCAL, SocketFailure.classify(nettyConnectError(-99)));
        assertEquals(SocketFailure.OTHER, SocketFailure.classify(nettyConnectError(-5))); // EIO: no refusal
        assertEquals(OptionalInt.of(13), SocketFailure.errno(nettyConnectError(-13)));
    }

    /**
     * Netty has one bare exception for both: no message, no errno. Where it was raised tells
     * them apart; the real-kernel cases are in {@code SocketFailureIT}.
     */
    @Test
    void nettyNoRouteToHostByWhereItWasRaised() {
        Prerequisites.requireEpoll();
        IOException bare = nettyConnectError(Errors.ERROR_EHOSTUNREACH_NEGATIVE);
        assertTrue(bare instanceof NoRouteToHostException && bare.getMessage() == null, bare.toString());
        assertEquals(nettyConnectError(Errors.ERROR_ENETUNREACH_NEGATIVE).getClass(), bare.getClass());
        assertEquals(OptionalInt.empty(), SocketFailure.errno(bare));

        bare.setStackTrace(frames("finishConnect", "doFinishConnect"));
        assertEquals(SocketFailure.HOST_UNREACHABLE, SocketFailure.classify(bare));
        bare.setStackTrace(frames("connect", "doConnect0"));
        assertEquals(SocketFailure.NETWORK_UNREACHABLE, SocketFailure.classify(bare));
        // Netty's AnnotatedNoRouteToHostException adds the address and has no stack of its own.
        NoRouteToHostException annotated = new NoRouteToHostException("null: /198.18.99.1:80");
        annotated.setStackTrace(new StackTraceElement[0]);
        annotated.initCause(bare);
        assertEquals(SocketFailure.NETWORK_UNREACHABLE, SocketFailure.classify(annotated));
    }

    /** Netty's frames: Errors.handleConnectErrno called by Socket.{socketMethod}, called by the channel. */
    private static StackTraceElement[] frames(String socketMethod, String channelMethod) {
        return new StackTraceElement[] {
            new StackTraceElement("io.netty.channel.unix.Errors", "newConnectException0", null, -1),
            new StackTraceElement("io.netty.channel.unix.Errors", "handleConnectErrno", null, -1),
            new StackTraceElement("io.netty.channel.unix.Socket", socketMethod, null, -1),
            new StackTraceElement("io.netty.channel.epoll.AbstractEpollChannel", channelMethod, null, -1),
        };
    }

    @Test
    void refusedConnectOnLoopback() throws Exception {
        Prerequisites.requireEpoll();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nobody listens there
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            ChannelFuture f = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertTrue(f.await(10, TimeUnit.SECONDS));
            assertFalse(f.isSuccess());
            assertEquals(SocketFailure.REFUSED, SocketFailure.classify(f.cause()), f.cause().toString());
            assertEquals(OptionalInt.of(Errno.ECONNREFUSED), SocketFailure.errno(f.cause()));
            f.channel().close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void jdkExceptionTypes() {
        assertEquals(SocketFailure.REFUSED, SocketFailure.classify(new ConnectException("Connection refused")));
        assertEquals(SocketFailure.REFUSED, SocketFailure.classify(new PortUnreachableException()));
        assertEquals(SocketFailure.HOST_UNREACHABLE,
                SocketFailure.classify(new NoRouteToHostException("No route to host")));
        assertEquals(SocketFailure.TIMEOUT, SocketFailure.classify(new ConnectTimeoutException("timed out")));
        assertEquals(SocketFailure.TIMEOUT, SocketFailure.classify(new SocketTimeoutException()));
        assertEquals(SocketFailure.CLOSED, SocketFailure.classify(new ClosedChannelException()));
        assertEquals(SocketFailure.LOCAL, SocketFailure.classify(new BindException("in use")));
    }

    @Test
    void messageTextIsNotRead() {
        assertEquals(SocketFailure.OTHER, SocketFailure.classify(new IOException("Connection reset by peer")));
        assertEquals(SocketFailure.OTHER, SocketFailure.classify(new IOException("No route to host")));
        assertEquals(SocketFailure.OTHER, SocketFailure.classify(new IllegalStateException("refused")));
        assertEquals(SocketFailure.OTHER, SocketFailure.classify(null));
    }

    @Test
    void causeChains() {
        Prerequisites.requireEpoll();
        // Netty fails queued writes of a channel closed by an error with a ClosedChannelException caused by it.
        Throwable closedByReset = new ClosedChannelException().initCause(Errors.newIOException("writev", -104));
        assertEquals(SocketFailure.RESET, SocketFailure.classify(closedByReset));
        // A failed local set-up is local whatever its errno (EACCES from bind is not a prohibited destination).
        BindException bind = new BindException("bind failed");
        bind.initCause(new ErrnoException("bind(198.18.0.1:0)", Errno.EACCES, "Permission denied"));
        assertEquals(SocketFailure.LOCAL, SocketFailure.classify(bind));
        assertEquals(SocketFailure.LOCAL, SocketFailure.classify(
                new ErrnoException("setsockopt(SO_BINDTODEVICE wan0)", Errno.ENODEV, "No such device")));
        assertEquals(OptionalInt.of(Errno.ENODEV), SocketFailure.errno(
                new ErrnoException("setsockopt(SO_BINDTODEVICE wan0)", Errno.ENODEV, "No such device")));
        assertEquals(SocketFailure.REFUSED,
                SocketFailure.classify(new IOException("wrapped", new ConnectException("Connection refused"))));
    }

    @Test
    void peerResetAndLabels() {
        assertTrue(SocketFailure.RESET.peerReset());
        assertTrue(SocketFailure.BROKEN_PIPE.peerReset());
        assertFalse(SocketFailure.REFUSED.peerReset());
        assertFalse(SocketFailure.CLOSED.peerReset());
        assertEquals("host_unreachable", SocketFailure.HOST_UNREACHABLE.label());
    }
}
