package org.haap.deploy.testbed;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Testbed#setInterfaceUp}'s repair puts back what the kernel removed with the link. */
class InterfaceUpBatchTest {

    @Test
    void linkRepairPutsBackTheRoutesTheKernelRemoved() {
        List<String> c = Topology.interfaceUpBatch(Wan.DSL, true).lines().toList();
        assertTrue(c.get(0).equals("link set dsl up"), c.toString());
        assertTrue(c.contains("route replace default via 198.18.10.1 dev dsl table 10"), c.toString());
        assertTrue(c.contains("route replace default via 198.18.10.1 dev dsl"), c.toString()); // the default WAN
        assertTrue(c.contains("addr replace 2001:db8:10::2/64 dev dsl nodad"), c.toString());
    }

    @Test
    void onlyTheDefaultWanGetsTheMainDefaultRoute() {
        List<String> c = Topology.interfaceUpBatch(Wan.LTE, false).lines().toList();
        assertTrue(c.contains("route replace default via 198.18.20.1 dev lte table 20"), c.toString());
        assertFalse(c.contains("route replace default via 198.18.20.1 dev lte"), c.toString());
    }
}
