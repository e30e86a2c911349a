package org.haap.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Set;
import org.haap.config.internal.InetLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationPolicyTest {
    private static final Set<InetAddress> OWN = Set.of(ip("192.0.2.10"), ip("2001:db8:100::10"));

    private static InetAddress ip(String text) {
        return InetLiterals.parseAddress(text);
    }

    private static DestinationPolicy policy(String hocon) {
        return HaapConfigLoader.aggregationPoint(ConfigFactory.parseString(hocon)).destinations();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.5.5", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1",
        "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"})
    void defaultsDenyNonPublicDestinations(String destination) {
        assertFalse(policy("").decide(ip(destination), Set.of()), destination);
    }

    @Test
    void mappedLoopbackIsDeniedEvenWhenItStaysIpv6() throws Exception {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        b[12] = 127;
        b[15] = 1;
        assertFalse(policy("").decide(Inet6Address.getByAddress(null, b, -1), Set.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.9", "8.8.8.8", "2001:db8:5::1", "::ffff:203.0.113.9"})
    void defaultsAllowPublicDestinations(String destination) {
        assertTrue(policy("").decide(ip(destination), OWN), destination);
    }

    @Test
    void ownAddressesAreDeniedUnlessSwitchedOff() {
        assertFalse(policy("").decide(ip("192.0.2.10"), OWN));
        assertFalse(policy("").decide(ip("::ffff:192.0.2.10"), OWN));
        assertFalse(policy("").decide(ip("2001:db8:100::10"), OWN));
        assertTrue(policy("").decide(ip("192.0.2.11"), OWN));
        assertTrue(policy("haap.aggregation-point.destinations.deny-own-addresses = false")
                .decide(ip("192.0.2.10"), OWN));
    }

    @Test
    void allowListOverridesDenyAndOwnAddresses() {
        DestinationPolicy lab = policy(
                "haap.aggregation-point.destinations.allow = [\"10.9.0.0/16\", \"192.0.2.10\", \"fd00:1::/64\"]");
        assertTrue(lab.decide(ip("10.9.1.1"), OWN));
        assertTrue(lab.decide(ip("::ffff:10.9.1.1"), OWN));
        assertTrue(lab.decide(ip("192.0.2.10"), OWN));
        assertTrue(lab.decide(ip("fd00:1::5"), OWN));
        assertFalse(lab.decide(ip("10.8.1.1"), OWN), "the rest of 10/8 stays denied");
        assertFalse(lab.decide(ip("fd00:2::5"), OWN));
    }

    @Test
    void anEmptyDenyListAllowsEverythingButOwnAddresses() {
        DestinationPolicy open = policy("haap.aggregation-point.destinations.deny = []");
        assertTrue(open.decide(ip("127.0.0.1"), OWN));
        assertFalse(open.decide(ip("192.0.2.10"), OWN));
    }
}
