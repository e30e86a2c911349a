package org.haap.ap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ClientKeyTest {

    private static ClientKey key(String address, int prefix) throws UnknownHostException {
        return ClientKey.of(InetAddress.getByName(address), prefix);
    }

    @Test
    void ipv4ClientsAreTheirAddress() throws UnknownHostException {
        assertEquals(key("192.0.2.1", 64), key("192.0.2.1", 64));
        assertNotEquals(key("192.0.2.1", 64), key("192.0.2.2", 64));
        assertEquals("192.0.2.1", key("192.0.2.1", 64).toString());
    }

    @Test
    void ipv4MappedIsTheIpv4Client() throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 192;
        mapped[14] = 2;
        mapped[15] = 1;
        assertEquals(key("192.0.2.1", 64), ClientKey.of(InetAddress.getByAddress(mapped), 64));
    }

    @Test
    void ipv6ClientsAreTheirPrefix() throws UnknownHostException {
        assertEquals(key("2001:db8:1:2::1", 64), key("2001:db8:1:2:ffff:ffff:ffff:ffff", 64));
        assertNotEquals(key("2001:db8:1:2::1", 64), key("2001:db8:1:3::1", 64));
        assertEquals(key("2001:db8:1:2::1", 48), key("2001:db8:1:ff::1", 48));
        assertNotEquals(key("2001:db8:1:2::1", 48), key("2001:db8:2:2::1", 48));
        assertEquals(key("2001:db8::1:0", 112), key("2001:db8::1:ffff", 112));
        assertNotEquals(key("2001:db8::1:0", 112), key("2001:db8::2:0", 112));
        assertNotEquals(key("2001:db8::1", 128), key("2001:db8::2", 128));
        assertEquals(key("2001:db8::1", 1), key("::1", 1));
        assertNotEquals(key("::c000:201", 64), key("192.0.2.1", 64), "IPv4-compatible is an IPv6 client");
    }

    @Test
    void thousandAddressesOfOneSlash64AreOneClient() throws UnknownHostException {
        ClientKey first = key("2001:db8:7:7::", 64);
        for (int i = 1; i <= 1000; i++) {
            assertEquals(first, key("2001:db8:7:7:" + Integer.toHexString((i * 7919) & 0xffff) + "::" + Integer.toHexString(i), 64));
        }
    }

    @Test
    void prefixLengthIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> key("::1", 0));
        assertThrows(IllegalArgumentException.class, () -> key("::1", 129));
    }
}
