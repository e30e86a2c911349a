package org.haap.core.mptcp;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.haap.core.net.TcpCongestion;

/**
 * How {@link MptcpSockets#connect} creates a client socket. Everything here is applied
 * before {@code connect(2)}, which is the only time the kernel accepts it.
 *
 * @param protocol        MPTCP or plain TCP
 * @param source          local address (and port, 0 = any) to bind before connecting, or
 *                        {@code null} to let routing choose; with port 0 the socket also gets
 *                        {@code IP_BIND_ADDRESS_NO_PORT} so the port is picked at connect time
 * @param device          interface name for {@code SO_BINDTODEVICE}, or {@code null}
 * @param fastOpenConnect {@code TCP_FASTOPEN_CONNECT}: with a cached cookie the SYN is
 *                        deferred and carries the first write; then the connect future
 *                        completes (and channelActive fires) before the handshake, as for any
 *                        TFO-connect socket
 * @param fastOpenNoCookie {@code TCP_FASTOPEN_NO_COOKIE}: with {@code fastOpenConnect}, the first
 *                        write goes in the SYN even without a cookie (as an RFC 8803 client
 *                        whose converter needs none may do)
 */
public record ClientSocketOptions(Protocol protocol, InetSocketAddress source, String device,
                                  boolean fastOpenConnect, String congestionControl, boolean fastOpenNoCookie) {

    private static final int MAX_DEVICE_NAME = 15;

    public ClientSocketOptions {
        Objects.requireNonNull(protocol, "protocol");
        if (source != null && source.isUnresolved()) {
            throw new IllegalArgumentException("source: " + source + " (expected: a resolved address)");
        }
        if (device != null && (device.isEmpty() || device.length() > MAX_DEVICE_NAME || device.contains("/"))) {
            throw new IllegalArgumentException("device: " + device + " (expected: an interface name of 1-15 characters)");
        }
        TcpCongestion.requireName(congestionControl);
    }

    /** MPTCP, no source binding, no device, no TCP Fast Open. */
    public static ClientSocketOptions mptcp() {
        return new ClientSocketOptions(Protocol.MPTCP, null, null, false, null, false);
    }

    /** Plain TCP, no source binding, no device, no TCP Fast Open. */
    public static ClientSocketOptions tcp() {
        return new ClientSocketOptions(Protocol.TCP, null, null, false, null, false);
    }

    public ClientSocketOptions withSource(InetSocketAddress source) {
        return new ClientSocketOptions(protocol, source, device, fastOpenConnect, congestionControl, fastOpenNoCookie);
    }

    public ClientSocketOptions withDevice(String device) {
        return new ClientSocketOptions(protocol, source, device, fastOpenConnect, congestionControl, fastOpenNoCookie);
    }

    public ClientSocketOptions withFastOpenConnect(boolean fastOpenConnect) {
        return new ClientSocketOptions(protocol, source, device, fastOpenConnect, congestionControl, fastOpenNoCookie);
    }

    public ClientSocketOptions withFastOpenNoCookie(boolean fastOpenNoCookie) {
        return new ClientSocketOptions(protocol, source, device, fastOpenConnect, congestionControl, fastOpenNoCookie);
    }

    /** {@code TCP_CONGESTION} set before connect ({@code null}: the host's default). */
    public ClientSocketOptions withCongestionControl(String congestionControl) {
        return new ClientSocketOptions(protocol, source, device, fastOpenConnect, congestionControl, fastOpenNoCookie);
    }
}
