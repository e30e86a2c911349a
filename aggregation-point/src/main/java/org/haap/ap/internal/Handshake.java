package org.haap.ap.internal;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;

/**
 * Whether a client connection's handshake is still incomplete. A TCP Fast Open connection
 * is accepted, with the data of its SYN, while the client's third ACK is still to come
 * ({@code TCP_INFO} state SYN-RECV; an MPTCP socket answers for its first subflow). Its SYN/ACK
 * may yet be lost, and an MPTCP server sends no data before that ACK (RFC 8684 v1: it needs the
 * client's key), so nothing is lost by waiting for it.
 */
public final class Handshake {

    /** {@code TCP_SYN_RECV} of the kernel's TCP states. */
    private static final int TCP_SYN_RECV = 3;

    private Handshake() {
    }

    /** Whether {@code channel}'s third ACK is still to come; {@code false} when that cannot be told. */
    public static boolean pending(Channel channel) {
        if (!(channel instanceof EpollSocketChannel epoll) || !channel.isActive()) {
            return false;
        }
        try {
            return epoll.tcpInfo().state() == TCP_SYN_RECV;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
