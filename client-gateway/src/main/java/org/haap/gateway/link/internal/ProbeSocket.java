package org.haap.gateway.link.internal;

import java.net.InetSocketAddress;

/**
 * One WAN's probe socket as the link monitor uses it: {@link WanProber} on the real network,
 * a fake in tests. Every method is called on the monitor's event loop; replies go to the
 * callback the socket was opened with.
 */
public interface ProbeSocket {

    /** Sends probe {@code sequence} stamped {@code timestampNanos}; a failure leaves it to time out. */
    void send(long sequence, long timestampNanos);

    /** The socket's local address, or null while there is none. */
    InetSocketAddress localAddress();

    /** The device the socket is bound to, "" if none, null while there is no socket. */
    String boundDevice();

    /** Closes the socket. */
    void close();
}
