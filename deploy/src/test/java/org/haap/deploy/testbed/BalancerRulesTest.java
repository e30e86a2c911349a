package org.haap.deploy.testbed;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class BalancerRulesTest {

    private static final List<BalancerRules.Endpoint> THREE = List.of(
            new BalancerRules.Endpoint("ap1", "198.18.41.2"),
            new BalancerRules.Endpoint("ap2", "198.18.42.2"),
            new BalancerRules.Endpoint("ap3", "198.18.43.2"));

    @Test
    void randomPickIsKubeProxysNumgenVmapOverEndpointChainsThatDnat() {
        String r = BalancerRules.render("198.18.0.1", 5124, THREE, BalancerRules.Pick.RANDOM);
        assertTrue(r.startsWith("table ip haap-lb\ndelete table ip haap-lb\n"), r);
        assertTrue(r.contains("ip daddr 198.18.0.1 tcp dport 5124 goto service"), r);
        assertTrue(r.contains("numgen random mod 3 vmap { 0 : goto endpoint-ap1, 1 : goto endpoint-ap2, "
                + "2 : goto endpoint-ap3 }"), r);
        assertTrue(r.contains("chain endpoint-ap2 {\n    meta l4proto tcp dnat to 198.18.42.2:5124\n"), r);
        assertTrue(r.contains("type nat hook prerouting priority dstnat;"), r);
    }

    @Test
    void hashPickHashesTheClientAddressAndPort() {
        String r = BalancerRules.render("198.18.0.1", 5124, THREE.subList(0, 2), BalancerRules.Pick.HASH);
        assertTrue(r.contains("jhash ip saddr . tcp sport mod 2 vmap { 0 : goto endpoint-ap1, 1 : goto endpoint-ap2 }"), r);
        assertFalse(r.contains("endpoint-ap3"), r);
    }

    @Test
    void udpProbesAreBalancedWithoutConntrackAndAnsweredFromTheSharedAddress() {
        String r = BalancerRules.render("198.18.0.1", 5124, THREE, BalancerRules.Pick.RANDOM);
        assertTrue(r.contains("ip daddr 198.18.0.1 udp dport 5124 notrack\n"), r);
        assertTrue(r.contains("ip daddr set jhash ip saddr . udp sport mod 3 map { 0 : 198.18.41.2, "
                + "1 : 198.18.42.2, 2 : 198.18.43.2 }"), r);
        assertTrue(r.contains("ip saddr { 198.18.41.2, 198.18.42.2, 198.18.43.2 } udp sport 5124 notrack "
                + "ip saddr set 198.18.0.1"), r);
    }

    @Test
    void withoutEndpointsTheServiceRejects() {
        String r = BalancerRules.render("198.18.0.1", 5124, List.of(), BalancerRules.Pick.RANDOM);
        assertTrue(r.contains("chain service {\n    reject with tcp reset\n  }"), r);
        assertFalse(r.contains("numgen") || r.contains("dnat") || r.contains("map {"), r);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new BalancerRules.Endpoint("AP 1", "198.18.41.2"));
        assertThrows(IllegalArgumentException.class, () -> new BalancerRules.Endpoint("ap1", "2001:db8::1"));
        assertThrows(IllegalArgumentException.class,
                () -> BalancerRules.render("198.18.0.1", 0, THREE, BalancerRules.Pick.RANDOM));
    }
}
