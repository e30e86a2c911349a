package org.haap.core.net;

import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;

import org.haap.core.sys.internal.Errno;
import org.haap.core.sys.internal.ErrnoException;

/**
 * What went wrong on a socket, decided from the errno behind the exception and, where there
 * is none, from the exception's type; never from its message text. {@link #classify} walks
 * the cause chain (Netty wraps connect failures in {@code Annotated...Exception}s and
 * closed-channel errors around their cause).
 *
 * <p>Where the errno comes from:
 * <ul>
 *   <li>{@link Errors.NativeIoException#expectedErr()} (negative errno) for reads, writes,
 *       splice and TCP Fast Open sends on Netty's epoll transport;</li>
 *   <li>{@link ErrnoException#errno()} for HAAP's own system calls while preparing a socket
 *       (always {@link #LOCAL});</li>
 *   <li>Netty's connect errors, {@code ConnectException("connect(..) failed with
 *       error(-111): ...")}, carry the errno only in that fixed numeric form, which is read;</li>
 *   <li>{@code ENETUNREACH} and {@code EHOSTUNREACH} from a connect: Netty 4.2 throws a bare
 *       {@link NoRouteToHostException} without message or errno for both. They are told
 *       apart by where Netty raised it: from {@code connect(2)} itself, i.e. the local routing
 *       decision, where it is ENETUNREACH (no route; an {@code unreachable} route type would
 *       give EHOSTUNREACH there and is reported as network unreachable too), or from the
 *       {@code SO_ERROR} read after the SYN went out, where it is EHOSTUNREACH (the on-link
 *       neighbour did not answer ARP/ND, or an ICMP host unreachable came back; an ICMP net
 *       unreachable from a remote router is reported as host unreachable too). A
 *       NoRouteToHostException from the JDK, or one without a stack trace, means
 *       EHOSTUNREACH. {@code SocketFailureIT} pins this on the real kernel, so a Netty
 *       upgrade that moves these frames fails it.</li>
 * </ul>
 * The errno values are Linux's (asm-generic), the only platform HAAP runs on.
 */
public enum SocketFailure {
    /** {@code ECONNREFUSED}: the peer answered the SYN with a RST (or ICMP port unreachable). */
    REFUSED,
    /** {@code ECONNRESET}, {@code ECONNABORTED}: the peer reset the connection. */
    RESET,
    /** {@code EPIPE}: a write after the peer reset or closed the connection. */
    BROKEN_PIPE,
    /** {@code ENETUNREACH}, {@code ENETDOWN}: no route to the destination network. */
    NETWORK_UNREACHABLE,
    /** {@code EHOSTUNREACH}, {@code EHOSTDOWN}: the destination host cannot be reached. */
    HOST_UNREACHABLE,
    /** {@code EACCES}, {@code EPERM}: refused by local policy (a prohibit route, a firewall). */
    PROHIBITED,
    /** {@code ETIMEDOUT}, Netty's connect timeout or a socket timeout. */
    TIMEOUT,
    /** The channel was closed already ({@link ClosedChannelException}, {@code EBADF}). */
    CLOSED,
    /**
     * The socket could not be set up locally: binding the source address or device, a
     * socket option ({@code EADDRINUSE}, {@code EADDRNOTAVAIL}, {@code ENODEV}, a failed
     * HAAP system call, a {@link BindException}).
     */
    LOCAL,
    /**
     * {@code EMFILE}, {@code ENFILE}: the process (or the whole system) is out of file
     * descriptors, so {@code accept(2)} or {@code socket(2)} failed; whatever the call, also
     * from one of HAAP's own system calls.
     */
    FD_LIMIT,
    /** Anything else: an errno not listed here, or no errno and no telling type. */
    OTHER;

    /** Linux errno values this classifier maps that {@link Errno} does not name. */
    static final int EPIPE = 32;
    static final int ENONET = 64;
    static final int ENETDOWN = 100;
    static final int ECONNABORTED = 103;
    static final int EHOSTDOWN = 112;

    private static final int MAX_CAUSES = 16;
    private static final Pattern NETTY_ERRNO = Pattern.compile("failed with error\\((-\\d{1,4})\\)");
    private static final String NETTY_SOCKET = "io.netty.channel.unix.Socket";

    /** The metric label: the name in lower case, e.g. {@code host_unreachable}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether the peer ended the connection abortively ({@link #RESET} or {@link
     * #BROKEN_PIPE}): an ordinary event on the internet, counted and logged at debug level.
     */
    public boolean peerReset() {
        return this == RESET || this == BROKEN_PIPE;
    }

