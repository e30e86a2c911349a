package org.haap.core.sys.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Encodes and decodes {@code struct sockaddr_in} / {@code sockaddr_in6} (in {@code
 * sockaddr_storage}) as byte arrays: family in host order, port in network order.
 */
public final class SockAddrs {

    private static final int SOCKADDR_IN_LEN = 16;
    private static final int SOCKADDR_IN6_LEN = 28;

    /** The address family ({@link Linux#AF_INET} or {@link Linux#AF_INET6}) of {@code address}. */
    public static int family(InetAddress address) {
        return address instanceof Inet6Address ? Linux.AF_INET6 : Linux.AF_INET;
    }

    /** {@code address} as a {@code sockaddr_in} or {@code sockaddr_in6}. */
    public static byte[] encode(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("address: " + address + " (expected: a resolved address)");
        }
        ByteBuffer buf;
        if (ip instanceof Inet4Address) {
            buf = ByteBuffer.allocate(SOCKADDR_IN_LEN);
            buf.order(ByteOrder.nativeOrder()).putShort((short) Linux.AF_INET);
            buf.order(ByteOrder.BIG_ENDIAN).putShort((short) address.getPort());
            buf.put(ip.getAddress());
        } else {
            buf = ByteBuffer.allocate(SOCKADDR_IN6_LEN);
            buf.order(ByteOrder.nativeOrder()).putShort((short) Linux.AF_INET6);
            buf.order(ByteOrder.BIG_ENDIAN).putShort((short) address.getPort());
            buf.putInt(0); // flowinfo
            buf.put(ip.getAddress());
            buf.order(ByteOrder.nativeOrder()).putInt(((Inet6Address) ip).getScopeId());
        }
        return buf.array();
    }

    /**
     * Decodes the socket address at {@code offset} of {@code data}; {@code null} when the
     * family is neither IPv4 nor IPv6 (e.g. {@code AF_UNSPEC} for an empty slot).
     */
    public static InetSocketAddress decode(byte[] data, int offset) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        int family = buf.order(ByteOrder.nativeOrder()).getShort(offset) & 0xffff;
        int port = buf.order(ByteOrder.BIG_ENDIAN).getShort(offset + 2) & 0xffff;
        try {
            if (family == Linux.AF_INET) {
                byte[] ip = Arrays.copyOfRange(data, offset + 4, offset + 8);
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            if (family == Linux.AF_INET6) {
                byte[] ip = Arrays.copyOfRange(data, offset + 8, offset + 24);
                int scope = buf.order(ByteOrder.nativeOrder()).getInt(offset + 24);
                return new InetSocketAddress(Inet6Address.getByAddress(null, ip, scope), port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen: raw address of the right length", e);
        }
        return null;
    }

    private SockAddrs() {
    }
}
