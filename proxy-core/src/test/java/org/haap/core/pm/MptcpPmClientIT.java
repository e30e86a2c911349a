package org.haap.core.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.haap.core.sys.NetlinkException;
import org.haap.core.testing.Netns;
import org.haap.core.testing.Prerequisites;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link MptcpPmClient} against the kernel, in a fresh namespace, checked with {@code ip mptcp}. */
class MptcpPmClientIT {

    private Netns ns;
    private MptcpPmClient client;
    private int ifIndex;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.requireNetns();
        Prerequisites.requireMptcp();
        ns = Netns.create("pm");
        ns.ip("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        ns.ip("addr", "add", "10.9.0.1/24", "dev", "v0");
        ifIndex = Integer.parseInt(ns.exec("cat", "/sys/class/net/v0/ifindex").trim());
        client = ns.call(MptcpPmClient::open);
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void resolvesTheFamilyAndItsEventGroup() {
        assertTrue(client.familyId() > 0x10, "dynamic id: " + client.familyId());
        assertTrue(client.multicastGroups().containsKey("mptcp_pm_events"), client.multicastGroups().toString());
    }

    @Test
    void setsAndReadsLimits() throws Exception {
        client.setLimits(3, 5);
        assertEquals(new PmLimits(3, 5), client.getLimits());
        assertEquals("add_addr_accepted 5 subflows 3", ns.exec("ip", "mptcp", "limits", "show").trim());
    }

    @Test
    void addsListsAndDeletesEndpoints() throws Exception {
        Endpoint v4 = new Endpoint(7, InetAddress.getByName("10.9.0.1"), ifIndex, Set.of(EndpointFlag.SUBFLOW));
        Endpoint v6 = new Endpoint(9, InetAddress.getByName("2001:db8::5"), 0,
                Set.of(EndpointFlag.SIGNAL, EndpointFlag.BACKUP));
        client.addEndpoint(v4);
        client.addEndpoint(v6);
        assertEquals(List.of(v4, v6), client.listEndpoints());
        String shown = ns.exec("ip", "mptcp", "endpoint", "show");
        assertTrue(shown.contains("10.9.0.1 id 7 subflow dev v0"), shown);
        assertTrue(shown.contains("2001:db8::5 id 9 signal backup"), shown);

        NetlinkException duplicate = assertThrows(NetlinkException.class, () -> client.addEndpoint(
                new Endpoint(7, InetAddress.getByName("10.9.0.2"), 0, Set.of(EndpointFlag.SUBFLOW))));
        assertTrue(duplicate.errno() > 0);

        client.deleteEndpoint(7);
        assertEquals(List.of(v6), client.listEndpoints());
        assertTrue(!ns.exec("ip", "mptcp", "endpoint", "show").contains("10.9.0.1"));
        assertThrows(NetlinkException.class, () -> client.deleteEndpoint(7));

        client.flush();
        assertEquals(List.of(), client.listEndpoints());
        assertEquals("", ns.exec("ip", "mptcp", "endpoint", "show").trim());
    }

    @Test
    void readsOneEndpointAndChangesItsFlags() throws Exception {
        Endpoint v4 = new Endpoint(7, InetAddress.getByName("10.9.0.1"), ifIndex, Set.of(EndpointFlag.SUBFLOW));
        client.addEndpoint(v4);
        assertEquals(v4, client.getEndpoint(7));

        client.setEndpointFlags(7, Set.of(EndpointFlag.BACKUP));
        assertEquals(Set.of(EndpointFlag.SUBFLOW, EndpointFlag.BACKUP), client.getEndpoint(7).flags());
        assertTrue(ns.exec("ip", "mptcp", "endpoint", "show").contains("10.9.0.1 id 7 subflow backup dev v0"));
        client.setEndpointFlags(7, Set.of());
        assertEquals(Set.of(EndpointFlag.SUBFLOW), client.getEndpoint(7).flags());

        MptcpPmException missing = assertThrows(MptcpPmException.class, () -> client.getEndpoint(8));
        assertEquals("GET_ADDR id 8", missing.command());
        assertTrue(missing.errno() > 0);
    }

    @Test
    void kernelChosenIdIsReported() throws Exception {
        client.addEndpoint(new Endpoint(0, InetAddress.getByName("10.9.0.1"), 0, Set.of(EndpointFlag.SUBFLOW)));
        List<Endpoint> list = client.listEndpoints();
        assertEquals(1, list.size());
        assertTrue(list.get(0).id() >= 1, list.toString());
        assertTrue(Files.exists(Path.of("/proc/sys/net/mptcp/enabled")));
    }
}
