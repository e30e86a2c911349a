package org.haap.ap.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Who a client is for the AP's limits: its IPv4 address, or the IPv6 prefix of a configured
 * length its address is in (a home gets a /64 or shorter, so 2^64 addresses of one /64 are
 * one client). An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is its IPv4 address.
 * Immutable; equal keys name the same client.
 *
 * @param high the first 64 bits of the IPv6 prefix, or 0 for IPv4
 * @param low  the last 64 bits of the IPv6 prefix, or the IPv4 address
 * @param ipv6 whether the key is an IPv6 prefix
 */
public record ClientKey(long high, long low, boolean ipv6) {

    /**
     * The key of {@code address}.
     *
     * @param ipv6PrefixLength the IPv6 prefix length, 1..128, whose addresses are one client
     */
    public static ClientKey of(InetAddress address, int ipv6PrefixLength) {
        if (ipv6PrefixLength < 1 || ipv6PrefixLength > 128) {
            throw new IllegalArgumentException("ipv6PrefixLength: " + ipv6PrefixLength + " (expected: 1..128)");
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return new ClientKey(0, Integer.toUnsignedLong(word(b, 0)), false);
        }
        if (address instanceof Inet6Address && isV4Mapped(b)) {
            return new ClientKey(0, Integer.toUnsignedLong(word(b, 12)), false);
        }
        long high = ((long) word(b, 0) << 32) | Integer.toUnsignedLong(word(b, 4));
        long low = ((long) word(b, 8) << 32) | Integer.toUnsignedLong(word(b, 12));
        return new ClientKey(high & mask(ipv6PrefixLength), low & mask(ipv6PrefixLength - 64), true);
    }

    /** The leading {@code bits} ones of a 64-bit word (none below 1, all above 63). */
    private static long mask(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
    }

    private static int word(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        if (!ipv6) {
            return (low >>> 24) + "." + (low >>> 16 & 0xff) + "." + (low >>> 8 & 0xff) + "." + (low & 0xff);
        }
        return String.format("%04x:%04x:%04x:%04x:%04x:%04x:%04x:%04x", high >>> 48, high >>> 32 & 0xffff,
                high >>> 16 & 0xffff, high & 0xffff, low >>> 48, low >>> 32 & 0xffff, low >>> 16 & 0xffff,
                low & 0xffff) + " (prefix)";
    }
}