    /**
     * Classifies {@code cause}, or {@link #OTHER} if it is {@code null}: the outermost errno
     * in the cause chain decides (a failed local set-up, {@link ErrnoException} or {@link
     * BindException}, is {@link #LOCAL} whatever its errno but {@link #FD_LIMIT}'s); without
     * one, the outermost telling exception type.
     */
    public static SocketFailure classify(Throwable cause) {
        int depth = 0;
        for (Throwable t = cause; t != null && depth < MAX_CAUSES; t = next(t), depth++) {
            if (t instanceof ErrnoException e) {
                return ofErrno(e.errno()) == FD_LIMIT ? FD_LIMIT : LOCAL;
            }
            if (t instanceof BindException) {
                return LOCAL;
            }
            OptionalInt errno = ownErrno(t);
            if (errno.isPresent() && ofErrno(errno.getAsInt()) != OTHER) {
                return ofErrno(errno.getAsInt());
            }
        }
        depth = 0;
        for (Throwable t = cause; t != null && depth < MAX_CAUSES; t = next(t), depth++) {
            SocketFailure f = ofType(t);
            if (f != OTHER) {
                return f;
            }
        }
        return OTHER;
    }

    /**
     * The positive errno carried by {@code cause} or one of its causes (the outermost that
     * has one), if any. A bare {@link NoRouteToHostException} has none.
     */
    public static OptionalInt errno(Throwable cause) {
        int depth = 0;
        for (Throwable t = cause; t != null && depth < MAX_CAUSES; t = next(t), depth++) {
            OptionalInt errno = t instanceof ErrnoException e ? OptionalInt.of(e.errno()) : ownErrno(t);
            if (errno.isPresent()) {
                return errno;
            }
        }
        return OptionalInt.empty();
    }

    /** The errno of a Netty exception: its field, or the number in a connect error's message. */
    private static OptionalInt ownErrno(Throwable t) {
        if (t instanceof Errors.NativeIoException e) {
            return OptionalInt.of(Math.abs(e.expectedErr()));
        }
        if (t instanceof ConnectException && t.getMessage() != null) {
            Matcher m = NETTY_ERRNO.matcher(t.getMessage());
            if (m.find()) {
                return OptionalInt.of(-Integer.parseInt(m.group(1)));
            }
        }
        return OptionalInt.empty();
    }

    /** The category of a positive Linux errno; {@link #OTHER} for one not listed. */
    public static SocketFailure ofErrno(int errno) {
        return switch (errno) {
            case Errno.ECONNREFUSED -> REFUSED;
            case Errno.ECONNRESET, ECONNABORTED -> RESET;
            case EPIPE -> BROKEN_PIPE;
            case Errno.ENETUNREACH, ENETDOWN -> NETWORK_UNREACHABLE;
            case Errno.EHOSTUNREACH, EHOSTDOWN, ENONET -> HOST_UNREACHABLE;
            case Errno.EACCES, Errno.EPERM -> PROHIBITED;
            case Errno.ETIMEDOUT -> TIMEOUT;
            case Errno.EBADF -> CLOSED;
            case Errno.EADDRINUSE, Errno.EADDRNOTAVAIL, Errno.ENODEV -> LOCAL;
            case Errno.EMFILE, Errno.ENFILE -> FD_LIMIT;
            default -> OTHER;
        };
    }

    private static SocketFailure ofType(Throwable t) {
        if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
            return TIMEOUT;
        }
        if (t instanceof NoRouteToHostException) {
            return raisedByConnectCall(t) ? NETWORK_UNREACHABLE : HOST_UNREACHABLE;
        }
        if (t instanceof PortUnreachableException || t instanceof ConnectException && ownErrno(t).isEmpty()) {
            // The JDK raises ConnectException for ECONNREFUSED (and ETIMEDOUT, which its own
            // connect timeouts make rare); Netty's carry their errno, read above: one that
            // is not listed (EIO, say) is not a refusal.
            return REFUSED;
        }
        if (t instanceof ClosedChannelException) {
            return CLOSED;
        }
        return OTHER;
    }

    /**
     * Whether Netty raised {@code t} in {@code connect(2)} itself rather than in {@code
     * finishConnect}, judged from the first exception in the chain from {@code t} on that
     * has Netty's socket in its stack (Netty's annotated copy has an empty stack).
     */
    private static boolean raisedByConnectCall(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < MAX_CAUSES; c = next(c), depth++) {
            for (StackTraceElement e : c.getStackTrace()) {
                if (NETTY_SOCKET.equals(e.getClassName())) {
                    return "connect".equals(e.getMethodName());
                }
            }
        }
        return false;
    }

    private static Throwable next(Throwable t) {
        Throwable c = t.getCause();
        return c == t ? null : c;
    }
}
