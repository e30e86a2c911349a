package org.haap.config;

import java.net.InetAddress;
import java.util.Objects;
import org.haap.config.internal.BadValue;
import org.haap.config.internal.InetLiterals;

/**
 * An IPv4 or IPv6 address range: the network address and the prefix length.
 *
 * <p>Host bits are accepted and cleared: {@code 10.1.2.3/8} is {@code 10.0.0.0/8}. An
 * IPv4-mapped IPv6 range with a prefix of at least 96 ({@code ::ffff:10.0.0.0/104}) is
 * the IPv4 range it maps ({@code 10.0.0.0/8}), because addresses are matched as IPv4 once
 * unmapped; so {@code ::ffff:0:0/96} means every IPv4 address. An IPv6 range never matches
 * an IPv4 address and vice versa.
 *
 * @param network the first address of the range (host bits clear)
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record CidrRange(InetAddress network, int prefixLength) {

    public CidrRange {
        Objects.requireNonNull(network, "network");
        byte[] bytes = network.getAddress();
        if (prefixLength < 0 || prefixLength > bytes.length * 8) {
            throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 0.." + bytes.length * 8 + ')');
        }
        if (prefixLength >= 96 && InetLiterals.unmap(network) != network) {
            bytes = InetLiterals.unmap(network).getAddress();
            prefixLength -= 96;
        }
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> bit % 8);
        }
        network = InetLiterals.toAddress(bytes);
    }

    /**
     * Parses {@code "10.0.0.0/8"}, {@code "fc00::/7"}, or a bare address, which is a
     * single-address range ({@code /32} or {@code /128}).
     *
     * @throws IllegalArgumentException with the message {@code "text (expected: ...)"}
     */
    public static CidrRange parse(String text) {
        int slash = text.indexOf('/');
        byte[] bytes;
        try {
            bytes = InetLiterals.parseBytes(slash < 0 ? text : text.substring(0, slash));
        } catch (BadValue e) {
            throw new BadValue(text, "a CIDR range such as 10.0.0.0/8 or fc00::/7 with " + e.expected());
        }
        int max = bytes.length * 8;
        if (slash < 0) {
            return new CidrRange(InetLiterals.toAddress(bytes), max);
        }
        String prefix = text.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
            throw new BadValue(text, "a prefix length in 0.." + max);
        }
        return new CidrRange(InetLiterals.toAddress(bytes), Integer.parseInt(prefix));
    }

    /** Whether {@code address} (an IPv4-mapped IPv6 address counts as IPv4) is in this range. */
    public boolean contains(InetAddress address) {
        byte[] candidate = InetLiterals.unmap(address).getAddress();
        byte[] net = network.getAddress();
        if (candidate.length != net.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != net[i]) {
                return false;
            }
        }
        int restBits = prefixLength % 8;
        if (restBits == 0) {
            return true;
        }
        int mask = 0xff00 >>> restBits & 0xff;
        return (candidate[fullBytes] & mask) == (net[fullBytes] & mask);
    }

    /** {@code "10.0.0.0/8"}, {@code "fe80::/10"}: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return InetLiterals.format(network) + '/' + prefixLength;
    }
}
