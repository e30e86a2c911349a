package org.haap.core.mptcp;

import java.util.Objects;
import org.haap.core.net.TcpCongestion;

/**
 * How {@link MptcpSockets#openServer} creates a listening socket.
 *
 * @param protocol      MPTCP or plain TCP; an MPTCP listener also accepts plain TCP clients
 * @param reusePort     {@code SO_REUSEPORT}: several listeners (e.g. one per event loop) may
 *                      bind the same address and port, and the kernel spreads connections
 * @param transparent   {@code IP_TRANSPARENT} / {@code IPV6_TRANSPARENT}, for TPROXY
 *                      interception listeners (needs {@code CAP_NET_ADMIN})
 * @param backlog       the {@code listen(2)} backlog, &gt; 0
 * @param fastOpenQueue {@code TCP_FASTOPEN} queue length on the listener, 0 = off
 * @param fastOpenNoCookie {@code TCP_FASTOPEN_NO_COOKIE} on the listener: data in a SYN is
 *                      taken without a TFO cookie (only with {@code fastOpenQueue} &gt; 0)
 * @param congestionControl {@code TCP_CONGESTION} of the listener, which accepted connections
 *                      (and, for MPTCP, their subflows) inherit; {@code null}: the host's default
 */
public record ServerSocketOptions(Protocol protocol, boolean reusePort, boolean transparent, int backlog,
                                  int fastOpenQueue, boolean fastOpenNoCookie, String congestionControl) {

    public ServerSocketOptions {
        Objects.requireNonNull(protocol, "protocol");
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog: " + backlog + " (expected: > 0)");
        }
        if (fastOpenQueue < 0) {
            throw new IllegalArgumentException("fastOpenQueue: " + fastOpenQueue + " (expected: >= 0)");
        }
        TcpCongestion.requireName(congestionControl);
    }

    /** MPTCP, {@code SO_REUSEPORT} on, not transparent, backlog 1024, no TCP Fast Open. */
    public static ServerSocketOptions defaults() {
        return new ServerSocketOptions(Protocol.MPTCP, true, false, 1024, 0, false, null);
    }

    public ServerSocketOptions withProtocol(Protocol protocol) {
        return new ServerSocketOptions(protocol, reusePort, transparent, backlog, fastOpenQueue, fastOpenNoCookie,
                congestionControl);
    }

    public ServerSocketOptions withReusePort(boolean reusePort) {
        return new ServerSocketOptions(protocol, reusePort, transparent, backlog, fastOpenQueue, fastOpenNoCookie,
                congestionControl);
    }

    public ServerSocketOptions withTransparent(boolean transparent) {
        return new ServerSocketOptions(protocol, reusePort, transparent, backlog, fastOpenQueue, fastOpenNoCookie,
                congestionControl);
    }

    public ServerSocketOptions withBacklog(int backlog) {
        return new ServerSocketOptions(protocol, reusePort, transparent, backlog, fastOpenQueue, fastOpenNoCookie,
                congestionControl);
    }

    public ServerSocketOptions withFastOpenQueue(int fastOpenQueue) {
        return new ServerSocketOptions(protocol, reusePort, transparent, backlog, fastOpenQueue, fastOpenNoCookie,
                congestionControl);
    }

    public ServerSocketOptions withFastOpenNoCookie(boolean fastOpenNoCookie) {
        return new ServerSocketOptions(protocol, reusePort, transparent, backlog, fastOpenQueue, fastOpenNoCookie,
                congestionControl);
    }

    public ServerSocketOptions withCongestionControl(String congestionControl) {
        return new ServerSocketOptions(protocol, reusePort, transparent, backlog, fastOpenQueue, fastOpenNoCookie,
                congestionControl);
    }
}
