package org.haap.gateway.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;
import org.haap.core.mptcp.SubflowInfo;
import org.haap.core.mptcp.TcpInfo;
import org.junit.jupiter.api.Test;

class SubflowLedgerTest {

    private static final InetSocketAddress AP = new InetSocketAddress("198.18.0.1", 5124);
    private static final InetSocketAddress DSL = new InetSocketAddress("198.18.10.2", 40000);
    private static final InetSocketAddress LTE = new InetSocketAddress("198.18.20.2", 40001);

    private final SubflowLedger ledger = new SubflowLedger();

    @Test
    void countsEachSubflowsGrowthSinceTheLastSample() {
        assertEquals(List.of(new SubflowLedger.Delta(DSL, 100, 1000)),
                ledger.advance(List.of(subflow(1, DSL, 100, 1000))), "first sample counts from zero");
        List<SubflowLedger.Delta> d = ledger.advance(List.of(subflow(1, DSL, 150, 1000), subflow(2, LTE, 10, 20)));
        assertEquals(List.of(new SubflowLedger.Delta(DSL, 50, 0), new SubflowLedger.Delta(LTE, 10, 20)), d);
        assertEquals(List.of(), ledger.advance(List.of(subflow(1, DSL, 150, 1000), subflow(2, LTE, 10, 20))),
                "nothing moved, nothing counted");
    }

    @Test
    void aSubflowThatReappearsOnTheSamePortsWithSmallerCountersIsNew() {
        ledger.advance(List.of(subflow(1, LTE, 5000, 5000)));
        ledger.advance(List.of());
        assertEquals(List.of(new SubflowLedger.Delta(LTE, 7, 9)), ledger.advance(List.of(subflow(3, LTE, 7, 9))));
        ledger.advance(List.of(subflow(3, LTE, 7, 9)));
        assertEquals(List.of(new SubflowLedger.Delta(LTE, 3, 1)), ledger.advance(List.of(subflow(3, LTE, 3, 1))),
                "counters that went down belong to a new subflow");
    }

    @Test
    void aSubflowReplacedBetweenTwoSamplesIsKnownByItsNewId() {
        ledger.advance(List.of(subflow(1, LTE, 5000, 5000)));
        assertEquals(List.of(new SubflowLedger.Delta(LTE, 6000, 6000)),
                ledger.advance(List.of(subflow(2, LTE, 6000, 6000))),
                "subflow 2 on the same addresses and ports counts from zero, not from subflow 1's counters");
    }

    @Test
    void subflowsWithoutAddressesAreSkipped() {
        assertEquals(List.of(), ledger.advance(List.of(new SubflowInfo(1, null, AP, tcp(1, 1)))));
    }

    private static SubflowInfo subflow(int id, InetSocketAddress local, long acked, long received) {
        return new SubflowInfo(id, local, AP, tcp(acked, received));
    }

    private static TcpInfo tcp(long acked, long received) {
        return new TcpInfo(20_000, 10, 0, acked, received, 0, acked, 0);
    }
}
