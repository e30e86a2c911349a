package org.haap.gateway.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.haap.core.mptcp.MptcpInfo;
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

    @Test
    void aConnectionIsQuietWhenNothingIsInFlightAndNothingMovedSinceItsLastSample() {
        MptcpInfo idle = connection(1, 1000, 1000, 5000);
        assertFalse(ledger.quietSince(idle), "never sampled");
        ledger.sampledAt(idle);
        assertTrue(ledger.quietSince(connection(1, 1000, 1000, 5000)));
        assertFalse(ledger.quietSince(connection(1, 1200, 1000, 5000)), "200 bytes in flight");
        assertFalse(ledger.quietSince(connection(1, 1200, 1200, 5000)), "200 bytes acknowledged since");
        assertFalse(ledger.quietSince(connection(1, 1000, 1000, 5100)), "100 bytes received since");
        assertFalse(ledger.quietSince(connection(2, 1000, 1000, 5000)), "a subflow more");
        ledger.sampledAt(connection(1, 1200, 1000, 5000));
        assertFalse(ledger.quietSince(connection(1, 1200, 1000, 5000)), "still in flight: sampled every round");
    }

    /** MPTCP_INFO with {@code subflows} extra subflows and the given data-level sequence numbers. */
    private static MptcpInfo connection(int subflows, long writeSeq, long sndUna, long rcvNxt) {
        return new MptcpInfo(subflows, subflows + 1, 0, false, true, 1, writeSeq, sndUna, rcvNxt, 0, 0,
                writeSeq - 1, rcvNxt - 1, sndUna - 1, 0, 0, 8, 8, 8, 0, 8, false, 0, 0, 0);
    }

    private static SubflowInfo subflow(int id, InetSocketAddress local, long acked, long received) {
        return new SubflowInfo(id, local, AP, tcp(acked, received));
    }

    private static TcpInfo tcp(long acked, long received) {
        return new TcpInfo(20_000, 10, 0, acked, received, 0, acked, 0);
    }
}
