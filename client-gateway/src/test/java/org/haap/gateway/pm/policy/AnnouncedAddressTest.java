package org.haap.gateway.pm.policy;

import static org.haap.gateway.pm.PmHarness.AP;
import static org.haap.gateway.pm.PmHarness.DSL;
import static org.haap.gateway.pm.PmHarness.LTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import org.haap.config.PathManagerMode;
import org.haap.config.PathManagerSettings;
import org.haap.config.PathPolicy;
import org.haap.gateway.link.LinkState;
import org.haap.gateway.pm.PathManagerPolicy;
import org.haap.gateway.pm.PmHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An aggregation-point cluster node: it refuses joins to its shared address (MP_CAPABLE "C"
 * flag) and announces a node address (ADD_ADDR). Every policy, driven through the real
 * engine, makes the same decisions as with a single AP, and every subflow it creates goes to
 * the node address, never to the shared one.
 */
class AnnouncedAddressTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Clock MAY_20 = Clock.fixed(Instant.parse("2025-05-20T12:00:00Z"), ZoneOffset.UTC);
    /** The node's own address, announced without a port (so the shared address's port applies). */
    private static final InetSocketAddress NODE = new InetSocketAddress(PmHarness.ip("192.0.2.20"), 0);
    private static final InetSocketAddress NODE_PORT = new InetSocketAddress(NODE.getAddress(), AP.getPort());
    private static final String TO_NODE = "192.0.2.20:5124";

    private static PathManagerPolicy policy(PathPolicy p) {
        return Policies.create(new PathManagerSettings(PathManagerMode.USERSPACE, p,
                new PathManagerSettings.Overflow(OptionalLong.of(10_000_000), 0.8, 0.5, SECOND.multipliedBy(2),
                        OptionalLong.empty(), 1), PathManagerSettings.SmartBackup.DEFAULTS), PmHarness.WANS, MAY_20);
    }

    /** What {@code p} does on a connection established on {@code initial}, then on its first subflow's failure. */
    private static List<List<String>> decisions(PathPolicy p, boolean cluster) {
        PmHarness h = new PmHarness(policy(p));
        if (cluster) {
            h.establishedRefusingInitialJoins(1, DSL, 40000);
            assertEquals(List.of(), h.commands.take(), "nothing to join before the node announces itself");
            h.pm.addressAnnounced(1, 7, NODE);
        } else {
            h.established(1, DSL, 40000);
        }
        List<String> first = h.commands.take();
        h.subflowDown(1, DSL, 40000, 110);
        h.advance(SECOND);
        List<String> second = h.commands.take();
        if (cluster) {
            assertTrue(h.commands.createdTo.stream().allMatch(t -> t.endsWith("-> " + TO_NODE)),
                    () -> p + ": a join to the shared address: " + h.commands.createdTo);
        } else {
            assertTrue(h.commands.createdTo.stream().allMatch(t -> t.endsWith("-> 192.0.2.10:5124")),
                    () -> p + ": " + h.commands.createdTo);
        }
        return List.of(first, second);
    }

    @ParameterizedTest
    @EnumSource(PathPolicy.class)
    void everyPolicyDecidesAsWithOneApAndJoinsOnlyTheNodeAddress(PathPolicy p) {
        List<List<String>> single = decisions(p, false);
        assertEquals(single, decisions(p, true));
        assertFalse(single.stream().allMatch(List::isEmpty), p + " made no decision at all: the test proves nothing");
    }

    @Test
    void fullmeshJoinsTheNodeOverLteOnceAnnouncedAndTheSharedAddressIsNeverJoined() {
        PmHarness h = new PmHarness(policy(PathPolicy.FULLMESH));
        h.establishedRefusingInitialJoins(1, DSL, 40000);
        h.advance(Duration.ofSeconds(10));
        assertEquals(List.of(), h.commands.take());
        assertNull(h.pm.connection(1).joinTarget());
        assertTrue(h.pm.connection(1).initialJoinsRefused());
        h.pm.addressAnnounced(1, 7, NODE);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 active"), h.commands.take());
        assertEquals(List.of("1 lte -> " + TO_NODE), h.commands.createdTo);
        assertEquals(NODE_PORT, h.pm.connection(1).joinTarget());
        h.subflowUp(1, LTE, 50000, false, NODE_PORT);
        h.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), h.commands.take(), "one subflow per WAN: DSL's initial one and LTE's to the node");
    }

    @Test
    void dslFirstFailsOverToTheNodeSubflowAndRejoinsDslToTheNode() {
        PmHarness h = new PmHarness(policy(PathPolicy.DSL_FIRST));
        h.establishedRefusingInitialJoins(1, DSL, 40000);
        h.pm.addressAnnounced(1, 7, NODE);
        assertEquals(List.of("create 1 lte 203.0.113.7 id2 backup"), h.commands.take());
        h.subflowUp(1, LTE, 50000, true, NODE_PORT);

        h.pm.wanState("dsl", LinkState.DOWN);
        assertEquals(List.of("flag 1 203.0.113.7:50000 active", "destroy 1 198.51.100.2:40000"), h.commands.take(),
                "the subflow to the node address is LTE's subflow, as one to the shared address would be");
        h.subflowDown(1, DSL, 40000, 0);
        h.advance(SECOND);
        h.pm.wanState("dsl", LinkState.UP);
        assertEquals(List.of("create 1 dsl 198.51.100.2 id1 active"), h.commands.take());
        assertEquals(List.of("1 lte -> " + TO_NODE, "1 dsl -> " + TO_NODE), h.commands.createdTo,
                "DSL rejoins the node, not the shared address it started on");
    }

    @Test
    void withoutTheCFlagJoinsGoToTheInitialAddressUntilOneIsAnnounced() {
        PmHarness h = new PmHarness(policy(PathPolicy.FULLMESH));
        h.established(1, DSL, 40000);
        assertEquals(List.of("1 lte -> 192.0.2.10:5124"), h.commands.createdTo);
        h.subflowDown(1, LTE, 50000, 111);
        h.pm.addressAnnounced(1, 3, new InetSocketAddress(NODE.getAddress(), 6000));
        h.advance(Duration.ofSeconds(2));
        assertEquals(List.of("1 lte -> 192.0.2.10:5124", "1 lte -> 192.0.2.20:6000"), h.commands.createdTo,
                "an announced address with its own port");
    }

    @Test
    void aWithdrawnNodeAddressStopsTheJoinsUntilAnotherIsAnnounced() {
        PmHarness h = new PmHarness(policy(PathPolicy.FULLMESH));
        h.establishedRefusingInitialJoins(1, DSL, 40000);
        h.pm.addressAnnounced(1, 7, NODE);
        h.pm.addressRemoved(1, 7);
        h.subflowDown(1, LTE, 50000, 104);
        h.advance(Duration.ofSeconds(10));
        assertEquals(List.of("1 lte -> " + TO_NODE), h.commands.createdTo, "no join to the shared address");
        assertNull(h.pm.connection(1).joinTarget());
        h.pm.addressAnnounced(1, 8, new InetSocketAddress(PmHarness.ip("192.0.2.21"), 0));
        h.advance(Duration.ofSeconds(30));
        assertEquals("1 lte -> 192.0.2.21:5124", h.commands.createdTo.get(h.commands.createdTo.size() - 1));
    }

    @Test
    void anAnnouncementBeforeEstablishedIsKept() {
        PmHarness h = new PmHarness(policy(PathPolicy.FULLMESH));
        h.pm.connectionCreated(1, PmHarness.on(DSL, 40000), AP);
        h.pm.addressAnnounced(1, 7, NODE);
        assertEquals(List.of(), h.commands.take());
        h.pm.connectionEstablished(1, PmHarness.on(DSL, 40000), AP, true);
        assertEquals(List.of("1 lte -> " + TO_NODE), h.commands.createdTo);
    }
}
