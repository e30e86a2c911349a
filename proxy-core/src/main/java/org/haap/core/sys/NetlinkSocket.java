package org.haap.core.sys;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jnr.ffi.LastError;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import org.haap.core.sys.internal.NetlinkLibC;

/**
 * A raw {@code AF_NETLINK} datagram socket bound to a kernel subsystem such as
 * {@link #NETLINK_NETFILTER} or {@link #NETLINK_GENERIC}, in the network namespace of the
 * thread that opened it. Messages are built with {@link NetlinkMessage#builder(int, int)}
 * and received datagrams split with {@link NetlinkMessage#parseAll(ByteBuffer)}.
 *
 * <p>One thread may {@link #receive} while others {@link #send}: sends are serialised, and
 * receiving is meant for a single thread at a time.
 *
 * <p>Only the kernel is listened to: a datagram whose sender ({@code recvfrom}'s
 * {@code sockaddr_nl}, which the sender cannot forge, unlike {@code nlmsg_pid}) has a port id
 * other than 0 comes from another process's socket and is dropped and counted
 * ({@link #foreignDropped()}).
 */
public final class NetlinkSocket implements Closeable {

    /** {@code NETLINK_ROUTE} (rtnetlink). */
    public static final int NETLINK_ROUTE = 0;
    /** {@code NETLINK_NETFILTER} (nfnetlink: nfqueue, conntrack, nftables). */
    public static final int NETLINK_NETFILTER = 12;
    /** {@code NETLINK_GENERIC} (generic netlink, for example "mptcp_pm"). */
    public static final int NETLINK_GENERIC = 16;
    /** {@code SOL_NETLINK}. */
    public static final int SOL_NETLINK = 270;
    /** {@code NETLINK_ADD_MEMBERSHIP}. */
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    /** {@code NETLINK_NO_ENOBUFS}: do not report receive-queue overruns. */
    public static final int NETLINK_NO_ENOBUFS = 5;
    /** {@code NETLINK_CAP_ACK}: error reports carry only the request's header, not its payload. */
    public static final int NETLINK_CAP_ACK = 10;
    /** {@code NETLINK_EXT_ACK}: error reports carry the kernel's extended-ack message. */
    public static final int NETLINK_EXT_ACK = 11;

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int POLLIN = 0x1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int SOCKADDR_NL_LEN = 12;
    private static final int MAX_DATAGRAM = 256 * 1024;

    private static final class Holder {
        static final NetlinkLibC LIBC = NetlinkLibC.load();
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private final NetlinkLibC libc = Holder.LIBC;
    private final Runtime runtime = Holder.RUNTIME;
    private final int fd;
    private final int protocol;
    private final int portId;
    private final Pointer rx = Memory.allocateDirect(Holder.RUNTIME, MAX_DATAGRAM);
    private final Pointer pollFd = Memory.allocateDirect(Holder.RUNTIME, 8);
    private final Pointer srcAddr = Memory.allocateDirect(Holder.RUNTIME, SOCKADDR_NL_LEN);
    private final Pointer srcLen = Memory.allocateDirect(Holder.RUNTIME, 4);
    private final AtomicLong foreignDropped = new AtomicLong();
    private final Pointer kernelAddr;
    private final Object sendLock = new Object();
    private final AtomicInteger sequence = new AtomicInteger(1);
    private Pointer tx = Memory.allocateDirect(Holder.RUNTIME, 4096);
    private volatile boolean closed;

    private NetlinkSocket(int fd, int protocol, int portId) {
        this.fd = fd;
        this.protocol = protocol;
        this.portId = portId;
        this.kernelAddr = sockaddrNl(0);
    }

