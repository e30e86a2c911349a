package org.haap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.haap.config.DestinationPolicy.Basis;
import org.haap.config.DestinationPolicy.Verdict;
import org.haap.config.internal.InetLiterals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The destination policy, table-driven: one representative address for every row of the
 * IANA IPv4 and IPv6 Special-Purpose Address Registries (and the other built-in rows),
 * the embedded-IPv4 forms each with a loopback, a private, a link-local and a global
 * embedded address, allow rules with ports, and own addresses. The expected rows are
 * written here from the registries, independently of {@link SpecialPurposeBlocks}; one
 * test checks that both name the same set of blocks.
 */
class DestinationPolicyTest {
    private static final Set<InetAddress> OWN = Set.of(ip("198.51.100.10"), ip("2a00:1:2::10"), ip("93.184.0.10"));
    private static final int PORT = 443;

    /** An address from text; IPv6 text keeps its 16 bytes (an IPv4-mapped address stays an Inet6Address). */
    private static InetAddress ip(String text) {
        return InetLiterals.toAddress(InetLiterals.parseBytes(text));
    }

    private static DestinationPolicy policy(String hocon) {
        return HaapConfigLoader.aggregationPoint(
                ConfigFactory.parseString("haap.aggregation-point.destinations {" + hocon + "}")).destinations();
    }

    private static final DestinationPolicy DEFAULT = policy("");

    private static Verdict verdict(DestinationPolicy p, String address) {
        return p.verdict(new InetSocketAddress(ip(address), PORT), OWN);
    }

    // ---------------------------------------------------------------- every registry row

