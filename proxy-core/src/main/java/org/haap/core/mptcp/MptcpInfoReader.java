package org.haap.core.mptcp;

import java.io.UncheckedIOException;
import java.util.Optional;

import org.haap.core.mptcp.internal.MptcpStructs;
import org.haap.core.sys.internal.Errno;
import org.haap.core.sys.internal.ErrnoException;
import org.haap.core.sys.internal.Linux;
import org.haap.core.sys.internal.Posix;

import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;

/**
 * Reads MPTCP state of a connected epoll channel: client channels from {@link
 * MptcpSockets#connect} and child channels accepted by an MPTCP listener alike.
 *
 * <p><b>Fallback.</b> A socket created as MPTCP can end up plain TCP on the wire (the peer or a
 * middlebox dropped the MPTCP option, or the kernel retried the SYN without it). Then {@link
 * #isMptcp} is {@code false} and {@link #info} / {@link #fullInfo} are empty: on a socket
 * created as MPTCP, {@code info(ch).isEmpty()} means it fell back. A plain TCP client accepted
 * by an MPTCP listener is a plain TCP socket and reads the same way.
 *
 * <p>The calls are {@code getsockopt(2)} on the channel's fd and may be made from any thread;
 * call them on the channel's event loop to be sure the fd is not closed (and its number
 * reused) concurrently. A closed channel reads as not MPTCP / empty.
 */
public final class MptcpInfoReader {

    /**
     * Subflow slots offered to the kernel in the first {@code MPTCP_FULL_INFO} call: a
     * subflow per WAN of a home with two, and each again to a second AP address (about 500
     * bytes of arrays a slot, read every second per connection by the gateway); a connection
     * with more subflows costs a second call.
     */
    private static final int INITIAL_SUBFLOW_SLOTS = 4;

    private MptcpInfoReader() {
    }

    /** Whether the channel's socket currently is MPTCP ({@code TCP_IS_MPTCP}); {@code false} after fallback. */
    public static boolean isMptcp(Channel channel) {
        int fd = fd(channel);
        if (!channel.isOpen()) {
            return false;
        }
        try {
            return Posix.getInt(fd, Linux.SOL_TCP, Linux.TCP_IS_MPTCP, "TCP_IS_MPTCP") != 0;
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOPROTOOPT || e.errno() == Errno.EOPNOTSUPP || e.errno() == Errno.EBADF) {
                return false;
            }
            throw new UncheckedIOException(e);
        }
    }

    /** Connection counters, or empty if the socket is plain TCP (or fell back) or is closed. */
    public static Optional<MptcpInfo> info(Channel channel) {
        int fd = fd(channel);
        if (!channel.isOpen()) {
            return Optional.empty();
        }
        try {
            byte[] raw = Posix.get(fd, Linux.SOL_MPTCP, Linux.MPTCP_INFO, new byte[MptcpStructs.MPTCP_INFO_SIZE],
                    "MPTCP_INFO");
            return Optional.of(MptcpStructs.mptcpInfo(raw, 0));
        } catch (ErrnoException e) {
            return notMptcp(e);
        }
    }

    /**
     * Connection counters plus every subflow's addresses and TCP counters, or empty if the
     * socket is plain TCP (or fell back) or is closed.
     */
    public static Optional<MptcpFullInfo> fullInfo(Channel channel) {
        int fd = fd(channel);
        if (!channel.isOpen()) {
            return Optional.empty();
        }
        try {
            int slots = INITIAL_SUBFLOW_SLOTS;
            while (true) {
                MptcpStructs.FullInfoResult result = MptcpStructs.readFullInfo(fd, slots);
                if (result.totalSubflows() <= slots) {
                    return Optional.of(result.info());
                }
                slots = result.totalSubflows();
            }
        } catch (ErrnoException e) {
            return notMptcp(e);
        }
    }

    private static <T> Optional<T> notMptcp(ErrnoException e) {
        int errno = e.errno();
        if (errno == Errno.EOPNOTSUPP || errno == Errno.ENOPROTOOPT || errno == Errno.EBADF) {
            return Optional.empty();
        }
        throw new UncheckedIOException(e);
    }

    private static int fd(Channel channel) {
        if (!(channel instanceof UnixChannel)) {
            throw new IllegalArgumentException("channel: " + channel.getClass().getName()
                    + " (expected: an epoll socket channel)");
        }
        return ((UnixChannel) channel).fd().intValue();
    }
}