    /**
     * Opens and binds (port id chosen by the kernel) a netlink socket for {@code protocol}.
     *
     * @throws NetlinkException if the kernel refuses (for example EPROTONOSUPPORT)
     */
    public static NetlinkSocket open(int protocol) throws NetlinkException {
        NetlinkLibC libc = Holder.LIBC;
        int fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw error("socket(AF_NETLINK, " + protocol + ")");
        }
        try {
            if (libc.bind(fd, sockaddrNl(0), SOCKADDR_NL_LEN) != 0) {
                throw error("bind(AF_NETLINK)");
            }
            Pointer addr = Memory.allocateDirect(Holder.RUNTIME, SOCKADDR_NL_LEN);
            Pointer len = Memory.allocateDirect(Holder.RUNTIME, 4);
            len.putInt(0, SOCKADDR_NL_LEN);
            if (libc.getsockname(fd, addr, len) != 0) {
                throw error("getsockname(AF_NETLINK)");
            }
            return new NetlinkSocket(fd, protocol, addr.getInt(4));
        } catch (NetlinkException e) {
            libc.close(fd);
            throw e;
        }
    }

    /** The netlink protocol this socket was opened for. */
    public int protocol() {
        return protocol;
    }

    /** The port id the kernel assigned ({@code nl_pid}). */
    public int portId() {
        return portId;
    }

    /** A fresh sequence number for a request. */
    public int nextSequence() {
        return sequence.getAndIncrement();
    }

    /**
     * Sets the receive buffer size, beyond {@code rmem_max} when the caller has
     * CAP_NET_ADMIN ({@code SO_RCVBUFFORCE}), else capped by the kernel.
     */
    public void setReceiveBufferSize(int bytes) throws NetlinkException {
        if (setIntOption(SOL_SOCKET, SO_RCVBUFFORCE, bytes) != 0) {
            if (setIntOption(SOL_SOCKET, SO_RCVBUF, bytes) != 0) {
                throw error("setsockopt(SO_RCVBUF, " + bytes + ")");
            }
        }
    }

    /** Sets an integer socket option, for example {@link #NETLINK_NO_ENOBUFS} on {@link #SOL_NETLINK}. */
    public void setOption(int level, int option, int value) throws NetlinkException {
        if (setIntOption(level, option, value) != 0) {
            throw error("setsockopt(" + level + ", " + option + ")");
        }
    }

    /** Joins a multicast group (for example a generic-netlink family's event group). */
    public void joinGroup(int group) throws NetlinkException {
        setOption(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
    }

    /**
     * Sends one datagram (one or more messages) from {@code message}'s position to its
     * limit to the kernel; the position is not changed.
     */
    public void send(ByteBuffer message) throws NetlinkException {
        sendTo(message, 0);
    }

    /**
     * Sends one datagram like {@link #send} to port id {@code portId}: 0 is the kernel, any
     * other another process's socket (a unicast between sockets of one namespace, which needs
     * CAP_NET_ADMIN for most protocols; the receiver sees a sender other than the kernel).
     */
    public void sendTo(ByteBuffer message, int portId) throws NetlinkException {
        Pointer destination = portId == 0 ? kernelAddr : sockaddrNl(portId);
        int n = message.remaining();
        synchronized (sendLock) {
            ensureOpen();
            if (tx.size() < n) {
                tx = Memory.allocateDirect(runtime, Math.max(n, (int) tx.size() * 2));
            }
            byte[] bytes = new byte[n];
            message.duplicate().get(bytes);
            tx.put(0, bytes, 0, n);
            while (true) {
                long sent = libc.sendto(fd, tx, n, 0, destination, SOCKADDR_NL_LEN);
                if (sent >= 0) {
                    return;
                }
                int errno = LastError.getLastError(runtime);
                if (errno != EINTR) {
                    throw new NetlinkException("sendto(AF_NETLINK): " + libc.strerror(errno), errno);
                }
            }
        }
    }

    /**
     * Waits up to {@code timeout} (null: forever) for a datagram from the kernel and copies it
     * into {@code dst} (cleared first; position 0, limit the datagram's length). Datagrams
     * from other senders are dropped and counted meanwhile.
     *
     * @return the datagram's length, or 0 when the timeout passed first
     * @throws NetlinkException on a socket error, for example ENOBUFS after an overrun
     */
    public int receive(ByteBuffer dst, Duration timeout) throws NetlinkException {
        ensureOpen();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + Math.max(0, timeout.toNanos());
        while (true) {
            long leftMs = timeout == null ? -1
                    : Math.min(Integer.MAX_VALUE, Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000));
            if (!awaitReadable((int) leftMs)) {
                return 0;
            }
            srcLen.putInt(0, SOCKADDR_NL_LEN);
            srcAddr.putInt(4, -1);
            long n = libc.recvfrom(fd, rx, Math.min(MAX_DATAGRAM, dst.capacity()), MSG_DONTWAIT, srcAddr, srcLen);
            if (n < 0) {
                int errno = LastError.getLastError(runtime);
                if (errno != EAGAIN && errno != EINTR) {
                    throw new NetlinkException("recvfrom(AF_NETLINK): " + libc.strerror(errno), errno);
                }
            } else if (srcAddr.getInt(4) != 0) {
                foreignDropped.incrementAndGet();
            } else {
                copyTo(dst, (int) n);
                return (int) n;
            }
            if (timeout != null && deadline - System.nanoTime() <= 0) {
                return 0;
            }
        }
    }