    /** Block | representative address | expected basis | the reason starts with. */
    private static final String[] REGISTRY_ROWS = {
        // IANA IPv4 Special-Purpose Address Registry
        "0.0.0.0/8          | 0.1.2.3             | SPECIAL_PURPOSE | 0.0.0.0/8 \"This network\"",
        "0.0.0.0/32         | 0.0.0.0             | SPECIAL_PURPOSE | 0.0.0.0/32 \"This host on this network\"",
        "10.0.0.0/8         | 10.1.2.3            | SPECIAL_PURPOSE | 10.0.0.0/8 Private-Use (RFC 1918)",
        "100.64.0.0/10      | 100.127.255.254     | SPECIAL_PURPOSE | 100.64.0.0/10 Shared Address Space (RFC 6598)",
        "127.0.0.0/8        | 127.0.0.1           | SPECIAL_PURPOSE | 127.0.0.0/8 Loopback",
        "169.254.0.0/16     | 169.254.169.254     | SPECIAL_PURPOSE | 169.254.0.0/16 Link Local (RFC 3927)",
        "172.16.0.0/12      | 172.31.255.1        | SPECIAL_PURPOSE | 172.16.0.0/12 Private-Use",
        "192.0.0.0/24       | 192.0.0.100         | SPECIAL_PURPOSE | 192.0.0.0/24 IETF Protocol Assignments",
        "192.0.0.0/29       | 192.0.0.1           | SPECIAL_PURPOSE | 192.0.0.0/29 IPv4 Service Continuity Prefix (RFC 7335)",
        "192.0.0.8/32       | 192.0.0.8           | SPECIAL_PURPOSE | 192.0.0.8/32 IPv4 dummy address (RFC 7600)",
        "192.0.0.9/32       | 192.0.0.9           | SPECIAL_PURPOSE | 192.0.0.9/32 Port Control Protocol Anycast (RFC 7723)",
        "192.0.0.10/32      | 192.0.0.10          | SPECIAL_PURPOSE | 192.0.0.10/32 Traversal Using Relays around NAT Anycast (RFC 8155)",
        "192.0.0.170/32     | 192.0.0.170         | SPECIAL_PURPOSE | 192.0.0.170/32 NAT64/DNS64 Discovery",
        "192.0.0.171/32     | 192.0.0.171         | SPECIAL_PURPOSE | 192.0.0.171/32 NAT64/DNS64 Discovery",
        "192.0.2.0/24       | 192.0.2.1           | SPECIAL_PURPOSE | 192.0.2.0/24 Documentation (TEST-NET-1) (RFC 5737)",
        "192.31.196.0/24    | 192.31.196.1        | SPECIAL_PURPOSE | 192.31.196.0/24 AS112-v4 (RFC 7535)",
        "192.52.193.0/24    | 192.52.193.1        | SPECIAL_PURPOSE | 192.52.193.0/24 AMT (RFC 7450)",
        "192.88.99.0/24     | 192.88.99.1         | SPECIAL_PURPOSE | 192.88.99.0/24 Deprecated (6to4 Relay Anycast) (RFC 7526)",
        "192.88.99.2/32     | 192.88.99.2         | SPECIAL_PURPOSE | 192.88.99.2/32 6a44-relay anycast address (RFC 6751)",
        "192.168.0.0/16     | 192.168.1.1         | SPECIAL_PURPOSE | 192.168.0.0/16 Private-Use",
        "192.175.48.0/24    | 192.175.48.6        | SPECIAL_PURPOSE | 192.175.48.0/24 Direct Delegation AS112 Service (RFC 7534)",
        "198.18.0.0/15      | 198.19.255.1        | SPECIAL_PURPOSE | 198.18.0.0/15 Benchmarking (RFC 2544)",
        "198.51.100.0/24    | 198.51.100.7        | SPECIAL_PURPOSE | 198.51.100.0/24 Documentation (TEST-NET-2)",
        "203.0.113.0/24     | 203.0.113.9         | SPECIAL_PURPOSE | 203.0.113.0/24 Documentation (TEST-NET-3)",
        "240.0.0.0/4        | 250.1.2.3           | SPECIAL_PURPOSE | 240.0.0.0/4 Reserved",
        "255.255.255.255/32 | 255.255.255.255     | SPECIAL_PURPOSE | 255.255.255.255/32 Limited Broadcast",
        // IANA IPv4 Address Space Registry
        "224.0.0.0/4        | 239.255.255.250     | SPECIAL_PURPOSE | 224.0.0.0/4 Multicast (RFC 5771)",
        // IANA IPv6 Special-Purpose Address Registry
        "::1/128            | ::1                 | SPECIAL_PURPOSE | ::1/128 Loopback Address",
        "::/128             | ::                  | SPECIAL_PURPOSE | ::/128 Unspecified Address",
        "::ffff:0:0/96      | ::ffff:127.0.0.1    | SPECIAL_PURPOSE | 127.0.0.0/8 Loopback",
        "64:ff9b::/96       | 64:ff9b::a9fe:a9fe  | EMBEDDED_IPV4   | NAT64 well-known prefix 64:ff9b::/96 embeds 169.254.169.254: 169.254.0.0/16 Link Local",
        "64:ff9b:1::/48     | 64:ff9b:1::808:808  | SPECIAL_PURPOSE | 64:ff9b:1::/48 IPv4-IPv6 Translat. (local-use) (RFC 8215)",
        "100::/64           | 100::1              | SPECIAL_PURPOSE | 100::/64 Discard-Only Address Block (RFC 6666)",
        "100:0:0:1::/64     | 100:0:0:1::1        | SPECIAL_PURPOSE | 100:0:0:1::/64 Dummy IPv6 Prefix (RFC 9780)",
        "2001::/23          | 2001:100::1         | SPECIAL_PURPOSE | 2001::/23 IETF Protocol Assignments (RFC 2928)",
        "2001::/32          | 2001:0:4136:e378:8000:63bf:3fff:fdd2 | SPECIAL_PURPOSE | 2001::/32 TEREDO",
        "2001:1::1/128      | 2001:1::1           | SPECIAL_PURPOSE | 2001:1::1/128 Port Control Protocol Anycast",
        "2001:1::2/128      | 2001:1::2           | SPECIAL_PURPOSE | 2001:1::2/128 Traversal Using Relays around NAT Anycast",
        "2001:1::3/128      | 2001:1::3           | SPECIAL_PURPOSE | 2001:1::3/128 DNS-SD Service Registration Protocol Anycast (RFC 9665)",
        "2001:2::/48        | 2001:2::1           | SPECIAL_PURPOSE | 2001:2::/48 Benchmarking (RFC 5180",
        "2001:3::/32        | 2001:3::1           | SPECIAL_PURPOSE | 2001:3::/32 AMT (RFC 7450)",
        "2001:4:112::/48    | 2001:4:112::1       | SPECIAL_PURPOSE | 2001:4:112::/48 AS112-v6 (RFC 7535)",
        "2001:10::/28       | 2001:10::1          | SPECIAL_PURPOSE | 2001:10::/28 Deprecated (previously ORCHID) (RFC 4843)",
        "2001:20::/28       | 2001:20::1          | SPECIAL_PURPOSE | 2001:20::/28 ORCHIDv2 (RFC 7343)",
        "2001:30::/28       | 2001:30::1          | SPECIAL_PURPOSE | 2001:30::/28 Drone Remote ID Protocol Entity Tags (DETs) Prefix (RFC 9374)",
        "2001:db8::/32      | 2001:db8::1         | SPECIAL_PURPOSE | 2001:db8::/32 Documentation (RFC 3849)",
        "2002::/16          | 2002:808:808::1     | SPECIAL_PURPOSE | 2002::/16 6to4 (RFC 3056)",
        "2620:4f:8000::/48  | 2620:4f:8000::53    | SPECIAL_PURPOSE | 2620:4f:8000::/48 Direct Delegation AS112 Service (RFC 7534)",
        "3fff::/20          | 3fff:fff::1         | SPECIAL_PURPOSE | 3fff::/20 Documentation (RFC 9637)",
        "5f00::/16          | 5f00::1             | SPECIAL_PURPOSE | 5f00::/16 Segment Routing (SRv6) SIDs (RFC 9602)",
        "fc00::/7           | fd12:3456::1        | SPECIAL_PURPOSE | fc00::/7 Unique-Local (RFC 4193",
        "fe80::/10          | fe80::1             | SPECIAL_PURPOSE | fe80::/10 Link-Local Unicast",
        // IPv6 forms that embed an IPv4 address
        "::/96              | ::808:808           | SPECIAL_PURPOSE | ::/96 IPv4-compatible Address (deprecated)",
        "::ffff:0:0:0/96    | ::ffff:0:808:808    | SPECIAL_PURPOSE | ::ffff:0:0:0/96 IPv4-translated Address",
        // IANA IPv6 Address Space Registry: outside global unicast 2000::/3
        "::/8               | 0:1::1              | SPECIAL_PURPOSE | ::/8 Reserved by IETF",
        "100::/8            | 1ff::1              | SPECIAL_PURPOSE | 100::/8 Reserved by IETF",
        "200::/7            | 200::1              | SPECIAL_PURPOSE | 200::/7 Reserved by IETF",
        "400::/6            | 400::1              | SPECIAL_PURPOSE | 400::/6 Reserved by IETF",
        "800::/5            | 800::1              | SPECIAL_PURPOSE | 800::/5 Reserved by IETF",
        "1000::/4           | 1fff::1             | SPECIAL_PURPOSE | 1000::/4 Reserved by IETF",
        "4000::/3           | 4000::1             | SPECIAL_PURPOSE | 4000::/3 Reserved by IETF",
        "6000::/3           | 6000::1             | SPECIAL_PURPOSE | 6000::/3 Reserved by IETF",
        "8000::/3           | 8000::1             | SPECIAL_PURPOSE | 8000::/3 Reserved by IETF",
        "a000::/3           | a000::1             | SPECIAL_PURPOSE | a000::/3 Reserved by IETF",
        "c000::/3           | c000::1             | SPECIAL_PURPOSE | c000::/3 Reserved by IETF",
        "e000::/4           | e000::1             | SPECIAL_PURPOSE | e000::/4 Reserved by IETF",
        "f000::/5           | f000::1             | SPECIAL_PURPOSE | f000::/5 Reserved by IETF",
        "f800::/6           | f800::1             | SPECIAL_PURPOSE | f800::/6 Reserved by IETF",
        "fe00::/9           | fe00::1             | SPECIAL_PURPOSE | fe00::/9 Reserved by IETF",
        "fec0::/10          | fec0::1             | SPECIAL_PURPOSE | fec0::/10 Site-Local Unicast (deprecated) (RFC 3879)",
        "ff00::/8           | ff02::1             | SPECIAL_PURPOSE | ff00::/8 Multicast",
    };

