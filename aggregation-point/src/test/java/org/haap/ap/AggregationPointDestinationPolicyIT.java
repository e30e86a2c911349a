package org.haap.ap;

import static org.haap.ap.ApItFixture.T;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.haap.core.convert.ConvertCodec;
import org.haap.core.convert.ConvertErrorCode;
import org.haap.core.convert.ConvertMessage;
import org.haap.core.mptcp.ClientSocketOptions;
import org.haap.core.testing.Veth;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The default destination policy on the real kernel: an AP process with its default
 * configuration plus a cookie is asked, with a valid cookie, for destinations in every kind
 * of block the policy denies (IANA IPv4 and IPv6 special-purpose rows, IPv6 space outside
 * 2000::/3, and IPv6 forms that embed a denied IPv4 address); each is answered with Convert
 * Error 32 (Not Authorized) and the AP starts no upstream connect.
 *
 * <pre>
 *  client ns                      ap ns (lo, a1: nothing else, no default route)
 *  198.18.41.2 c1 ─── veth ─── a1 198.18.41.1 :5124
 * </pre>
 * Safety: the AP's namespace has no route off the machine, checked before the AP starts, so
 * even a policy that let a destination through could not send a packet anywhere but to the
 * client namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregationPointDestinationPolicyIT {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.41.1", 5124);
    private static final String COOKIE = "policy-secret";
    private static final int PORT = 443;

    /** Denied by the default policy; at least 40, one or more from each kind of block. */
    private static final List<String> DENIED = List.of(
            // IPv4 special-purpose registry, multicast, broadcast
            "0.1.2.3", "10.1.2.3", "100.64.0.1", "127.0.0.1", "169.254.169.254", "172.16.0.1",
            "192.0.0.8", "192.0.0.9", "192.0.0.170", "192.0.2.1", "192.31.196.1", "192.52.193.1",
            "192.88.99.1", "192.168.1.1", "192.175.48.6", "198.18.0.1", "198.51.100.7", "203.0.113.9",
            "224.0.0.1", "240.0.0.1", "255.255.255.255",
            // the AP's own address (and benchmarking space)
            "198.18.41.1",
            // IPv6 special-purpose registry and space outside global unicast
            "::", "::1", "100::1", "2001:2::1", "2001:10::1", "2001:20::1", "2001:db8::1", "3fff::1",
            "5f00::1", "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1", "4000::1",
            "2001:1::1", "2001:4:112::1",
            // IPv6 forms embedding a denied IPv4 address
            "64:ff9b::7f00:1", "64:ff9b::a01:203", "64:ff9b::a9fe:a9fe", "64:ff9b::c0a8:101",
            "64:ff9b:1::808:808", "2002:7f00:1::1", "2002:a9fe:a9fe::1",
            "2001:0:808:808:8000:ffff:80ff:fffe", "2001:0:a9fe:a9fe:8000:ffff:f7f7:f7f7",
            "::7f00:1", "::a9fe:a9fe", "::ffff:0:a01:203");

    @AutoClose
    private ApItFixture bed;

    @BeforeAll
    void setUp() throws Exception {
        bed = ApItFixture.create("pol");
        Veth.link(bed.client, "c1", "198.18.41.2/24", bed.ap, "a1", "198.18.41.1/24");
        assertNoRouteOffTheMachine();
        bed.startAp("256m", """
                haap.aggregation-point {
                  cookies = ["%s"]
                }
                """.formatted(COOKIE));
    }

    /**
     * The AP's namespace holds only {@code lo} and the veth to the client namespace, and no
     * default route in any table, for either family.
     */
    private void assertNoRouteOffTheMachine() {
        List<String> links = bed.ap.ip("-o", "link", "show").lines()
                .map(l -> l.split(":\\s+")[1].split("@")[0]).toList();
        assertEquals(List.of("lo", "a1"), links, "interfaces of the AP namespace");
        for (String family : List.of("-4", "-6")) {
            String routes = bed.ap.ip(family, "route", "show", "table", "all");
            assertTrue(routes.lines().noneMatch(l -> l.startsWith("default") || l.contains(" via ")),
                    () -> "a route off the machine in the AP namespace:\n" + routes);
        }
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private double metric(String prefix) {
        return bed.metricSum(prefix);
    }

    @Test
    void everyDeniedDestinationGetsError32AndNoUpstreamConnect() throws Exception {
        assertTrue(DENIED.size() >= 40, "at least 40 destinations");
        assertEquals(DENIED.size(), DENIED.stream().map(AggregationPointDestinationPolicyIT::address).distinct().count(),
                "no duplicates (an IPv4 address goes IPv4-mapped on the wire)");
        double attempts = metric("haap_ap_upstream_connect_attempts_total ");
        double failures = metric("haap_ap_upstream_failures_total");
        double connected = metric("haap_ap_upstream_connect_seconds_count ");
        double rejected = metric("haap_ap_rejected_total{reason=\"destination\"");
        double errors32 = metric("haap_ap_convert_errors_sent_total{code=\"not_authorized\"");
        byte[] error32 = ConvertCodec.encode(ConvertMessage.error(ConvertErrorCode.NOT_AUTHORIZED));
        byte[] cookie = COOKIE.getBytes(StandardCharsets.UTF_8);

        for (String address : DENIED) {
            InetSocketAddress destination = new InetSocketAddress(address(address), PORT);
            try (TestClient c = bed.connect(AP, ClientSocketOptions.mptcp())) {
                c.write(ConvertCodec.encode(ConvertMessage.connect(destination, cookie)));
                assertArrayEquals(error32, c.readToEnd(T), () -> address + ": the AP's answer\n" + bed.log());
            }
        }

        assertEquals(DENIED.size(), metric("haap_ap_rejected_total{reason=\"destination\"") - rejected,
                "every destination refused by the policy");
        assertEquals(DENIED.size(), metric("haap_ap_convert_errors_sent_total{code=\"not_authorized\"") - errors32);
        assertEquals(attempts, metric("haap_ap_upstream_connect_attempts_total "), "no upstream connect started");
        assertEquals(failures, metric("haap_ap_upstream_failures_total"), "no upstream connect failed");
        assertEquals(connected, metric("haap_ap_upstream_connect_seconds_count "), "no upstream connection");
        assertTrue(bed.apRunning(), bed::log);
    }
}
