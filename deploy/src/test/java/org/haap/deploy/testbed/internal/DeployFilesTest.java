package org.haap.deploy.testbed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DeployFilesTest {

    @Test
    void substitutesOnlyTheNamedDefines() {
        String nft = "define A = 1\ndefine B = \"x\"\ntable inet t { }\n";
        String out = DeployFiles.substituteDefines(nft, Map.of("B", "\"lan\""));
        assertEquals("define A = 1\ndefine B = \"lan\"\ntable inet t { }\n", out);
        assertThrows(IllegalArgumentException.class, () -> DeployFiles.substituteDefines(nft, Map.of("C", "1")));
    }

    @Test
    void shippedGatewayFileHasTheDefinesTheTestbedSets() {
        String nft = DeployFiles.read("nftables/haap-gateway.nft");
        String out = DeployFiles.substituteDefines(nft, Map.of("LAN_IF", "\"lan\"", "AP_V4", "198.18.0.1",
                "AP_V6", "2001:db8::1", "TPROXY_PORT", "15124"));
        assertTrue(out.contains("define LAN_IF = \"lan\""));
        assertTrue(out.contains("tproxy ip to :$TPROXY_PORT"));
        assertTrue(out.contains("table inet haap {"));
    }

    @Test
    void parsesSysctlFilesAndTheGatewayDisablesTheBlackholeTimeout() {
        assertEquals(List.of("a.b=1", "c.d=x y"), DeployFiles.sysctlAssignments("# c\n\na.b = 1\n ; x\nc.d=x y\n"));
        assertThrows(IllegalArgumentException.class, () -> DeployFiles.sysctlAssignments("novalue\n"));
        List<String> gw = DeployFiles.sysctlAssignments(DeployFiles.read("sysctl/90-haap-gateway.conf"));
        assertTrue(gw.contains("net.mptcp.blackhole_timeout=0"), gw.toString());
        assertTrue(gw.contains("net.ipv4.conf.all.rp_filter=0"), gw.toString());
    }
}