    static Stream<Arguments> registryRows() {
        return Arrays.stream(REGISTRY_ROWS).map(row -> {
            String[] f = row.split("\\|", -1);
            return Arguments.of(f[0].strip(), f[1].strip(), Basis.valueOf(f[2].strip()), f[3].strip());
        });
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("registryRows")
    void everyRegistryRowIsDeniedByDefault(String block, String address, Basis basis, String reason) {
        Verdict v = verdict(DEFAULT, address);
        assertEquals(basis, v.basis(), () -> block + ": " + address + " -> " + v);
        assertTrue(v.reason().startsWith(reason), () -> block + ": " + address + " -> " + v.reason());
        assertFalse(v.allowed(), () -> block + ": " + address);
        assertFalse(DEFAULT.decide(new InetSocketAddress(ip(address), 80), Set.of()), "any port, no own addresses");
    }

    @Test
    void theBuiltInTableHasExactlyTheRowsOfThisTest() {
        Set<String> here = new TreeSet<>();
        for (String row : REGISTRY_ROWS) {
            here.add(row.split("\\|")[0].strip());
        }
        Set<String> table = SpecialPurposeBlocks.all().stream().map(SpecialPurposeBlocks.Block::prefix)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(here, table);
        assertEquals(REGISTRY_ROWS.length, SpecialPurposeBlocks.all().size(), "no duplicate rows");
    }

    @Test
    void eachRepresentativeMatchesItsOwnRow() {
        for (String row : REGISTRY_ROWS) {
            String[] f = row.split("\\|");
            String block = f[0].strip();
            InetAddress address = ip(f[1].strip());
            if (block.equals("::ffff:0:0/96")) {
                assertEquals("127.0.0.0/8", SpecialPurposeBlocks.match(address).orElseThrow().prefix());
                continue;
            }
            assertEquals(block, SpecialPurposeBlocks.match(address).map(SpecialPurposeBlocks.Block::prefix).orElse("none"),
                    () -> f[1].strip());
        }
    }

    @ParameterizedTest
    @CsvSource({
        "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.0", "100.63.255.255", "100.128.0.0",
        "192.0.1.255", "192.0.3.0", "198.17.255.255", "198.20.0.0", "223.255.255.255", "11.0.0.1",
        "2001:4860:4860::8888", "2a00:1450::1", "2001:200::1", "2003::1", "2c0f:ffff::1", "3ffe::1", "3fff:1000::1",
        "::ffff:8.8.8.8", "64:ff9b::808:808", "64:ff9b::5db8:d822",
    })
    void globalUnicastIsAllowed(String address) {
        Verdict v = verdict(DEFAULT, address);
        assertEquals(Basis.NOT_DENIED, v.basis(), () -> address + " -> " + v);
        assertTrue(v.allowed());
    }

    @Test
    void theEdgesOfABlockAreExact() {
        assertFalse(verdict(DEFAULT, "172.16.0.0").allowed());
        assertFalse(verdict(DEFAULT, "172.31.255.255").allowed());
        assertFalse(verdict(DEFAULT, "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff").allowed());
        assertTrue(verdict(DEFAULT, "2001:200::").allowed());
        assertFalse(verdict(DEFAULT, "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").allowed());
        assertTrue(verdict(DEFAULT, "2000::").allowed());
        assertTrue(verdict(DEFAULT, "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").allowed());
        assertFalse(verdict(DEFAULT, "4000::").allowed());
    }

    // ---------------------------------------------------------------- embedded IPv4

    /**
     * Each form with a loopback, a private, a link-local and a global embedded address:
     * form | address | verdict with the defaults | verdict when {@code allow} names the
     * form's IPv6 block (so that only the embedded check can deny).
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052): the embedded address decides
        "NAT64 well-known | 64:ff9b::7f00:1      | EMBEDDED_IPV4   | EMBEDDED_IPV4 | 64:ff9b::/96",
        "NAT64 well-known | 64:ff9b::a01:203     | EMBEDDED_IPV4   | EMBEDDED_IPV4 | 64:ff9b::/96",
        "NAT64 well-known | 64:ff9b::a9fe:a9fe   | EMBEDDED_IPV4   | EMBEDDED_IPV4 | 64:ff9b::/96",
        "NAT64 well-known | 64:ff9b::808:808     | NOT_DENIED      | ALLOW_RULE    | 64:ff9b::/96",
        // NAT64 local-use 64:ff9b:1::/48 (RFC 8215), no prefix configured: not global, denied;
        // allowed by name, every RFC 6052 placement is checked (the /48 one reads 0.0.0.0 here)
        "NAT64 local-use  | 64:ff9b:1::7f00:1    | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 64:ff9b:1::/48",
        "NAT64 local-use  | 64:ff9b:1::a01:203   | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 64:ff9b:1::/48",
        "NAT64 local-use  | 64:ff9b:1::a9fe:a9fe | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 64:ff9b:1::/48",
        "NAT64 local-use  | 64:ff9b:1::808:808   | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 64:ff9b:1::/48",
        // 6to4 2002:AABB:CCDD::/48 (RFC 3056): denied outright; allowed by name, the embedded address decides
        "6to4             | 2002:7f00:1::1       | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 2002::/16",
        "6to4             | 2002:a01:203::1      | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 2002::/16",
        "6to4             | 2002:a9fe:a9fe::1    | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 2002::/16",
        "6to4             | 2002:808:808::1      | SPECIAL_PURPOSE | ALLOW_RULE    | 2002::/16",
        // Teredo 2001:0::/32 (RFC 4380): server 8.8.8.8 in bits 32..63, client XOR 0xffffffff in bits 96..127
        "Teredo client    | 2001:0:808:808:8000:ffff:80ff:fffe | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 2001::/32",
        "Teredo client    | 2001:0:808:808:8000:ffff:f5fe:fdfc | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 2001::/32",
        "Teredo client    | 2001:0:808:808:8000:ffff:5601:5601 | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 2001::/32",
        "Teredo client    | 2001:0:808:808:8000:ffff:f7f7:f7f7 | SPECIAL_PURPOSE | ALLOW_RULE    | 2001::/32",
        // Teredo server in bits 32..63, client 8.8.8.8
        "Teredo server    | 2001:0:7f00:1:8000:ffff:f7f7:f7f7   | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 2001::/32",
        "Teredo server    | 2001:0:a01:203:8000:ffff:f7f7:f7f7  | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 2001::/32",
        "Teredo server    | 2001:0:a9fe:a9fe:8000:ffff:f7f7:f7f7 | SPECIAL_PURPOSE | EMBEDDED_IPV4 | 2001::/32",
        // IPv4-compatible ::a.b.c.d (RFC 4291 section 2.5.5.1, deprecated)
        "IPv4-compatible  | ::7f00:1             | SPECIAL_PURPOSE | EMBEDDED_IPV4 | ::/96",
        "IPv4-compatible  | ::a01:203            | SPECIAL_PURPOSE | EMBEDDED_IPV4 | ::/96",
        "IPv4-compatible  | ::a9fe:a9fe          | SPECIAL_PURPOSE | EMBEDDED_IPV4 | ::/96",
        "IPv4-compatible  | ::808:808            | SPECIAL_PURPOSE | ALLOW_RULE    | ::/96",
        // IPv4-mapped ::ffff:a.b.c.d: judged as the IPv4 address (allow names it as IPv4 too)
        "IPv4-mapped      | ::ffff:7f00:1        | SPECIAL_PURPOSE | SPECIAL_PURPOSE | ::ffff:8.8.8.0/120",
        "IPv4-mapped      | ::ffff:a01:203       | SPECIAL_PURPOSE | SPECIAL_PURPOSE | ::ffff:8.8.8.0/120",
        "IPv4-mapped      | ::ffff:a9fe:a9fe     | SPECIAL_PURPOSE | SPECIAL_PURPOSE | ::ffff:8.8.8.0/120",
        "IPv4-mapped      | ::ffff:808:808       | NOT_DENIED      | ALLOW_RULE      | ::ffff:8.8.8.0/120",
        // IPv4-translated ::ffff:0:a.b.c.d (RFC 2765 section 2.1)
        "IPv4-translated  | ::ffff:0:7f00:1      | SPECIAL_PURPOSE | EMBEDDED_IPV4 | ::ffff:0:0:0/96",
        "IPv4-translated  | ::ffff:0:a01:203     | SPECIAL_PURPOSE | EMBEDDED_IPV4 | ::ffff:0:0:0/96",
        "IPv4-translated  | ::ffff:0:a9fe:a9fe   | SPECIAL_PURPOSE | EMBEDDED_IPV4 | ::ffff:0:0:0/96",
        "IPv4-translated  | ::ffff:0:808:808     | SPECIAL_PURPOSE | ALLOW_RULE    | ::ffff:0:0:0/96",
    })
    void embeddedIpv4Forms(String form, String address, Basis byDefault, Basis whenAllowed, String block) {
        InetAddress a = ip(address);
        assertInstanceOf(Inet6Address.class, a, "the test sends the IPv6 form");
        Verdict v = verdict(DEFAULT, address);
        assertEquals(byDefault, v.basis(), () -> form + " " + address + " -> " + v);
        Verdict allowed = verdict(policy("allow = [\"" + block + "\"]"), address);
        assertEquals(whenAllowed, allowed.basis(), () -> form + " " + address + " with allow " + block + " -> " + allowed);
    }

    /**
     * An operator's NAT64 prefix of each RFC 6052 length (the IPv4 address skips the u octet,
     * bits 64..71): a documentation or ULA prefix that the table would deny is judged by the
     * embedded address instead. prefix | address | embedded | verdict.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "2001:db8:64::/96     | 2001:db8:64::7f00:1          | 127.0.0.1       | EMBEDDED_IPV4",
        "2001:db8:64::/96     | 2001:db8:64::a01:203         | 10.1.2.3        | EMBEDDED_IPV4",
        "2001:db8:64::/96     | 2001:db8:64::a9fe:a9fe       | 169.254.169.254 | EMBEDDED_IPV4",
        "2001:db8:64::/96     | 2001:db8:64::808:808         | 8.8.8.8         | NOT_DENIED",
        "2001:db8:100::/40    | 2001:db8:17f:0:1::           | 127.0.0.1       | EMBEDDED_IPV4",
        "2001:db8:100::/40    | 2001:db8:10a:102:3::         | 10.1.2.3        | EMBEDDED_IPV4",
        "2001:db8:100::/40    | 2001:db8:1a9:fea9:fe::       | 169.254.169.254 | EMBEDDED_IPV4",
        "2001:db8:100::/40    | 2001:db8:108:808:8::         | 8.8.8.8         | NOT_DENIED",
        "2001:db8::/32        | 2001:db8:c0a8:101::          | 192.168.1.1     | EMBEDDED_IPV4",
        "2001:db8::/32        | 2001:db8:808:808::           | 8.8.8.8         | NOT_DENIED",
        "2001:db8:48::/48     | 2001:db8:48:c0a8:1:100::     | 192.168.1.1     | EMBEDDED_IPV4",
        "2001:db8:48::/48     | 2001:db8:48:808:8:800::      | 8.8.8.8         | NOT_DENIED",
        "2001:db8:56:5600::/56 | 2001:db8:56:56c0:a8:101::   | 192.168.1.1     | EMBEDDED_IPV4",
        "2001:db8:56:5600::/56 | 2001:db8:56:5608:8:808::    | 8.8.8.8         | NOT_DENIED",
        "fd00:64:64:64::/64   | fd00:64:64:64:c0:a801:100:0  | 192.168.1.1     | EMBEDDED_IPV4",
        "fd00:64:64:64::/64   | fd00:64:64:64:8:808:800:0    | 8.8.8.8         | NOT_DENIED",
        "64:ff9b:1:abcd::/64  | 64:ff9b:1:abcd:7f:0:100:0    | 127.0.0.1       | EMBEDDED_IPV4",
        "64:ff9b:1:abcd::/64  | 64:ff9b:1:abcd:a:102:300:0   | 10.1.2.3        | EMBEDDED_IPV4",
        "64:ff9b:1:abcd::/64  | 64:ff9b:1:abcd:a9:fea9:fe00:0 | 169.254.169.254 | EMBEDDED_IPV4",
        "64:ff9b:1:abcd::/64  | 64:ff9b:1:abcd:8:808:800:0   | 8.8.8.8         | NOT_DENIED",
    })
    void configuredNat64Prefixes(String prefix, String address, String embedded, Basis basis) {
        Verdict v = verdict(policy("nat64-prefixes = [\"" + prefix + "\"]"), address);
        assertEquals(basis, v.basis(), () -> address + " -> " + v);
        if (basis == Basis.EMBEDDED_IPV4) {
            assertTrue(v.reason().startsWith("NAT64 prefix " + prefix + " embeds " + embedded + ": "), v.reason());
        }
        assertEquals(Basis.SPECIAL_PURPOSE, verdict(DEFAULT, address).basis(), "without the prefix, the table denies it");
    }

    @Test
    void aNat64AddressWithANonZeroUOctetIsDenied() {
        DestinationPolicy p = policy("nat64-prefixes = [\"2001:db8:100::/40\"]");
        Verdict v = verdict(p, "2001:db8:108:808:ff08::"); // 8.8.8.8 around u = 0xff
        assertEquals(Basis.EMBEDDED_IPV4, v.basis(), v::toString);
        assertTrue(v.reason().contains("non-zero u octet"), v.reason());
        assertTrue(verdict(p, "2001:db8:108:808:8::").allowed(), "the same address with u = 0");
    }

    @Test
    void aLocalUsePrefixIsDeniedUntilConfigured() {
        assertEquals(Basis.SPECIAL_PURPOSE, verdict(DEFAULT, "64:ff9b:1:abcd::808:808").basis());
        DestinationPolicy p = policy("nat64-prefixes = [\"64:ff9b:1:abcd::/96\"]");
        assertTrue(verdict(p, "64:ff9b:1:abcd::808:808").allowed());
        assertEquals(Basis.EMBEDDED_IPV4, verdict(p, "64:ff9b:1:abcd::a9fe:a9fe").basis());
        assertEquals(Basis.SPECIAL_PURPOSE, verdict(p, "64:ff9b:1:abce::808:808").basis(), "another local-use prefix");
    }

    @Test
    void anAllowRuleForTheIpv6FormDoesNotOpenTheEmbeddedAddress() {
        DestinationPolicy p = policy("allow = [\"64:ff9b::/96\"]");
        Verdict v = verdict(p, "64:ff9b::a9fe:a9fe");
        assertFalse(v.allowed());
        assertEquals("NAT64 well-known prefix 64:ff9b::/96 embeds 169.254.169.254: 169.254.0.0/16 Link Local (RFC 3927)",
                v.reason());
        DestinationPolicy both = policy("allow = [\"64:ff9b::/96\", \"169.254.169.254:80\"]");
        assertTrue(both.decide(new InetSocketAddress(ip("64:ff9b::a9fe:a9fe"), 80), OWN), "both allowed, port 80");
        assertFalse(both.decide(new InetSocketAddress(ip("64:ff9b::a9fe:a9fe"), 81), OWN), "the IPv4 rule names port 80");
    }

    @Test
    void theOperatorsDenyListAndOwnAddressesApplyToEmbeddedAddressesToo() {
        DestinationPolicy p = policy("deny = [\"8.8.4.0/24\"]");
        assertEquals(Basis.DENY_RULE, verdict(p, "8.8.4.4").basis());
        Verdict v = verdict(p, "64:ff9b::808:404");
        assertEquals(Basis.EMBEDDED_IPV4, v.basis());
        assertTrue(v.reason().endsWith(": deny[0] 8.8.4.0/24"), v.reason());
        Verdict own = verdict(DEFAULT, "64:ff9b::5db8:a"); // 93.184.0.10, an own address
        assertEquals(Basis.EMBEDDED_IPV4, own.basis());
        assertTrue(own.reason().endsWith("an address of the AP itself (deny-own-addresses)"), own.reason());
    }

    // ---------------------------------------------------------------- allow rules with ports

    @ParameterizedTest(name = "{0} {1}:{2}")
    @CsvSource({
        "10.1.2.3/32:443,        10.1.2.3,   443,   true",
        "10.1.2.3/32:443,        10.1.2.3,   80,    false",
        "10.1.2.3:443,           10.1.2.3,   443,   true",
        "10.1.2.3:443,           10.1.2.4,   443,   false",
        "10.0.0.0/8:8000-8999,   10.9.9.9,   8000,  true",
        "10.0.0.0/8:8000-8999,   10.9.9.9,   8999,  true",
        "10.0.0.0/8:8000-8999,   10.9.9.9,   7999,  false",
        "10.0.0.0/8:8000-8999,   10.9.9.9,   9000,  false",
        "10.0.0.0/8,             10.9.9.9,   1,     true",
        "10.0.0.0/8,             10.9.9.9,   65535, true",
        "[fd00::/8]:80-443,      fd00::1,    80,    true",
        "[fd00::/8]:80-443,      fd00::1,    443,   true",
        "[fd00::/8]:80-443,      fd00::1,    444,   false",
        "[fd00::/8]:80-443,      fd00::1,    79,    false",
        "[fd00::/8]:80-443,      fe80::1,    80,    false",
        "fd00::/8,               fd00::1,    22,    true",
        "[fd00::1]:22,           fd00::1,    22,    true",
        "[fd00::/8],             fd00::1,    22,    true",
        "[::ffff:10.0.0.0/104]:443, 10.1.1.1, 443,  true",
        "10.0.0.0/8:443,         ::ffff:10.1.1.1, 443, true",
    })
    void allowRulesWithPorts(String rule, String address, int port, boolean allowed) {
        DestinationPolicy p = policy("allow = [\"" + rule + "\"]");
        Verdict v = p.verdict(new InetSocketAddress(ip(address), port), OWN);
        assertEquals(allowed, v.allowed(), v::toString);
        assertEquals(allowed ? Basis.ALLOW_RULE : Basis.SPECIAL_PURPOSE, v.basis());
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8,              10.0.0.0/8",
        "10.1.2.3,                10.1.2.3/32",
        "10.1.2.3/32:443,         10.1.2.3/32:443",
        "10.1.2.3:443,            10.1.2.3/32:443",
        "10.0.0.0/8:8000-8999,    10.0.0.0/8:8000-8999",
        "10.0.0.0/8:1-65535,      10.0.0.0/8",
        "fd00::/8,                fd00::/8",
        "[fd00::/8],              fd00::/8",
        "[FD00::/8]:80-443,       [fd00::/8]:80-443",
        "[fd00::1]:443,           [fd00::1/128]:443",
        "[::ffff:10.0.0.0/104]:443, 10.0.0.0/8:443",
    })
    void allowRulesPrintAsTheyParse(String text, String printed) {
        assertEquals(printed, AllowRule.parse(text).toString());
        assertEquals(AllowRule.parse(text), AllowRule.parse(printed));
    }

    @Test
    void anUnknownPortOnlyMatchesRulesForEveryPort() {
        DestinationPolicy p = policy("allow = [\"10.1.2.3:443\", \"10.9.0.0/16\"]");
        assertFalse(p.verdict(ip("10.1.2.3"), -1, OWN).allowed(), "port unknown: a port rule does not apply");
        assertTrue(p.decide(new InetSocketAddress(ip("10.1.2.3"), 443), OWN));
        assertTrue(p.verdict(ip("10.9.1.1"), -1, OWN).allowed());
        assertTrue(p.allow().contains(ip("10.9.1.1")));
        assertFalse(p.allow().contains(ip("10.1.2.3")));
    }

    // ---------------------------------------------------------------- deny, own addresses

    @Test
    void ownAddressesAreDeniedUnlessSwitchedOff() {
        assertEquals(Basis.OWN_ADDRESS, verdict(DEFAULT, "93.184.0.10").basis());
        assertEquals(Basis.OWN_ADDRESS, verdict(DEFAULT, "::ffff:93.184.0.10").basis());
        assertEquals(Basis.OWN_ADDRESS, verdict(DEFAULT, "2a00:1:2::10").basis());
        assertTrue(verdict(DEFAULT, "93.184.0.11").allowed());
        assertTrue(verdict(policy("deny-own-addresses = false"), "93.184.0.10").allowed());
    }

    @Test
    void allowOverridesDenyTheTableAndOwnAddresses() {
        DestinationPolicy lab = policy("allow = [\"10.9.0.0/16\", \"93.184.0.10\", \"fd00:1::/64\"],"
                + " deny = [\"10.9.9.0/24\"]");
        assertEquals(Basis.ALLOW_RULE, verdict(lab, "10.9.1.1").basis());
        assertEquals("allow[0] 10.9.0.0/16", verdict(lab, "10.9.1.1").reason());
        assertTrue(verdict(lab, "::ffff:10.9.1.1").allowed());
        assertTrue(verdict(lab, "10.9.9.9").allowed(), "allow before deny");
        assertTrue(verdict(lab, "93.184.0.10").allowed());
        assertTrue(verdict(lab, "fd00:1::5").allowed());
        assertFalse(verdict(lab, "10.8.1.1").allowed(), "the rest of 10/8 stays denied");
        assertFalse(verdict(lab, "fd00:2::5").allowed());
    }

    @Test
    void theOperatorsDenyListAddsToTheTable() {
        DestinationPolicy p = policy("deny = [\"93.184.216.0/24\", \"2a00:1450::/32\"]");
        assertEquals("deny[0] 93.184.216.0/24", verdict(p, "93.184.216.34").reason());
        assertEquals(Basis.DENY_RULE, verdict(p, "2a00:1450::1").basis());
        assertEquals(Basis.SPECIAL_PURPOSE, verdict(p, "127.0.0.1").basis(), "the table stays");
        assertEquals(Basis.SPECIAL_PURPOSE, verdict(policy("deny = []"), "127.0.0.1").basis(),
                "an empty deny list does not open the table");
    }

    @Test
    void basisLabelsAreLowerCase() {
        assertEquals("special_purpose", Basis.SPECIAL_PURPOSE.label());
        assertEquals("embedded_ipv4", Basis.EMBEDDED_IPV4.label());
    }
}