    /**
     * Datagrams dropped so far because they did not come from the kernel (sender port id not
     * 0): another process's netlink socket in the same namespace sent them.
     */
    public long foreignDropped() {
        return foreignDropped.get();
    }

    /** poll(2) for POLLIN: false when {@code timeoutMs} passed (or a signal interrupted). */
    private boolean awaitReadable(int timeoutMs) throws NetlinkException {
        pollFd.putInt(0, fd);
        pollFd.putShort(4, (short) POLLIN);
        pollFd.putShort(6, (short) 0);
        int ready = libc.poll(pollFd, 1, timeoutMs);
        if (ready < 0) {
            int errno = LastError.getLastError(runtime);
            if (errno == EINTR) {
                return false;
            }
            throw new NetlinkException("poll(AF_NETLINK): " + libc.strerror(errno), errno);
        }
        return ready > 0;
    }

    private void copyTo(ByteBuffer dst, int n) {
        dst.clear();
        if (dst.hasArray()) {
            rx.get(0, dst.array(), dst.arrayOffset(), n);
            dst.limit(n);
        } else {
            byte[] bytes = new byte[n];
            rx.get(0, bytes, 0, n);
            dst.put(bytes).flip();
        }
    }

    /**
     * Sends a request that carries {@link NetlinkMessage#NLM_F_ACK} and sequence number
     * {@code seq}, then waits for its acknowledgement. Other messages received meanwhile
     * are dropped.
     *
     * @throws NetlinkException with the kernel's errno on a negative acknowledgement, or
     *         ETIMEDOUT (110) when none arrives in time
     */
    public void request(ByteBuffer message, int seq, Duration timeout) throws NetlinkException {
        send(message);
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new NetlinkException("no netlink acknowledgement for seq " + seq, 110);
            }
            if (receive(buf, Duration.ofNanos(left).plusMillis(1)) == 0) {
                continue;
            }
            for (NetlinkMessage m : NetlinkMessage.parseAll(buf)) {
                if (m.isError() && m.sequence() == seq) {
                    int errno = m.errno();
                    if (errno != 0) {
                        throw new NetlinkException("netlink request seq " + seq + " refused: "
                                + libc.strerror(errno), errno);
                    }
                    return;
                }
            }
        }
    }

    /** Closes the socket; idempotent. Do not close while another thread is in {@link #receive}. */
    @Override
    public void close() {
        synchronized (sendLock) {
            if (!closed) {
                closed = true;
                libc.close(fd);
            }
        }
    }

    private void ensureOpen() throws NetlinkException {
        if (closed) {
            throw new NetlinkException("netlink socket closed", 9);
        }
    }

    private int setIntOption(int level, int option, int value) {
        Pointer v = Memory.allocateDirect(runtime, 4);
        v.putInt(0, value);
        return libc.setsockopt(fd, level, option, v, 4);
    }

    private static Pointer sockaddrNl(int pid) {
        Pointer p = Memory.allocateDirect(Holder.RUNTIME, SOCKADDR_NL_LEN);
        p.putShort(0, (short) AF_NETLINK);
        p.putShort(2, (short) 0);
        p.putInt(4, pid);
        p.putInt(8, 0);
        return p;
    }

    private static NetlinkException error(String call) {
        int errno = LastError.getLastError(Holder.RUNTIME);
        return new NetlinkException(call + ": " + Holder.LIBC.strerror(errno), errno);
    }
}
