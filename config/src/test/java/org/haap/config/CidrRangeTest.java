package org.haap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.haap.config.internal.InetLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrRangeTest {

    private static InetAddress ip(String text) {
        return InetLiterals.parseAddress(text);
    }

    /** An Inet6Address that keeps IPv4-mapped bytes (the JDK's parser would unmap them). */
    private static InetAddress mapped(String v4) throws Exception {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName(v4).getAddress(), 0, b, 12, 4);
        return Inet6Address.getByAddress(null, b, -1);
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8,        10.0.0.0/8",
        "10.1.2.3/8,        10.0.0.0/8",
        "172.31.255.255/12, 172.16.0.0/12",
        "192.0.2.7,         192.0.2.7/32",
        "0.0.0.0/0,         0.0.0.0/0",
        "::/0,              ::/0",
        "::1,               ::1/128",
        "FE80::1/10,        fe80::/10",
        "fc00::/7,          fc00::/7",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1/128",
        "::ffff:10.1.0.0/104, 10.0.0.0/8",
        "::ffff:0:0/96,     0.0.0.0/0",
        "::ffff:0:0/95,     ::fffe:0:0/95",
    })
    void parsesAndNormalises(String text, String canonical) {
        CidrRange range = CidrRange.parse(text);
        assertEquals(canonical, range.toString());
        assertEquals(range, CidrRange.parse(canonical));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/33  | 10.0.0.0/33 (expected: a prefix length in 0..32)",
        "10.0.0.0/-1  | 10.0.0.0/-1 (expected: a prefix length in 0..32)",
        "::/129       | ::/129 (expected: a prefix length in 0..128)",
        "10.0.0/8     | 10.0.0/8 (expected: a CIDR range such as 10.0.0.0/8 or fc00::/7 with a literal IP address, not a host name)",
        "host.lan/24  | host.lan/24 (expected: a CIDR range such as 10.0.0.0/8 or fc00::/7 with a literal IP address, not a host name)",
        "fe80::1%eth0 | fe80::1%eth0 (expected: a CIDR range such as 10.0.0.0/8 or fc00::/7 with a literal IP address, not a host name)",
    })
    void rejectsBadRanges(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> CidrRange.parse(text)).getMessage());
    }

    @Test
    void containsIpv4() {
        CidrRange range = CidrRange.parse("172.16.0.0/12");
        assertTrue(range.contains(ip("172.16.0.0")));
        assertTrue(range.contains(ip("172.31.255.255")));
        assertFalse(range.contains(ip("172.32.0.0")));
        assertFalse(range.contains(ip("172.15.255.255")));
        assertTrue(CidrRange.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
        assertFalse(CidrRange.parse("0.0.0.0/0").contains(ip("2001:db8::1")), "families never mix");
    }

    @Test
    void containsIpv6() {
        CidrRange range = CidrRange.parse("fe80::/10");
        assertTrue(range.contains(ip("fe80::1")));
        assertTrue(range.contains(ip("febf:ffff::1")));
        assertFalse(range.contains(ip("fec0::1")));
        assertTrue(CidrRange.parse("::/0").contains(ip("2001:db8::1")));
        assertFalse(CidrRange.parse("::/0").contains(ip("192.0.2.1")), "families never mix");
    }

    @Test
    void mappedIpv4IsMatchedAsIpv4() throws Exception {
        assertTrue(CidrRange.parse("127.0.0.0/8").contains(mapped("127.0.0.1")));
        assertFalse(CidrRange.parse("::/0").contains(mapped("127.0.0.1")));
        assertTrue(CidrRange.parse("::ffff:127.0.0.0/104").contains(ip("127.0.0.1")));
        assertEquals(CidrRange.parse("127.0.0.0/8"), new CidrRange(mapped("127.9.9.9"), 104));
    }

    @Test
    void setContainsWhenAnyRangeDoes() throws Exception {
        CidrSet set = CidrSet.of("10.0.0.0/8", "fc00::/7");
        assertTrue(set.contains(ip("10.255.0.1")));
        assertTrue(set.contains(ip("fd12::1")));
        assertTrue(set.contains(mapped("10.0.0.1")));
        assertFalse(set.contains(ip("11.0.0.1")));
        assertFalse(CidrSet.EMPTY.contains(ip("10.0.0.1")));
    }

    @Test
    void formatsIpv6AsRfc5952() {
        assertEquals("2001:db8::1", InetLiterals.format(ip("2001:0db8:0000:0000:0000:0000:0000:0001")));
        assertEquals("2001:0:0:1::1", InetLiterals.format(ip("2001:0:0:1:0:0:0:1")), "longest zero run wins");
        assertEquals("2001:db8:0:1:1:1:1:1", InetLiterals.format(ip("2001:db8:0:1:1:1:1:1")), "one zero group stays");
        assertEquals("::", InetLiterals.format(ip("::")));
    }
}
