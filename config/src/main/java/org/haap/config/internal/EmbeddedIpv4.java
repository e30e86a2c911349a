package org.haap.config.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import org.haap.config.CidrRange;

/**
 * The IPv4 addresses an IPv6 address carries, for every form that carries one in a place
 * the form defines:
 * <ul>
 *   <li>NAT64, RFC 6052 section 2.2: under an operator's prefix of length 32, 40, 48, 56,
 *       64 or 96 (the IPv4 address skips bits 64..71, the "u" octet, which must be zero);
 *       under the well-known prefix {@code 64:ff9b::/96}; and under the local-use block
 *       {@code 64:ff9b:1::/48} (RFC 8215) when no configured prefix holds the address, every
 *       placement a prefix inside it could use (/48, /56, /64 and /96);</li>
 *   <li>6to4 {@code 2002:AABB:CCDD::/48} (RFC 3056): bits 16..47;</li>
 *   <li>Teredo {@code 2001:0::/32} (RFC 4380 section 4): the server in bits 32..63 and the
 *       client, each bit inverted, in bits 96..127;</li>
 *   <li>IPv4-compatible {@code ::a.b.c.d} (RFC 4291 section 2.5.5.1, deprecated) and
 *       IPv4-translated {@code ::ffff:0:a.b.c.d} (RFC 2765 section 2.1): bits 96..127.</li>
 * </ul>
 * IPv4-mapped addresses ({@code ::ffff:a.b.c.d}) are not listed: callers judge them as the
 * IPv4 address itself ({@link InetLiterals#unmap}).
 */
public final class EmbeddedIpv4 {

    /** The prefix lengths RFC 6052 allows. */
    public static final List<Integer> NAT64_PREFIX_LENGTHS = List.of(32, 40, 48, 56, 64, 96);

    private static final byte[] WELL_KNOWN = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final byte[] LOCAL_USE = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 1};
    /** u octet index: bits 64..71. */
    private static final int U = 8;

    /**
     * One embedded address.
     *
     * @param form the form, e.g. {@code "6to4 2002::/16"} or {@code "NAT64 prefix 2001:db8:64::/96"}
     * @param ipv4 the embedded address
     * @param wellFormed false for a NAT64 address under a configured prefix shorter than
     *     /96 whose u octet is not zero (RFC 6052 section 2.2): translators may read such an
     *     address differently, so it must be refused
     */
    public record Embedded(String form, Inet4Address ipv4, boolean wellFormed) {
    }

    private EmbeddedIpv4() {
    }

    /**
     * Every IPv4 address {@code address} embeds, in the order of the class comment; empty
     * for an address of no such form.
     *
     * @param nat64Prefixes the operator's NAT64 prefixes ({@code destinations.nat64-prefixes}),
     *     IPv6 with lengths from {@link #NAT64_PREFIX_LENGTHS}
     */
    public static List<Embedded> find(Inet6Address address, List<CidrRange> nat64Prefixes) {
        byte[] a = address.getAddress();
        List<Embedded> found = new ArrayList<>(2);
        boolean configured = false;
        for (CidrRange p : nat64Prefixes) {
            if (p.contains(address)) {
                configured = true;
                boolean wellFormed = p.prefixLength() == 96 || a[U] == 0;
                found.add(new Embedded("NAT64 prefix " + p, nat64(a, p.prefixLength()), wellFormed));
            }
        }
        if (startsWith(a, WELL_KNOWN, 96)) {
            found.add(new Embedded("NAT64 well-known prefix 64:ff9b::/96", nat64(a, 96), true));
        } else if (!configured && startsWith(a, LOCAL_USE, 48)) {
            for (int length : List.of(48, 56, 64, 96)) {
                found.add(new Embedded("NAT64 local-use 64:ff9b:1::/48 read as a /" + length, nat64(a, length), true));
            }
        }
        if ((a[0] & 0xff) == 0x20 && a[1] == 0x02) {
            found.add(new Embedded("6to4 2002::/16", ipv4(a[2], a[3], a[4], a[5]), true));
        }
        if ((a[0] & 0xff) == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0) {
            found.add(new Embedded("Teredo server 2001::/32", ipv4(a[4], a[5], a[6], a[7]), true));
            found.add(new Embedded("Teredo client 2001::/32",
                    ipv4((byte) ~a[12], (byte) ~a[13], (byte) ~a[14], (byte) ~a[15]), true));
        }
        if (zero(a, 0, 12)) {
            found.add(new Embedded("IPv4-compatible ::/96", ipv4(a[12], a[13], a[14], a[15]), true));
        }
        if (zero(a, 0, 8) && a[8] == (byte) 0xff && a[9] == (byte) 0xff && a[10] == 0 && a[11] == 0) {
            found.add(new Embedded("IPv4-translated ::ffff:0:0:0/96", ipv4(a[12], a[13], a[14], a[15]), true));
        }
        return found;
    }

    /** The IPv4 address at RFC 6052's place for a prefix of {@code length} bits (skipping the u octet). */
    static Inet4Address nat64(byte[] a, int length) {
        byte[] v4 = new byte[4];
        int from = length / 8;
        for (int i = 0; i < 4; i++, from++) {
            if (from == U) {
                from++;
            }
            v4[i] = a[from];
        }
        return (Inet4Address) InetLiterals.toAddress(v4);
    }

    private static Inet4Address ipv4(byte b0, byte b1, byte b2, byte b3) {
        return (Inet4Address) InetLiterals.toAddress(new byte[] {b0, b1, b2, b3});
    }

    private static boolean zero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the first {@code bits} bits of {@code a} equal those of {@code prefix} (a multiple of 8). */
    private static boolean startsWith(byte[] a, byte[] prefix, int bits) {
        for (int i = 0; i < bits / 8; i++) {
            if (a[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
